"""Reading an uploaded roster: what kind of file it really is, then its rows in chunks, never all at once."""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .errors import RosterFileError, Row
from .workbook import DEFAULT_MAX_CELLS, OLE_MAGIC, ZIP_MAGIC, check_workbook, open_workbook

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
SPOOL = "spool"  # our CSV copy of a workbook's rows (RowSpool)
SPOOL_MARK = "roster-spool"
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
DEFAULT_CHUNK_ROWS = 2000

_PANDAS_LINE = re.compile(r"line (\d+)")
# Control characters other than tab, CR and LF do not occur in a text spreadsheet.
_BINARY_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BLOCK = 1 << 20


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
        check_workbook(fileobj, head=head, size=size)
    else:
        if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC):
            raise RosterFileError(_("The file is named .csv but is not a text file; save it as CSV or .xlsx."))
        csv_encoding(fileobj)


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
def _open_csv(
    fileobj: BinaryIO, chunk_rows: int, *, encoding: str | None = None
) -> Iterator[tuple[int | None, Iterator[Row]]]:
    encoding = encoding or csv_encoding(fileobj)
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
    """A workbook's rows as CSV, written while the workbook is read once (at upload, or by pass 1 when
    that copy is missing or stale); both passes then read CSV with pandas rather than checking the
    worksheet XML and loading it into calamine again, which costs several times as much.

    The first line names the workbook by its SHA-256, so that a copy is used only for the very file it
    was made from; the second is the header row; every line starts with the spreadsheet row number.
    The copy is written under a temporary name and renamed once complete: a spool that exists is whole.
    """

    def __init__(self, path: Path, *, source_digest: str, header_row: int, header: tuple[str, ...]) -> None:
        self.path = path
        self.width = len(header)
        self._part = path.with_name(path.name + ".part")
        self._file = self._part.open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow([SPOOL_MARK, source_digest, *([""] * (self.width - 1))])
        self._csv.writerow([header_row, *header])

    def write(self, rows: list[Row]) -> None:
        width = self.width
        if all(len(cells) == width for _number, cells in rows):  # a workbook's rows all have the sheet's width
            self._csv.writerows((number, *cells) for number, cells in rows)
        else:
            self._csv.writerows([number, *cells[:width], *([""] * (width - len(cells)))] for number, cells in rows)

    def finish(self) -> None:
        self._file.close()
        self._part.replace(self.path)

    def discard(self) -> None:
        self._file.close()
        self._part.unlink(missing_ok=True)


def spool_source(path: Path) -> str | None:
    """The SHA-256 of the workbook a spool was made from; None if there is no spool."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            first = next(csv.reader(handle), [])
    except FileNotFoundError:
        return None
    return first[1] if len(first) > 1 and first[0] == SPOOL_MARK else None


def file_digest(fileobj: BinaryIO) -> str:
    fileobj.seek(0)
    try:
        return hashlib.file_digest(fileobj, "sha256").hexdigest()
    finally:
        fileobj.seek(0)


@contextmanager
def _open_spool(fileobj: BinaryIO, chunk_rows: int) -> Iterator[tuple[int | None, Iterator[Row]]]:
    with _open_csv(fileobj, chunk_rows, encoding="utf-8") as (lines, rows):  # ours: no need to test the encoding
        marker = next(rows, None)
        header = next(rows, None)
        if marker is None or header is None or marker[1][0] != SPOOL_MARK:
            raise RosterFileError(_("The file is empty."))
        header_row = int(header[1][0])
        data_lines = (lines or 3) - 3  # _open_csv counts newlines + 1: the mark and the header are two of them
        records = ((int(cells[0]), cells[1:]) for _line, cells in rows)
        yield header_row + data_lines, itertools.chain([(header_row, header[1][1:])], records)


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


def xlsx_max_cells() -> int:
    return int(getattr(settings, "ROSTER_XLSX_MAX_CELLS", DEFAULT_MAX_CELLS))


@contextmanager
def _open_xlsx(fileobj: BinaryIO, chunk_rows: int) -> Iterator[tuple[int | None, Iterator[Row]]]:
    with open_workbook(fileobj, max_cells=xlsx_max_cells()) as (last_row, rows):
        yield last_row, rows
