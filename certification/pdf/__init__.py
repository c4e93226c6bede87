"""pdf of certification."""
