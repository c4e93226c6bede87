"""Models of courses: so far the hours ledger (学时台账) and the rules it is counted by."""

from .hours import HoursEntry, HoursImport, HoursImportStatus, HoursKind, HoursPolicy, HoursSource, LedgerAppendOnlyError

__all__ = [
    "HoursEntry",
    "HoursImport",
    "HoursImportStatus",
    "HoursKind",
    "HoursPolicy",
    "HoursSource",
    "LedgerAppendOnlyError",
]
