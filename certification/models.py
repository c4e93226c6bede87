"""Models of certification; filled by later issues."""
