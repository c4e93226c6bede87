"""Models of assessments; filled by later issues."""
