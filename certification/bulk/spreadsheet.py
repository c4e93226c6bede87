"""Reading and checking an uploaded list of ID numbers (.xlsx or .csv, up to 50,000 rows) in the request:
either every number is well-formed and unique, or a row-numbered list of problems (row numbers as the
user sees them in Excel) and nothing is kept. Only the ID-number column is read."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from lms.api import IdNumberError, mask_id_number, normalise_id_number, parse_id_number

from ..annual.spreadsheet import Cell, _csv_rows, _refuse, _xlsx_cell, xlsx_workbook_open

MAX_ROWS = 50_000  # ID numbers per file, header and blank rows not counted
MAX_BYTES = 8 * 1024 * 1024  # a 50,000-row workbook with a few more columns is well under this
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
MAX_SHEET_ROWS = 200_000  # rows read at all, blank ones included: a sheet of styled blank rows stops here
MAX_COLUMNS = 30  # the ID-number column must be among the first 30; later columns are never read
MAX_PROBLEMS_SHOWN = 500
ID_HEADERS = {"身份证号", "身份证号码", "公民身份号码", "身份证", "id number", "id_number", "idnumber", "id no", "id no."}
SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)  # what a CSV holds after Excel rounded a number


@dataclass(frozen=True)
class Problem:
    row: int
    id_masked: str
    message: str


@dataclass
class IdSheet:
    """The checked upload: (row number, normalised ID number) pairs, or the problems that stop it."""

    rows: list[tuple[int, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)  # skipped, and said so
    header_row: int | None = None


class IdSheetProblems(ValidationError):
    """The file was read but some rows are wrong: nothing is kept; the report lists every row."""

    def __init__(self, sheet: IdSheet) -> None:
        super().__init__(_("Nothing was stored: %(count)s rows need correcting.") % {"count": len(sheet.problems)}, code="rows")
        self.sheet = sheet


class _Row:
    """One row's cells, turned into Cells only when asked: most rows are asked for one column only."""

    def __init__(self, number: int, raw: Sequence[Any]) -> None:
        self.number, self.raw = number, raw

    @property
    def blank(self) -> bool:
        return all(_blank(item) for item in self.raw)

    def cell(self, index: int) -> tuple[Cell, bool]:
        """The cell and whether its number lost digits (a float in the workbook, E+ notation in a CSV)."""
        if index >= len(self.raw):
            return Cell(text=""), False
        item = self.raw[index]
        if isinstance(item, Cell):
            return item, bool(SCIENTIFIC.match(item.text))
        return _xlsx_cell(item), isinstance(getattr(item, "value", None), float)

    def texts(self) -> list[str]:
        return [self.cell(index)[0].text for index in range(len(self.raw))]


def _blank(item: Any) -> bool:
    value = item.text if isinstance(item, Cell) else getattr(item, "value", None)
    return value is None or (isinstance(value, str) and not value.strip())


def _too_many_rows() -> ValidationError:
    return _refuse(_("At most %(max)s ID numbers per file; this file has more. Split it into smaller files.") % {"max": f"{MAX_ROWS:,}"})


def _xlsx_rows(data: bytes) -> Iterator[_Row]:
    """Rows of the first sheet as they stream from the file: never more than MAX_COLUMNS cells each."""
    workbook = xlsx_workbook_open(data, max_unzipped=MAX_UNZIPPED_BYTES)
    try:
        sheet = workbook.worksheets[0]
    except Exception:  # noqa: BLE001 - a workbook without a readable sheet
        workbook.close()
        raise _refuse(_("The file is named .xlsx but is not an Excel workbook.")) from None
    try:
        sheet.reset_dimensions()  # a hostile <dimension> must not pad every row
        for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
            yield _Row(number, values)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - a sheet whose XML breaks half-way
        raise _refuse(_("The workbook could not be read to the end; save it again as .xlsx.")) from None
    finally:
        workbook.close()


def _csv_lines(data: bytes) -> Iterator[_Row]:
    for number, cells in _csv_rows(data):
        yield _Row(number, cells[:MAX_COLUMNS])


def _rows_of(*, name: str, data: bytes) -> Iterator[_Row]:
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise _refuse(_("The file is too large (%(size)s); the limit is %(limit)s. Split it into smaller files.")
                      % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx":
        return _xlsx_rows(data)
    if extension == "csv":
        return _csv_lines(data)
    raise _refuse(_("Only .xlsx and .csv files can be read; “%(name)s” is neither.") % {"name": name[:100]})


def _id_column(first: _Row) -> tuple[int, bool]:
    """(index of the ID-number column, whether the first row is a header) from the first non-blank row."""
    labels = [" ".join(text.split()).lower() for text in first.texts()]
    for index, label in enumerate(labels):
        if label in ID_HEADERS:
            return index, True
    filled = [index for index, label in enumerate(labels) if label]
    if len(filled) == 1:
        index = filled[0]
        # A single column: its first cell is a header unless it holds digits (then it is the first number).
        return index, not any(ch.isdigit() for ch in labels[index])
    raise _refuse(_("No ID-number column: name the column 身份证号 (or “ID number”) in the first row, or upload a single column of ID numbers."))


def _problem_of(cell: Cell, lost_digits: bool, value: str) -> str:
    if cell.formula:
        return _("A formula in the ID-number column: paste values only.")
    if not value:
        return _("The ID-number cell is blank, but the row is not.")
    if lost_digits:
        return _("The ID number is stored as a number, which loses digits; format the column as text.")
    try:
        parse_id_number(value)
    except IdNumberError as exc:
        if cell.numeric:
            return _("The ID number is stored as a number, which loses digits; format the column as text.")
        return str(exc)
    return ""


def id_sheet_read(*, name: str, data: bytes) -> IdSheet:
    """Check the whole file; a refusal (not a table, too big, too many rows, no ID column) raises
    ValidationError, a table with bad rows raises IdSheetProblems carrying every row's problem."""
    sheet = IdSheet()
    column: int | None = None
    pending_blanks: list[int] = []  # blank rows count only when a filled row follows (trailing ones are nothing)
    first_row_of: dict[str, int] = {}
    for read, row in enumerate(_rows_of(name=name, data=data), start=1):
        if read > MAX_SHEET_ROWS:
            raise _too_many_rows()
        if row.blank:
            pending_blanks.append(row.number)
            continue
        if column is None:
            pending_blanks.clear()  # blank rows above the first filled row are not worth a mention
            column, is_header = _id_column(row)
            if is_header:
                sheet.header_row = row.number
                continue
        sheet.blank_rows += pending_blanks
        pending_blanks.clear()
        if len(sheet.rows) + len(sheet.problems) >= MAX_ROWS:
            raise _too_many_rows()  # refused as soon as the 50,001st number appears, the rest unread
        cell, lost = row.cell(column)
        value = normalise_id_number(cell.text)
        message = _problem_of(cell, lost, value)
        if not message and value in first_row_of:
            message = _("The same ID number as row %(row)s.") % {"row": first_row_of[value]}
        if message:
            sheet.problems.append(Problem(row.number, mask_id_number(value) if value else "", message))
            continue
        first_row_of[value] = row.number
        sheet.rows.append((row.number, value))
    if column is None:
        raise _refuse(_("The file is empty."))
    if sheet.problems:
        raise IdSheetProblems(sheet)
    if not sheet.rows:
        raise _refuse(_("The file has a header but no ID numbers."))
    return sheet
