"""Personnel look-up: search a jurisdiction's teachers and read one teacher's whole record."""
