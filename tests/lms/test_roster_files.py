"""Roster files as a whole: what is read, and what is refused with a clear message before anything is stored or written."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from lms.models import Role, RosterImport, RosterImportStatus, Teacher
from lms.roster import roster_import_create, roster_import_run, roster_private_path
from tests.factories import make_user
from tests.lms.roster_files import (
    A1_1,
    roster_file,
    roster_row,
    run_import,
    stored_files,
    upload,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages in their English source form, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield


@pytest.fixture
def county_admin(tree):
    return make_user("county-a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


# --- what is read ---------------------------------------------------------------------------------


def test_gb18030_and_plain_utf8_csv_are_read(tree, county_admin):
    for encoding in ("gb18030", "utf-8"):
        record = run_import(county_admin, roster_file([roster_row(school_code=A1_1, real_name="吴老师")], encoding=encoding))
        assert record.status == RosterImportStatus.DONE, record.message
    assert Teacher.objects.filter(real_name="吴老师").count() == 2


# --- refused: a clear message, nothing stored, nothing written ------------------------------------


def _refused(user, file) -> str:
    with pytest.raises(ValidationError) as caught:
        roster_import_create(uploader=user, upload=file)
    return " ".join(caught.value.messages)


def test_missing_required_columns_are_named(tree, county_admin, settings):
    header = ["姓名", "身份证号", "学科", "职称", "职称取得日期", "教师资格证书编号", "任职状态"]
    message = _refused(county_admin, roster_file([roster_row(school_code=A1_1)], header=header))
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
def test_what_is_not_a_spreadsheet_is_refused(tree, county_admin, settings, name, content, expected):
    assert expected in _refused(county_admin, upload(name, content))
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


def test_a_word_document_renamed_xlsx_is_refused(tree, county_admin):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "not an Excel workbook" in _refused(county_admin, upload("letter.xlsx", buffer.getvalue()))


def test_header_only_is_refused(tree, county_admin):
    assert "no teacher rows" in _refused(county_admin, roster_file([]))
    assert "no teacher rows" in _refused(county_admin, roster_file([], fmt="xlsx"))


def test_a_file_over_the_limit_is_refused(tree, county_admin, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 1000
    file = roster_file([roster_row(school_code=A1_1) for _ in range(30)])
    assert file.size > 1000
    assert "too large" in _refused(county_admin, file)
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


def test_a_50_mb_file_is_refused_before_it_is_read(tree, county_admin, settings, monkeypatch):
    from lms.roster import upload as upload_module

    def must_not_read(*args, **kwargs):
        raise AssertionError("the content was read")

    monkeypatch.setattr(upload_module, "check_content", must_not_read)
    monkeypatch.setattr(upload_module, "open_roster", must_not_read)
    big = upload("big.csv", b"x" * (50 * 1024 * 1024))
    message = _refused(county_admin, big).replace("\xa0", " ")
    assert "too large" in message and "50.0 MB" in message and "20.0 MB" in message
    assert stored_files(settings) == []


def test_only_roster_managers_may_create_an_import(tree):
    officer = make_user("personnel", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a)
    with pytest.raises(PermissionDenied):
        roster_import_create(uploader=officer, upload=roster_file([roster_row(school_code=A1_1)]))


# --- workbooks ------------------------------------------------------------------------------------


def test_a_workbook_with_two_sheets_is_refused(tree, county_admin):
    file = roster_file([roster_row(school_code=A1_1)], fmt="xlsx", extra_sheets=1)
    assert "only one worksheet" in _refused(county_admin, file)


def test_a_workbook_with_a_formula_is_refused_naming_the_cell(tree, county_admin):
    file = roster_file([roster_row(school_code=A1_1), roster_row(school_code=A1_1)], fmt="xlsx", formula=("A3", "=B2"))
    message = _refused(county_admin, file)
    assert "formula" in message and "A3" in message


def test_a_formula_far_down_the_sheet_rejects_the_import(tree, county_admin, settings):
    rows = [roster_row(school_code=A1_1) for _ in range(6)]
    record = roster_import_create(uploader=county_admin, upload=roster_file(rows, fmt="xlsx"))
    path = roster_private_path(record.stored_path)
    path.write_bytes(xlsx_bytes(rows, formula=("E7", "=E2")))  # beyond what the upload check looked at
    record = roster_import_run(import_id=record.pk, chunk_rows=2)
    assert record.status == RosterImportStatus.REJECTED
    assert "E7" in record.message
    assert Teacher.objects.count() == 0
