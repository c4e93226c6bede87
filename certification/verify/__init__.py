"""verify of certification."""
