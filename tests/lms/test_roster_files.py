"""Roster files as a whole: what is read, and what is refused with a clear message before anything is stored or written."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lms.models import Role, RosterImport, RosterImportStatus, Teacher
from lms.roster import roster_import_create, roster_import_run, roster_private_path
from lms.roster.columns import COLUMNS, TEMPLATE_HEADERS
from tests.factories import make_user
from tests.lms.roster_files import (
    A1_1,
    male_id_number,
    report,
    rewrite_part,
    rewrite_sheet,
    roster_file,
    roster_row,
    run_import,
    stored_files,
    upload,
    xlsx_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


# --- what is read ---------------------------------------------------------------------------------


def test_gb18030_and_plain_utf8_csv_are_read(tree, roster_county_admin):
    for encoding in ("gb18030", "utf-8"):
        record = run_import(roster_county_admin, roster_file([roster_row(school_code=A1_1, real_name="吴老师")], encoding=encoding))
        assert record.status == RosterImportStatus.DONE, record.message
    assert Teacher.objects.filter(real_name="吴老师").count() == 2


# --- refused: a clear message, nothing stored, nothing written ------------------------------------


def _refused(user, file) -> str:
    with pytest.raises(ValidationError) as caught:
        roster_import_create(uploader=user, upload=file)
    return " ".join(caught.value.messages)


def test_missing_required_columns_are_named(tree, roster_county_admin, settings):
    header = ["姓名", "身份证号", "学科", "职称", "职称取得日期", "教师资格证书编号", "任职状态"]
    message = _refused(roster_county_admin, roster_file([roster_row(school_code=A1_1)], header=header))
    assert "学校代码" in message and "学段" in message and "missing" in message
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("roster.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an Excel workbook"),
        ("roster.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "binary"),
        ("roster.csv", b"%PDF-1.4\n\xff\xfe\xfa\x00\x01", "neither UTF-8 nor GB18030"),
        ("roster.xlsx", b"PK\x03\x04 not really a zip", "not an Excel workbook"),
        ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Only .xlsx and .csv"),
        ("roster.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old .xls"),
        ("roster.txt", b"a,b,c\n", "Only .xlsx and .csv"),
        ("roster.csv", b"", "empty"),
        ("roster.csv", b"\n\n\n", "empty"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused(tree, roster_county_admin, settings, name, content, expected):
    assert expected in _refused(roster_county_admin, upload(name, content))
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


def test_a_word_document_renamed_xlsx_is_refused(tree, roster_county_admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "not an Excel workbook" in _refused(roster_county_admin, upload("letter.xlsx", buffer.getvalue()))


def test_header_only_is_refused(tree, roster_county_admin):
    assert "no teacher rows" in _refused(roster_county_admin, roster_file([]))
    assert "no teacher rows" in _refused(roster_county_admin, roster_file([], fmt="xlsx"))


def test_a_file_over_the_limit_is_refused(tree, roster_county_admin, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 1000
    file = roster_file([roster_row(school_code=A1_1) for _ in range(30)])
    assert file.size > 1000
    assert "too large" in _refused(roster_county_admin, file)
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


def test_a_50_mb_file_is_refused_before_it_is_read(tree, roster_county_admin, settings, monkeypatch):
    from lms.roster import upload as upload_module

    def must_not_read(*args, **kwargs):
        raise AssertionError("the content was read")

    monkeypatch.setattr(upload_module, "check_content", must_not_read)
    monkeypatch.setattr(upload_module, "open_roster", must_not_read)
    big = upload("big.csv", b"x" * (50 * 1024 * 1024))
    message = _refused(roster_county_admin, big).replace("\xa0", " ")
    assert "too large" in message and "50.0 MB" in message and "20.0 MB" in message
    assert stored_files(settings) == []


def test_only_roster_managers_may_create_an_import(tree):
    officer = make_user("personnel", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a)
    with pytest.raises(PermissionDenied):
        roster_import_create(uploader=officer, upload=roster_file([roster_row(school_code=A1_1)]))


# --- workbooks ------------------------------------------------------------------------------------


def test_a_workbook_with_two_sheets_is_refused(tree, roster_county_admin):
    file = roster_file([roster_row(school_code=A1_1)], fmt="xlsx", extra_sheets=1)
    assert "only one worksheet" in _refused(roster_county_admin, file)


def test_a_workbook_with_a_formula_is_refused_naming_the_cell(tree, roster_county_admin):
    file = roster_file([roster_row(school_code=A1_1), roster_row(school_code=A1_1)], fmt="xlsx", formula=("A3", "=B2"))
    message = _refused(roster_county_admin, file)
    assert "formula" in message and "A3" in message


def test_a_formula_far_down_the_sheet_rejects_the_import(tree, roster_county_admin, settings):
    rows = [roster_row(school_code=A1_1) for _ in range(6)]
    record = roster_import_create(uploader=roster_county_admin, upload=roster_file(rows, fmt="xlsx"))
    path = roster_private_path(record.stored_path)
    path.write_bytes(xlsx_bytes(rows, formula=("E7", "=E2")))  # beyond what the upload check looked at
    record = roster_import_run(import_id=record.pk, chunk_rows=2)
    assert record.status == RosterImportStatus.REJECTED
    assert "E7" in record.message
    assert Teacher.objects.count() == 0


# --- workbooks read by calamine, checked from their XML first --------------------------------------


@pytest.fixture
def calamine_must_not_load(monkeypatch):
    """calamine would allocate the whole used area (and abort the process on a hostile one): record any
    attempt to load, and fail it."""
    from lms.roster import workbook

    attempts = []

    class Refuse:
        @staticmethod
        def from_filelike(*args, **kwargs):
            attempts.append(args)
            raise AssertionError("calamine was asked to load the workbook")

    monkeypatch.setattr(workbook, "CalamineWorkbook", Refuse)
    yield attempts
    assert attempts == [], "a hostile workbook reached calamine"


def test_two_far_apart_cells_are_refused_before_calamine_sees_them(tree, roster_county_admin, settings, calamine_must_not_load):
    # 5 KB on disk; as calamine's dense grid, 17 billion cells (550 GB): it would abort the process.
    file = roster_file([roster_row(school_code=A1_1)], fmt="xlsx", formula=("XFD1048576", "x"))
    message = _refused(roster_county_admin, file)
    assert "too large an area" in message and "A1:XFD1048576" in message
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


def test_a_used_area_over_the_cell_limit_is_refused_but_empty_styled_cells_do_not_count(tree, roster_county_admin, settings):
    settings.ROSTER_XLSX_MAX_CELLS = 200  # 11 columns: 18 rows fit
    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    far_value = roster_file(rows, fmt="xlsx", formula=("K40", "x"))
    assert "too large an area" in _refused(roster_county_admin, far_value)

    def styled_far_away(sheet_xml: bytes) -> bytes:  # a border or font on an empty cell: no value for calamine
        return sheet_xml.replace(b"</sheetData>", b'<row r="9000"><c r="Z9000" s="1"/></row></sheetData>')

    content = rewrite_sheet(xlsx_bytes(rows), styled_far_away)
    record = run_import(roster_county_admin, upload("styled.xlsx", content))
    assert record.status == RosterImportStatus.DONE, record.message
    assert Teacher.objects.count() == 3


def test_an_error_cell_is_refused_naming_the_cell(tree, roster_county_admin):
    # Pasting values keeps #N/A as an error cell; calamine would read it as an empty cell.
    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    message = _refused(roster_county_admin, roster_file(rows, fmt="xlsx", formula=("J3", "#N/A")))
    assert "J3" in message and "#N/A" in message and "error" in message


def test_cells_and_rows_without_references_are_placed_as_excel_places_them(tree, roster_county_admin, settings):
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_1, stage="大学")]

    def without_references(sheet_xml: bytes) -> bytes:  # r attributes are optional in the file format
        import re

        return re.sub(rb' r="[A-Z]+[0-9]+"', b"", re.sub(rb'<row r="[0-9]+"', b"<row", sheet_xml))

    record = run_import(roster_county_admin, upload("plain.xlsx", rewrite_sheet(xlsx_bytes(rows), without_references)))
    assert [(line.row, line.column) for line in report(record)] == [("3", "学段")]

    with_formula = rewrite_sheet(xlsx_bytes(rows, formula=("C3", "=1+1")), without_references)
    message = _refused(roster_county_admin, upload("plain.xlsx", with_formula))
    assert "formula" in message and "C3" in message

    settings.ROSTER_XLSX_MAX_CELLS = 32  # the implied area is A1:K3, 33 cells
    message = _refused(roster_county_admin, upload("plain.xlsx", rewrite_sheet(xlsx_bytes(rows), without_references)))
    assert "A1:K3" in message and "33" in message


def test_row_numbers_are_spreadsheet_rows_when_the_roster_does_not_start_at_a1(tree, roster_county_admin):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "花名册（2024 年秋）"  # a title row, then a blank row, then the table from column B
    table = [list(TEMPLATE_HEADERS)] + [
        [row[column.key] for column in COLUMNS]
        for row in (roster_row(school_code=A1_1), roster_row(school_code=A1_1), roster_row(school_code=A1_1, subject="炼丹"))
    ]
    for offset, line in enumerate(table):
        for column, value in enumerate(line, start=2):
            sheet.cell(row=3 + offset, column=column, value=value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    # The title is the first non-blank row, so it is taken as the header and refused by name.
    assert "missing required columns" in _refused(roster_county_admin, upload("titled.xlsx", buffer.getvalue()))

    sheet["A1"] = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    record = run_import(roster_county_admin, upload("offset.xlsx", buffer.getvalue()))
    assert [(line.row, line.column) for line in report(record)] == [("6", "学科")]


def test_date_cells_and_numbers_are_read_as_excel_shows_them(tree, roster_county_admin):
    row = roster_row(
        school_code=int(A1_1),  # a school code typed as a number
        id_number=male_id_number(),
        title_conferred_on=dt.datetime(2016, 9, 1),  # a date cell, not text
    )
    row["birth_date"] = dt.date(int(row["id_number"][6:10]), int(row["id_number"][10:12]), int(row["id_number"][12:14]))
    record = run_import(roster_county_admin, roster_file([row], fmt="xlsx"))
    assert record.status == RosterImportStatus.DONE, report(record)
    teacher = Teacher.objects.get()
    assert (teacher.title_conferred_on, teacher.birth_date, teacher.school.code) == (
        dt.date(2016, 9, 1),
        row["birth_date"],
        A1_1,
    )


@pytest.mark.parametrize(("key", "column"), [("id_number", "身份证号"), ("qualification_number", "教师资格证书编号")])
def test_a_long_number_stored_as_a_number_is_reported_as_lost_digits(tree, roster_county_admin, key, column):
    number = int("110105194912310021" if key == "id_number" else "20101100000000123")
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_1, **{key: number})]
    record = run_import(roster_county_admin, roster_file(rows, fmt="xlsx"))
    assert record.status == RosterImportStatus.REJECTED
    [line] = report(record)
    assert (line.row, line.column) == ("3", column)
    assert "dropped its last digits" in line.reason and "format the column as text" in line.reason


def test_inline_strings_as_written_by_streaming_writers_are_read(tree, roster_county_admin):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)  # cells as inline strings rather than the shared-string table
    sheet = workbook.create_sheet()
    sheet.append(list(TEMPLATE_HEADERS))
    sheet.append([roster_row(school_code=A1_1, real_name="钱多多")[column.key] for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert b"inlineStr" in zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    assert run_import(roster_county_admin, upload("inline.xlsx", buffer.getvalue())).status == RosterImportStatus.DONE
    assert Teacher.objects.get().real_name == "钱多多"


def test_a_zip_entry_larger_than_it_claims_is_refused(tree, roster_county_admin, settings):
    content = bytearray(xlsx_bytes([roster_row(school_code=A1_1)]))
    local = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo("xl/styles.xml").header_offset
    central = content.find(b"xl/styles.xml", content.find(b"PK\x01\x02")) - 46
    struct.pack_into("<I", content, local + 22, 10)  # "10 bytes once inflated", in both headers
    struct.pack_into("<I", content, central + 24, 10)
    assert "not an Excel workbook" in _refused(roster_county_admin, upload("liar.xlsx", bytes(content)))
    assert stored_files(settings) == []


def test_a_workbook_is_read_once_at_upload_and_the_passes_read_its_rows_as_csv(tree, roster_county_admin, settings, monkeypatch):
    from lms.roster import reader

    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    record = roster_import_create(uploader=roster_county_admin, upload=roster_file(rows, fmt="xlsx"))
    assert sorted(path.name.split(".", 1)[1] for path in stored_files(settings)) == ["rows.csv", "xlsx"]

    def must_not_parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed again")

    monkeypatch.setattr(reader, "open_workbook", must_not_parse)
    record = roster_import_run(import_id=record.pk, chunk_rows=2)
    assert record.status == RosterImportStatus.DONE, record.message
    assert Teacher.objects.count() == 3


def test_a_workbook_refused_at_upload_leaves_no_copy_of_its_rows(tree, roster_county_admin, settings):
    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    file = roster_file(rows, fmt="xlsx", header=["姓名", "身份证号", "学科"])
    assert "missing required columns" in _refused(roster_county_admin, file)
    assert stored_files(settings) == []


# --- retention: the upload goes when the run ends, the masked report stays -----------------------------


def _outcome(kind: str, user, tree, monkeypatch):
    """Run an import to the given outcome; the stored names of its upload."""
    from lms.roster.writer import RosterWriter
    from lms.services import role_revoke

    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    fmt = "xlsx" if kind in ("done (xlsx)", "formula found by pass 1") else "csv"
    if kind == "rejected":
        rows[1]["stage"] = "大学"
    record = roster_import_create(uploader=user, upload=roster_file(rows, fmt=fmt), dry_run=kind == "checked")
    if kind == "formula found by pass 1":
        roster_private_path(record.stored_path).write_bytes(xlsx_bytes(rows, formula=("E3", "=E2")))
    if kind == "failed while writing":
        monkeypatch.setattr(RosterWriter, "write_chunk", lambda self, chunk: 1 / 0)
    if kind == "failed: uploader lost the role":
        role_revoke(grant=user.role_grants.get())
    return record, roster_import_run(import_id=record.pk, chunk_rows=2)


OUTCOMES = {
    "done (csv)": RosterImportStatus.DONE,
    "done (xlsx)": RosterImportStatus.DONE,
    "rejected": RosterImportStatus.REJECTED,
    "formula found by pass 1": RosterImportStatus.REJECTED,
    "checked": RosterImportStatus.CHECKED,
    "failed while writing": RosterImportStatus.FAILED,
    "failed: uploader lost the role": RosterImportStatus.FAILED,
}


@pytest.mark.parametrize("kind", OUTCOMES)
def test_the_upload_is_deleted_when_the_run_ends_and_only_the_report_stays(tree, roster_county_admin, settings, monkeypatch, kind):
    record, finished = _outcome(kind, roster_county_admin, tree, monkeypatch)
    assert finished.status == OUTCOMES[kind], finished.message
    assert not roster_private_path(record.stored_path).exists()
    kept = [path.name for path in stored_files(settings)]
    assert kept == ([f"{record.pk}.report.csv"] if kind != "failed: uploader lost the role" else [])
    for name in kept:  # the report shows ID numbers masked, never whole
        content = (settings.PRIVATE_ROOT / "roster" / name).read_text(encoding="utf-8-sig")
        assert not any(len(word) == 18 and word[:17].isdigit() for word in content.replace(",", " ").split())


def test_an_unexpected_error_still_deletes_the_upload(tree, roster_county_admin, settings, monkeypatch):
    from lms.roster import run as roster_run

    def broken(self, report):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(roster_run.RosterImportRun, "check", broken)
    record = run_import(roster_county_admin, roster_file([roster_row(school_code=A1_1)], fmt="xlsx"))
    assert record.status == RosterImportStatus.FAILED and "unexpected error" in record.message
    assert [path.name for path in stored_files(settings)] == []


def test_a_queued_import_keeps_its_upload_until_it_runs(tree, roster_county_admin, settings):
    record = roster_import_create(uploader=roster_county_admin, upload=roster_file([roster_row(school_code=A1_1)]))
    assert roster_private_path(record.stored_path).exists()
    roster_import_run(import_id=record.pk)
    assert not roster_private_path(record.stored_path).exists()
    again = roster_import_run(import_id=record.pk)  # a second delivery finds it done, with nothing to read
    assert again.status == RosterImportStatus.DONE and Teacher.objects.count() == 1


def _two_sheets_xml(content: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("trick", ["repeated entry name", "repeated relationship id", "dot-dot target"])
def test_a_workbook_that_readers_could_resolve_differently_is_refused(
    tree, roster_county_admin, settings, calamine_must_not_load, trick
):
    # The XML checked must be the XML calamine loads: no second copy of the sheet for it to pick instead.
    rows = [roster_row(school_code=A1_1)]
    content = xlsx_bytes(rows)
    hostile = xlsx_bytes(rows, formula=("XFD1048576", "x"))
    if trick == "repeated entry name":
        changed = rewrite_part(content, "", bytes, extra={"xl/worksheets/sheet1.xml": _two_sheets_xml(hostile)})
    elif trick == "repeated relationship id":
        rels = zipfile.ZipFile(io.BytesIO(content)).read("xl/_rels/workbook.xml.rels").decode()
        relation_id = re.search(r'<Relationship [^>]*worksheets/sheet1[^>]*Id="(\w+)"', rels)[1]

        def add_second(data: bytes) -> bytes:
            second = f'<Relationship Id="{relation_id}" Type="x" Target="/xl/worksheets/sheet2.xml"/></Relationships>'
            return data.replace(b"</Relationships>", second.encode())

        changed = rewrite_part(
            content, "xl/_rels/workbook.xml.rels", add_second, extra={"xl/worksheets/sheet2.xml": _two_sheets_xml(hostile)}
        )
    else:  # a literal entry of that name for a reader that does not resolve "..", the benign one for one that does
        changed = rewrite_part(
            content,
            "xl/_rels/workbook.xml.rels",
            lambda data: data.replace(b"/xl/worksheets/", b"worksheets/../worksheets/"),
            extra={"xl/worksheets/../worksheets/sheet1.xml": _two_sheets_xml(hostile)},
        )
    message = _refused(roster_county_admin, upload("tricky.xlsx", changed))
    assert "not an Excel workbook" in message or "cannot be opened" in message
    assert stored_files(settings) == []
