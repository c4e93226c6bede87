"""annual of certification."""
