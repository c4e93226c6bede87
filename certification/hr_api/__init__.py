"""The API for personnel (HR) systems: DRF under /api/v1/, per-system keys, scopes, rate limits, audit."""
