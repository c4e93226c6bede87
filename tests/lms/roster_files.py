"""Builders for roster test files (rows of valid teachers, written as CSV or .xlsx bytes) and helpers
for the service tests that run imports."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from lms.models import RosterImport, Teacher, TeacherPosting
from lms.roster import report_lines, roster_import_create, roster_import_run, roster_private_path
from lms.roster.columns import COLUMNS, TEMPLATE_HEADERS
from lms.roster.report import ReportLine
from tests.factories import new_id_number

HEADER_OF = {column.key: column.header for column in COLUMNS}


def male_id_number() -> str:
    """A valid number whose sequence is odd (male), so 男 agrees with it and 女 does not."""
    return next(number for number in iter(new_id_number, None) if int(number[16]) % 2 == 1)


def roster_row(*, school_code: str, **overrides: str) -> dict[str, str]:
    """A valid row keyed by column key; override any cell."""
    row = {
        "real_name": "王老师",
        "id_number": new_id_number(),
        "gender": "",
        "birth_date": "",
        "school_code": school_code,
        "stage": "小学",
        "subject": "数学",
        "title": "二级教师",
        "title_conferred_on": "2015-09-01",
        "qualification_number": "",
        "employment_status": "在职",
    }
    row.update(overrides)
    return row


def _table(rows: Iterable[dict[str, str]], header: Iterable[str] | None) -> list[list[str]]:
    headers = list(header) if header is not None else list(TEMPLATE_HEADERS)
    keys = {column.header: column.key for column in COLUMNS}
    table = [headers]
    for row in rows:
        table.append([row.get(keys.get(name, name), "") for name in headers])
    return table


def csv_bytes(rows: Iterable[dict[str, str]], *, header: Iterable[str] | None = None, encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(_table(rows, header))
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Iterable[dict[str, str]],
    *,
    header: Iterable[str] | None = None,
    extra_sheets: int = 0,
    formula: tuple[str, object] | None = None,
) -> bytes:
    """formula=("C3", "=1+1") puts a formula (or any value) in a cell."""
    workbook = Workbook()
    sheet = workbook.active
    for line in _table(rows, header):
        sheet.append(line)
    if formula is not None:
        sheet[formula[0]] = formula[1]
    for index in range(extra_sheets):
        workbook.create_sheet(f"Sheet{index + 2}")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def roster_file(rows: list[dict[str, str]], *, fmt: str = "csv", name: str | None = None, **options) -> SimpleUploadedFile:
    content = csv_bytes(rows, **options) if fmt == "csv" else xlsx_bytes(rows, **options)
    return upload(name or f"roster.{fmt}", content)


# --- running imports in service tests ------------------------------------------------------------------

A1_1 = "9901010001"  # 甲一县第一小学
A1_2 = "9901010002"  # 甲一县实验中学
A2_1 = "9901020001"  # 甲二区第一中学 (another county)
B1_1 = "9902010001"  # 乙一县第一小学 (another city)


def run_import(user, file, *, dry_run: bool = False, chunk_rows: int = 2000) -> RosterImport:
    """Create the import as the upload does, then run it in-process."""
    record = roster_import_create(uploader=user, upload=file, dry_run=dry_run)
    return roster_import_run(import_id=record.pk, chunk_rows=chunk_rows)


def written() -> tuple[int, int, int]:
    """Teachers, accounts and postings: what an import may write."""
    return Teacher.objects.count(), get_user_model().objects.count(), TeacherPosting.objects.count()


def report(record: RosterImport) -> list[ReportLine]:
    return report_lines(roster_private_path(record.report_path))


def stored_files(settings) -> list:
    """What the roster folder under PRIVATE_ROOT holds."""
    folder = settings.PRIVATE_ROOT / "roster"
    return sorted(folder.iterdir()) if folder.exists() else []


def rewrite_part(content: bytes, name: str, change: Callable[[bytes], bytes], *, extra: dict[str, bytes] | None = None) -> bytes:
    """The workbook with one part changed (and `extra` entries appended, repeated names allowed)."""
    import warnings

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name": wanted here
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == name else data)
        for extra_name, data in (extra or {}).items():
            target.writestr(extra_name, data)
    return buffer.getvalue()


def rewrite_sheet(content: bytes, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with its worksheet XML changed: for what openpyxl does not write (no r attributes, …)."""
    return rewrite_part(content, "xl/worksheets/sheet1.xml", change)
