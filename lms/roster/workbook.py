"""Reading an .xlsx roster: the container and the worksheet XML are checked by streaming them, and
only then does python-calamine (Rust, several times faster than openpyxl) load the sheet's values.

Why the checks come first and cannot be left to calamine:
- calamine holds a sheet as one dense grid over its used area, about 32 bytes a cell whether the
  cell is filled or not: a 5 KB file with values in A1 and XFD1048576 asks for 550 GB and aborts
  the whole process. The used area is measured from the XML before calamine sees the file.
- calamine returns a formula's cached value, and an error cell (#N/A) as an empty string; a roster
  must hold typed values, so both are refused naming the cell.
- A zip entry may claim a smaller size than it inflates to; every entry calamine may read is
  inflated once here first (zipfile stops at the claimed size and checks the CRC).
The worksheet XML is streamed with lxml's iterparse, each row cleared once read, so memory stays flat.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, BinaryIO

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from lxml import etree
from python_calamine import CalamineWorkbook

from .errors import RosterFileError, Row

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls / .doc container
MAX_UNZIPPED_RATIO = 50  # a workbook that inflates more than this is refused as a zip bomb
# 4 million cells is ~360,000 rows of the 11 roster columns (more than a 20 MB upload holds) and
# about 130 MB of calamine's grid.
DEFAULT_MAX_CELLS = 4_000_000
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384

_BLOCK = 1 << 20
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")
_REF_LIST = re.compile(r"(?: [A-Z]{1,3}[1-9][0-9]{0,6})+")  # " A1 B1 C1 …"
_LETTERS_OUT = str.maketrans("", "", string.ascii_uppercase)
_DIGITS_OUT = str.maketrans("", "", string.digits)
_REF_BATCH = 50_000  # cell references gathered before one regular-expression pass finds their extremes
# No DTD, no entity expansion, no network, no multi-gigabyte text nodes.
_XML = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


def _not_workbook() -> RosterFileError:
    return RosterFileError(_("The file is named .xlsx but is not an Excel workbook."))


def _unreadable() -> RosterFileError:
    return RosterFileError(_("The workbook cannot be opened; save it again as .xlsx."))


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def column_letters(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@lru_cache(maxsize=4096)
def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _parse_ref(ref: str) -> tuple[int, int]:
    """"K12" → (11, 10), 0-based; anything else is a damaged workbook."""
    found = _REF.fullmatch(ref)
    if found is None:
        raise _unreadable()
    return int(found[2]) - 1, _column_index(found[1])


def _ref_name(row: int, column: int) -> str:
    return f"{column_letters(column)}{row + 1}"


# --- the container ----------------------------------------------------------------------------------


@contextmanager
def _container_errors() -> Iterator[None]:
    try:
        yield
    except RosterFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _not_workbook() from exc  # damaged, encrypted, or an unsupported compression
    except (etree.XMLSyntaxError, KeyError, ValueError) as exc:
        raise _unreadable() from exc


def _refuse_by_magic(head: bytes) -> None:
    if head.startswith(OLE_MAGIC):
        raise RosterFileError(_("This is an old .xls workbook; save it as .xlsx (Excel 2007 or later) and upload again."))
    if not head.startswith(ZIP_MAGIC):
        raise _not_workbook()


def _elements(archive: zipfile.ZipFile, name: str, local: str) -> Iterator[dict[str, str]]:
    """The attributes of every <local> element of a (small) part, streamed."""
    with archive.open(name) as member:
        for _event, element in etree.iterparse(member, events=("end",), tag=f"{{*}}{local}", **_XML):
            yield dict(element.attrib)
            element.clear()


def _sheet_part(archive: zipfile.ZipFile, *, size: int) -> str:
    """The zip entry of the workbook's only worksheet, after the size and sheet-count checks.

    The entry checked here must be the very one calamine loads, so anything that readers could resolve
    differently is refused rather than guessed at: repeated entry names, repeated relationship ids, a
    sheet with more than one relationship id, a target that is not a plain path inside xl/.
    """
    infos = archive.infolist()
    names = {info.filename for info in infos}
    if _WORKBOOK not in names or len(names) != len(infos):
        raise _not_workbook()
    if sum(info.file_size for info in infos) > MAX_UNZIPPED_RATIO * max(size, _BLOCK):
        raise RosterFileError(_("The workbook is not a normal spreadsheet (it unpacks to an unusual size)."))
    sheets = 0
    relation_ids: list[str] = []
    for attributes in _elements(archive, _WORKBOOK, "sheet"):
        sheets += 1
        if sheets == 1:  # r:id, in whichever relationships namespace (transitional or strict)
            relation_ids = [v for k, v in attributes.items() if k.startswith("{") and _local(k) == "id"]
    if sheets != 1:
        raise RosterFileError(
            _("A workbook may have only one worksheet; this one has %(count)d. Keep the roster on a single sheet.")
            % {"count": sheets}
        )
    if len(relation_ids) != 1 or _WORKBOOK_RELS not in names:
        raise _unreadable()
    targets: dict[str, str] = {}
    for relationship in _elements(archive, _WORKBOOK_RELS, "Relationship"):
        if relationship.get("Id", "") in targets:
            raise _unreadable()
        targets[relationship.get("Id", "")] = relationship.get("Target", "")
    part = _plain_part(targets.get(relation_ids[0], ""))
    if part is None or part not in names:
        raise _unreadable()
    return part


def _plain_part(target: str) -> str | None:
    """"worksheets/sheet1.xml" or "/xl/worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml"; None for
    anything readers might resolve differently ("..", ".", empty segments, a relative "xl/…")."""
    rest = target[len("/xl/") :] if target.startswith("/xl/") else target
    segments = rest.split("/")
    if not rest or rest.startswith(("/", "xl/")) or any(segment in ("", ".", "..") for segment in segments):
        return None
    return f"xl/{rest}"


def _inflate_parts(archive: zipfile.ZipFile, *, skip: str) -> None:
    """Inflate every other entry once: one that is larger than it claims fails its CRC here."""
    for info in archive.infolist():
        if info.filename != skip and not info.is_dir():
            with archive.open(info) as member:
                while member.read(_BLOCK):
                    pass


def check_workbook(fileobj: BinaryIO, *, head: bytes, size: int) -> None:
    """The upload's quick check: a real .xlsx container with one worksheet and a plausible size."""
    _refuse_by_magic(head)
    try:
        with _container_errors(), zipfile.ZipFile(fileobj) as archive:
            _sheet_part(archive, size=size)
    finally:
        fileobj.seek(0)


# --- the worksheet XML --------------------------------------------------------------------------------


@dataclass
class _UsedArea:
    """The rectangle calamine will allocate: from the top-left to the bottom-right filled cell."""

    top: int = EXCEL_ROWS
    bottom: int = -1
    left: int = EXCEL_COLUMNS
    right: int = -1

    def add(self, top: int, bottom: int, left: int, right: int) -> None:
        self.top, self.bottom = min(self.top, top), max(self.bottom, bottom)
        self.left, self.right = min(self.left, left), max(self.right, right)

    @property
    def cells(self) -> int:
        return 0 if self.bottom < 0 else (self.bottom - self.top + 1) * (self.right - self.left + 1)

    def name(self) -> str:
        return f"{_ref_name(self.top, self.left)}:{_ref_name(self.bottom, self.right)}"


class _AreaTooLarge(Exception):
    pass


class _SheetScan:
    """One streaming pass over the worksheet XML, following calamine's rules for cell positions:
    a <row> or <c> without an r attribute follows on from the one before."""

    def __init__(self, *, max_cells: int, exact: bool) -> None:
        self.max_cells = max_cells
        self.exact = exact  # False: every <c r=…> counts, filled or not (cheaper; only ever larger)
        self.area = _UsedArea()
        self.row_index = 0
        self.references: list[str] = []

    def run(self, member: IO[bytes]) -> _UsedArea:
        # The loop runs once per row of a 100,000-row file: kept flat, no call per row on the usual path.
        references = self.references
        exact = self.exact
        for _event, element in etree.iterparse(member, events=("end",), tag=("{*}row", "{*}f"), **_XML):
            if element.tag[-1] == "f":  # "{…}f", never "{…}row"
                raise RosterFileError(
                    _("The workbook contains formulas (the first in cell %(cell)s); paste values only and upload again.")
                    % {"cell": self._formula_cell(element)}
                )
            number = element.get("r")
            if number is not None:
                if not number.isdigit() or not 0 < int(number) <= EXCEL_ROWS:
                    raise _unreadable()
                self.row_index = int(number) - 1
            cells = [cell.get("r") for cell in element]
            if exact or None in cells or "e" in [cell.get("t") for cell in element]:
                self._row_exactly(element)
            else:
                references += cells
                if len(references) >= _REF_BATCH:
                    self._flush()
            self.row_index += 1
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
        self._flush()
        return self.area

    def _row_exactly(self, row: etree._Element) -> None:
        column = 0
        for cell in row:
            if _local(cell.tag) != "c":
                continue
            ref = cell.get("r")
            at_row, at_column = (self.row_index, column) if ref is None else _parse_ref(ref)
            column = at_column + 1
            if cell.get("t") == "e":
                raise RosterFileError(
                    _("Cell %(cell)s holds an Excel error (%(error)s) instead of a value; correct it and upload again.")
                    % {"cell": _ref_name(at_row, at_column), "error": "".join(cell.itertext()).strip()[:20]}
                )
            if len(cell):  # an empty <c/> only carries a style: calamine keeps no value for it
                self.area.add(at_row, at_row, at_column, at_column)
        self._check()

    def _flush(self) -> None:
        """The extremes of the gathered references, found by C code (one regular expression, translate,
        split, sets) rather than a Python loop per cell."""
        if not self.references:
            return
        text = " " + " ".join(self.references)
        self.references.clear()
        if _REF_LIST.fullmatch(text) is None:
            raise _unreadable()  # a reference that is not plain A1 style
        rows = [int(number) for number in set(text.translate(_LETTERS_OUT).split())]
        columns = [_column_index(letters) for letters in set(text.translate(_DIGITS_OUT).split())]
        self.area.add(min(rows) - 1, max(rows) - 1, min(columns), max(columns))
        self._check()

    def _check(self) -> None:
        if self.area.cells <= self.max_cells and self.area.bottom < EXCEL_ROWS and self.area.right < EXCEL_COLUMNS:
            return
        if not self.exact:
            raise _AreaTooLarge  # empty styled cells may have counted: measure again, exactly
        raise RosterFileError(
            _(
                "The worksheet uses too large an area (%(range)s, %(cells)s cells; at most %(limit)s). "
                "Delete stray cells far from the roster, or split the file."
            )
            % {
                "range": self.area.name(),
                "cells": number_format(self.area.cells, force_grouping=True),
                "limit": number_format(self.max_cells, force_grouping=True),
            }
        )

    def _formula_cell(self, formula: etree._Element) -> str:
        cell = formula.getparent()
        if cell is None or _local(cell.tag) != "c":
            return "?"
        if cell.get("r"):
            return cell.get("r")
        row = cell.getparent()
        column = 0
        for sibling in row if row is not None else ():
            if sibling is cell:
                break
            if _local(sibling.tag) == "c":
                ref = sibling.get("r")
                column = (column if ref is None else _parse_ref(ref)[1]) + 1
        number = row.get("r") if row is not None else None
        return _ref_name(int(number) - 1 if number and number.isdigit() else self.row_index, column)


def _scan_sheet(archive: zipfile.ZipFile, part: str, *, max_cells: int) -> int:
    """Refuse formulas, error cells and an oversized used area; the number of the last filled row."""
    for exact in (False, True):
        try:
            with archive.open(part) as member:
                area = _SheetScan(max_cells=max_cells, exact=exact).run(member)
            return area.bottom + 1
        except _AreaTooLarge:
            continue
    raise AssertionError("the exact scan refuses or returns")  # pragma: no cover


# --- values --------------------------------------------------------------------------------------------


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


def _load_sheet(fileobj: BinaryIO):
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
    except Exception as exc:
        raise _unreadable() from exc
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException, a BaseException
        if type(exc).__name__ == "PanicException":
            raise _unreadable() from exc
        raise
    try:
        return workbook, workbook.get_sheet_by_index(0)
    except BaseException as exc:
        workbook.close()
        if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":
            raise _unreadable() from exc
        raise


def _rows(sheet) -> Iterator[Row]:
    if sheet.start is None:  # nothing in the sheet
        return
    # iter_rows pads the rows above the used area, so enumerate gives spreadsheet row numbers.
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        yield number, tuple([value.strip() if value.__class__ is str else cell_text(value) for value in cells])


@contextmanager
def open_workbook(fileobj: BinaryIO, *, max_cells: int = DEFAULT_MAX_CELLS) -> Iterator[tuple[int, Iterator[Row]]]:
    """(number of the last filled row, the rows) of a workbook that passed every check."""
    fileobj.seek(0, 2)
    size = fileobj.tell()
    fileobj.seek(0)
    _refuse_by_magic(fileobj.read(8))
    fileobj.seek(0)
    try:
        with _container_errors(), zipfile.ZipFile(fileobj) as archive:
            part = _sheet_part(archive, size=size)
            _inflate_parts(archive, skip=part)
            last_row = _scan_sheet(archive, part, max_cells=max_cells)
    finally:
        fileobj.seek(0)
    workbook, sheet = _load_sheet(fileobj)
    try:
        yield last_row, _rows(sheet)
    finally:
        workbook.close()
