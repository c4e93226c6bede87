"""Capability frameworks as data: import, export and the shipped standards (assessments.services re-exports)."""
