"""Reports for bureaus and personnel offices, built with pandas from scoped selectors."""
