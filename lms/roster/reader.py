"""Reading an uploaded roster: what kind of file it really is, then its rows in chunks, never all at once."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
SPOOL = "spool"  # our CSV copy of a workbook's rows, first column the spreadsheet row number
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
DEFAULT_CHUNK_ROWS = 2000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls / .doc container
_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\b")
_PANDAS_LINE = re.compile(r"line (\d+)")
# Control characters other than tab, CR and LF do not occur in a text spreadsheet.
_BINARY_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MAX_UNZIPPED_RATIO = 50  # a workbook that inflates more than this is refused as a zip bomb
_BLOCK = 1 << 20

Row = tuple[int, tuple[str, ...]]  # (spreadsheet row number, cell texts)


class RosterFileError(ValueError):
    """The file as a whole cannot be imported; the message says why in the uploader's terms."""


@dataclass(frozen=True)
class RosterRows:
    header: tuple[str, ...]
    header_row: int
    estimated_rows: int | None
    chunks: Iterator[list[Row]]


def file_format_for(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in FORMATS:
        raise RosterFileError(
            _("Only .xlsx and .csv files can be imported; “%(name)s” is neither.") % {"name": name}
        )
    return extension


def check_size(*, size: int, max_bytes: int) -> None:
    """Refuse by the declared size, before a byte of the file is read."""
    if size > max_bytes:
        raise RosterFileError(
            _("The file is too large (%(size)s); the limit is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    if size == 0:
        raise RosterFileError(_("The file is empty."))


def check_content(fileobj: BinaryIO, *, file_format: str, size: int) -> None:
    """The content must be what the name says: a real workbook, or text in UTF-8 or GB18030."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if file_format == XLSX:
        _check_workbook(fileobj, head=head, size=size)
    else:
        if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
            raise RosterFileError(_("The file is named .csv but is not a text file; save it as CSV or .xlsx."))
        csv_encoding(fileobj)


def _check_workbook(fileobj: BinaryIO, *, head: bytes, size: int) -> None:
    if head.startswith(_OLE_MAGIC):
        raise RosterFileError(_("This is an old .xls workbook; save it as .xlsx (Excel 2007 or later) and upload again."))
    not_workbook = RosterFileError(_("The file is named .xlsx but is not an Excel workbook."))
    if not head.startswith(_ZIP_MAGIC):
        raise not_workbook
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise not_workbook
            if sum(info.file_size for info in archive.infolist()) > _MAX_UNZIPPED_RATIO * max(size, _BLOCK):
                raise RosterFileError(_("The workbook is not a normal spreadsheet (it unpacks to an unusual size)."))
            workbook_xml = archive.read("xl/workbook.xml")
    except zipfile.BadZipFile as exc:
        raise not_workbook from exc
    finally:
        fileobj.seek(0)
    sheets = len(_SHEET_TAG.findall(workbook_xml))
    if sheets != 1:
        raise RosterFileError(
            _("A workbook may have only one worksheet; this one has %(count)d. Keep the roster on a single sheet.")
            % {"count": sheets}
        )


def csv_encoding(fileobj: BinaryIO) -> str:
    """UTF-8 (with or without BOM) or GB18030, whichever decodes the whole file; else refuse."""
    for encoding in CSV_ENCODINGS:
        if _decodes(fileobj, encoding):
            return encoding
    raise RosterFileError(_("The CSV file is neither UTF-8 nor GB18030 text; save it again as “CSV UTF-8”."))


def _decodes(fileobj: BinaryIO, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    fileobj.seek(0)
    try:
        first = True
        while block := fileobj.read(_BLOCK):
            text = decoder.decode(block)
            if first and _BINARY_TEXT.search(text):
                raise RosterFileError(_("The file is not a spreadsheet: it contains binary data."))
            first = False
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        fileobj.seek(0)
    return True


def _count_lines(fileobj: BinaryIO) -> int:
    fileobj.seek(0)
    lines = 0
    while block := fileobj.read(_BLOCK):
        lines += block.count(b"\n")
    fileobj.seek(0)
    return lines


@contextmanager
def open_roster(fileobj: BinaryIO, *, file_format: str, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Iterator[RosterRows]:
    """The header row and the data rows in chunks; fully blank rows are skipped, row numbers kept."""
    opener = {XLSX: _open_xlsx, CSV: _open_csv, SPOOL: _open_spool}[file_format]
    with opener(fileobj, chunk_rows) as (estimated, rows):
        header_row, header = _first_nonblank(rows)
        if header_row == 0:
            raise RosterFileError(_("The file is empty."))
        yield RosterRows(
            header=header,
            header_row=header_row,
            estimated_rows=None if estimated is None else max(estimated - header_row, 0),
            chunks=_chunked(rows, chunk_rows),
        )


def _first_nonblank(rows: Iterator[Row]) -> Row:
    for number, cells in rows:
        if any(cells):
            return number, cells
    return 0, ()


def _chunked(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for number, cells in rows:
        if not any(cells):
            continue
        chunk.append((number, cells))
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _open_csv(fileobj: BinaryIO, chunk_rows: int) -> Iterator[tuple[int | None, Iterator[Row]]]:
    encoding = csv_encoding(fileobj)
    estimated = _count_lines(fileobj) + 1
    try:
        reader = pd.read_csv(
            fileobj,
            encoding=encoding,
            header=None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            chunksize=chunk_rows,
            engine="c",
        )
    except pd.errors.EmptyDataError as exc:
        raise RosterFileError(_("The file is empty.")) from exc
    with reader:
        yield estimated, _csv_rows(reader)


class RowSpool:
    """Pass 1 copies a workbook's rows here so that pass 2 reads CSV: openpyxl parses a sheet
    several times slower than pandas reads the same rows (bench/roster_import.py --format xlsx)."""

    def __init__(self, path: Path, *, header_row: int, header: tuple[str, ...]) -> None:
        self.width = len(header)
        self._file = path.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow([header_row, *header])

    def write(self, rows: list[Row]) -> None:
        width = self.width
        self._csv.writerows([number, *cells[:width], *([""] * (width - len(cells)))] for number, cells in rows)

    def close(self) -> None:
        self._file.close()


@contextmanager
def _open_spool(fileobj: BinaryIO, chunk_rows: int) -> Iterator[tuple[int | None, Iterator[Row]]]:
    with _open_csv(fileobj, chunk_rows) as (estimated, rows):
        yield estimated, ((int(cells[0]), cells[1:]) for _record, cells in rows)


def _csv_rows(reader: pd.io.parsers.TextFileReader) -> Iterator[Row]:
    number = 0
    try:
        for frame in reader:
            # One conversion to plain Python lists: iterating pandas string arrays cell by cell is slow.
            for cells in frame.to_numpy(dtype=object).tolist():
                number += 1
                yield number, tuple([value.strip() if value.__class__ is str else "" for value in cells])
    except pd.errors.ParserError as exc:
        found = _PANDAS_LINE.search(str(exc))
        raise RosterFileError(
            _("Row %(row)s has more cells than the header row; check for stray commas or quotes.")
            % {"row": found.group(1) if found else "?"}
        ) from exc
    except UnicodeDecodeError as exc:
        raise RosterFileError(_("The CSV file is neither UTF-8 nor GB18030 text; save it again as “CSV UTF-8”.")) from exc


@contextmanager
def _open_xlsx(fileobj: BinaryIO, chunk_rows: int) -> Iterator[tuple[int | None, Iterator[Row]]]:
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise RosterFileError(_("The workbook cannot be opened; save it again as .xlsx.")) from exc
    try:
        sheet = workbook.worksheets[0]
        estimated = sheet.max_row
        sheet.reset_dimensions()  # a wrong <dimension> tag must not cut rows off
        yield estimated, _xlsx_rows(sheet)
    finally:
        workbook.close()


def _xlsx_rows(sheet) -> Iterator[Row]:
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        values = []
        for cell in cells:
            if cell.data_type == "f":
                raise RosterFileError(
                    _("The workbook contains formulas (the first in cell %(cell)s); paste values only and upload again.")
                    % {"cell": cell.coordinate}
                )
            values.append(cell_text(cell.value))
        yield number, tuple(values)


def cell_text(value: object) -> str:
    """A cell as the text a person sees; long numbers keep the scientific form that shows lost digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if abs(value) >= 1e15:
            return f"{value:.5E}"
        return str(int(value)) if value.is_integer() else str(value)
    return str(value).strip()
