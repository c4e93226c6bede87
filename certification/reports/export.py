"""Excel files of the reports: the tables a page shows (small, at once), and the long teacher-by-teacher
export of a subtree, written row by row (openpyxl's write-only mode keeps memory flat)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from lms.api import xlsx_safe

from .tables import Report

SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    name = SHEET_FORBIDDEN.sub(" ", title).strip()[:31] or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        candidate = f"{name[:28]} {n}"
        n += 1
    used.add(candidate)
    return candidate


def _widen(worksheet: Worksheet, frame: pd.DataFrame) -> None:
    for index, column in enumerate(frame.columns):
        letter = worksheet.cell(row=1, column=index + 1).column_letter
        longest = max([len(str(column)), *(len(str(value)) for value in frame[column].head(200))])
        worksheet.column_dimensions[letter].width = min(60, 4 + longest * 2)  # CJK characters are two wide


def report_xlsx(report: Report) -> bytes:
    """One sheet per table of the page, headers in the viewer's language (Chinese by default), frozen."""
    buffer = io.BytesIO()
    used: set[str] = set()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for table in report.tables:
            frame = table.frame().map(xlsx_safe)  # a region or school name is never read as a formula
            sheet = _sheet_name(table.title, used)
            frame.to_excel(writer, index=False, sheet_name=sheet, freeze_panes=(1, 1))
            _widen(writer.sheets[sheet], frame)
    return buffer.getvalue()


def rows_xlsx_write(
    *, path: Path, sheet: str, headers: Sequence[str], chunks: Iterable[Sequence[Sequence[Any]]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Stream chunks of rows into a new workbook at `path` (written to a temporary name, then moved into
    place); calls `progress(rows so far)` after each chunk; returns the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(_sheet_name(sheet, set()))
    worksheet.freeze_panes = "A2"
    for index, header in enumerate(headers):
        worksheet.column_dimensions[get_column_letter(index + 1)].width = min(40, 4 + len(header) * 2)
    worksheet.append(list(headers))
    written = 0
    for chunk in chunks:
        for row in chunk:
            worksheet.append([xlsx_safe(value) for value in row])
        written += len(chunk)
        if progress is not None:
            progress(written)
    workbook.save(partial)
    partial.replace(path)
    return written
