"""Models of courses; filled by later issues."""
