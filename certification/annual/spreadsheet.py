"""Reading a small uploaded table (.xlsx or .csv) into rows numbered as the user sees them in Excel, with
formulas and numbers-instead-of-text noticed per cell; anything that is not a spreadsheet is refused."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_UNZIPPED_BYTES = 60 * 1024 * 1024  # a small .xlsx that inflates past this is refused unread
MAX_ROWS = 20_000
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls (and other Office files)
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Cell:
    text: str
    formula: bool = False
    numeric: bool = False  # typed as a number in the workbook (an 18-digit ID number loses digits)


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)  # (row number as in Excel, cells)


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="file")


def table_read(*, name: str, data: bytes) -> Table:
    """The first non-blank row is the header; fully blank rows are skipped, their numbers kept."""
    if not data:
        raise _refuse(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise _refuse(_("The file is too large (%(size)s); the limit is %(limit)s. Split it into smaller files.")
                      % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "xlsx":
        rows = _xlsx_rows(data)
    elif extension == "csv":
        rows = _csv_rows(data)
    else:
        raise _refuse(_("Only .xlsx and .csv files can be imported; “%(name)s” is neither.") % {"name": name})
    rows = [(number, cells) for number, cells in rows if any(cell.text for cell in cells)]
    if not rows:
        raise _refuse(_("The file is empty."))
    (_header_number, header), body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        raise _refuse(_("At most %(max)s rows per file; split it.") % {"max": MAX_ROWS})
    return Table(header=[cell.text for cell in header], rows=body)


def _csv_rows(data: bytes) -> list[tuple[int, list[Cell]]]:
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC) or b"\x00" in data[:4096]:
        raise _refuse(_("The file is named .csv but is not a text file; save it as CSV or .xlsx."))
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(_("The CSV file is neither UTF-8 nor GB18030 text; save it again as “CSV UTF-8”."))
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise _refuse(_("The file is not a readable CSV table.")) from None
    # A CSV has no formulas, but Excel runs a cell starting with "=" as one when the file is opened.
    return [
        (number, [Cell(text=value.strip(), formula=value.strip().startswith("=")) for value in record])
        for number, record in enumerate(records, start=1)
    ]


def xlsx_workbook_open(data: bytes, *, max_unzipped: int = MAX_UNZIPPED_BYTES) -> Any:
    """A read-only openpyxl workbook of an uploaded .xlsx, or a clear refusal: an old .xls, not a workbook
    at all, or a zip that inflates past `max_unzipped` (refused unread). The caller closes it."""
    if not data.startswith(ZIP_MAGIC):
        if data.startswith(OLE_MAGIC):
            raise _refuse(_("This is an old .xls (or encrypted) workbook; save it as .xlsx and upload again."))
        raise _refuse(_("The file is named .xlsx but is not an Excel workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _refuse(_("The file is named .xlsx but is not an Excel workbook.")) from None
    if inflated > max_unzipped:
        raise _refuse(_("The workbook unpacks to more than %(limit)s; it is refused.") % {"limit": filesizeformat(max_unzipped)})
    from openpyxl import load_workbook

    try:
        # Not data_only: a formula must be seen as a formula, not as its cached value.
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise _refuse(_("The file is named .xlsx but is not an Excel workbook.")) from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Cell]]]:
    workbook = xlsx_workbook_open(data)
    try:
        sheet = workbook.worksheets[0]
        rows: list[tuple[int, list[Cell]]] = []
        for number, values in enumerate(sheet.iter_rows(), start=1):
            rows.append((number, [_xlsx_cell(cell) for cell in values]))
            if len(rows) > MAX_ROWS + 50:
                raise _refuse(_("At most %(max)s rows per file; split it.") % {"max": MAX_ROWS})
        return rows
    finally:
        workbook.close()


def _xlsx_cell(cell: object) -> Cell:
    value = getattr(cell, "value", None)
    kind = getattr(cell, "data_type", "n")
    if value is None:
        return Cell(text="")
    if kind == "f" or (isinstance(value, str) and value.startswith("=")):
        return Cell(text=str(value), formula=True)
    if isinstance(value, bool):
        return Cell(text=str(value))
    if isinstance(value, (int, float)):
        text = str(int(value)) if isinstance(value, int) or value.is_integer() else str(value)
        return Cell(text=text, numeric=True)
    return Cell(text=str(value).strip())
