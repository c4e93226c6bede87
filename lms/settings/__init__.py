"""Settings split by environment: base, dev, test, production."""
