"""Text bound for a spreadsheet (CSV or .xlsx) that a user may have typed: never read as a formula."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """A leading =, +, -, @, tab or carriage return gets an apostrophe, so Excel shows the text as typed."""
    return "'" + text if text.startswith(FORMULA_START) else text


def xlsx_safe(value: object) -> object:
    """A value for an .xlsx cell: openpyxl stores any text starting with = as a formula, so such text gets
    an apostrophe; other values pass unchanged (text starting with +, - or @ stays text in .xlsx)."""
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value
