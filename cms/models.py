"""Models of cms; filled by later issues."""
