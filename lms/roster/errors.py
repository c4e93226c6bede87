"""What the roster readers raise when a file as a whole cannot be imported."""

from __future__ import annotations


class RosterFileError(ValueError):
    """The file as a whole cannot be imported; the message says why in the uploader's terms."""


Row = tuple[int, tuple[str, ...]]  # (spreadsheet row number, cell texts)
