"""titles of certification."""
