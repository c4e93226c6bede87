"""The row report: one CSV line per problem, written as the check goes, ID numbers masked."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from django.utils.translation import gettext as _

from lms.cells import formula_safe
from lms.idcard import mask_id_number, normalise

from .fields import RowIssue

# UTF-8 with a byte-order mark: Excel then opens the Chinese text correctly.
REPORT_ENCODING = "utf-8-sig"


@dataclass(frozen=True)
class ReportLine:
    row: str
    column: str
    value: str
    reason: str


def shown_value(issue: RowIssue) -> str:
    """What the report may show of a cell: never a whole ID number."""
    if issue.column == "id_number" and issue.value:
        return mask_id_number(normalise(issue.value))
    return issue.value


def _safe_cell(text: str) -> str:
    """Keep a spreadsheet from reading a reported value as a formula."""
    return formula_safe(text)


class ReportWriter:
    """Appends problems to the report file as they are found; counts them."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._file = path.open("w", encoding=REPORT_ENCODING, newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow([_("Row"), _("Column"), _("Value"), _("Reason")])
        self.problems = 0
        self.rows_with_problems: set[int] = set()

    def add(self, issues: Iterable[RowIssue]) -> None:
        for issue in issues:
            self._csv.writerow(
                [issue.row or "", issue.label, _safe_cell(shown_value(issue)), _safe_cell(issue.reason)]
            )
            self.problems += 1
            if issue.row:
                self.rows_with_problems.add(issue.row)

    def file_problem(self, reason: str) -> None:
        self._csv.writerow(["", "", "", _safe_cell(reason)])
        self.problems += 1

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()


def report_lines(path: Path, *, limit: int | None = None) -> list[ReportLine]:
    """The first problems of a report, for a page or the terminal."""
    lines: list[ReportLine] = []
    if not path.is_file():
        return lines
    with path.open(encoding=REPORT_ENCODING, newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for cells in reader:
            if limit is not None and len(lines) >= limit:
                break
            row, column, value, reason = (cells + ["", "", "", ""])[:4]
            lines.append(ReportLine(row=row, column=column, value=value, reason=reason))
    return lines
