"""H5P packages: validation, content-addressed storage, library allowlist, xAPI scoring."""
