"""Import of external hours: good files, each bad row with its number, duplicates, all-or-nothing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from wagtail.models import ModelLogEntry

from courses.models import HoursEntry, HoursImport, HoursKind, HoursSource
from courses.services import hours_award
from lms.crypto import decrypt_text
from lms.models import Role
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db
HEADER = ["身份证号", "学时", "类别", "年度", "来源", "备注"]


def csv_file(rows, name="hours.csv", header=HEADER):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8-sig"), content_type="text/csv")


def xlsx_file(rows, name="hours.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def id_of(teacher):
    return decrypt_text(teacher.id_number_encrypted)


@pytest.fixture
def setup(tree, client):
    mine = [make_teacher(school=tree.school_a1_1, real_name=f"本县{n}") for n in "一二"]
    foreign = make_teacher(school=tree.school_b1_1, real_name="外县老师")
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(admin)
    return mine, foreign, admin


def upload(client, file):
    response = client.post(reverse("courses:hours_import"), {"file": file})
    if response.status_code != 302:
        return response, None
    return response, HoursImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[-1])


def errors_by_row(record):
    return {line["row"]: line["message"] for line in record.report if not line["ok"]}


def test_a_good_csv_is_imported_with_row_references(setup, client):
    (one, two), _foreign, admin = setup
    rows = [[id_of(one), "12", "网络研修", "2024", "国培计划", "省级项目"], [id_of(two), "6.5", "集中培训", "2023", "市级培训", ""]]
    _response, record = upload(client, csv_file(rows))
    assert record.status == "done" and record.imported_count == 2
    entries = {e.teacher_id: e for e in HoursEntry.objects.all()}
    assert entries[one.pk].hours == Decimal(12) and entries[one.pk].kind == HoursKind.ONLINE
    assert entries[one.pk].source_type == HoursSource.IMPORT and entries[one.pk].source_label == "国培计划"
    assert entries[one.pk].source_ref == f"import:{record.pk}:row 2" and entries[one.pk].note == "省级项目"
    assert entries[two.pk].year == 2023 and entries[two.pk].recognised_by == admin
    assert ModelLogEntry.objects.filter(action="courses.hours_import", object_id=str(record.pk)).exists()


def test_a_good_xlsx_is_imported(setup, client):
    (one, _two), _foreign, _admin = setup
    _response, record = upload(client, xlsx_file([[id_of(one), 8, "校本研修", 2024, "校本", None]]))
    assert record.status == "done"
    assert HoursEntry.objects.get().kind == HoursKind.SCHOOL_BASED


def test_each_bad_row_is_reported_with_its_number_and_nothing_is_written(setup, client):
    (one, two), foreign, _admin = setup
    good = id_of(one)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        [good, "10", "网络研修", "2024", "国培", ""],  # row 2: fine
        [bad_check, "10", "网络研修", "2024", "国培", ""],  # 3: check character wrong
        [id_of(foreign), "10", "网络研修", "2024", "国培", ""],  # 4: outside the jurisdiction
        [id_of(two), "0", "网络研修", "2024", "国培", ""],  # 5: zero hours
        [id_of(two), "300", "网络研修", "2024", "国培", ""],  # 6: too many
        [id_of(two), "十", "网络研修", "2024", "国培", ""],  # 7: not a number
        [id_of(two), "10", "自学", "2024", "国培", ""],  # 8: unknown kind
        [id_of(two), "10", "网络研修", "1985", "国培", ""],  # 9: year too early
        [id_of(two), "10", "网络研修", "2024", "", ""],  # 10: no source
    ]
    _response, record = upload(client, csv_file(rows))
    assert record.status == "rejected" and record.imported_count == 0 and record.error_count == 8
    errors = errors_by_row(record)
    assert set(errors) == {3, 4, 5, 6, 7, 8, 9, 10}
    assert "ID number" in errors[3] or "身份证" in errors[3]
    assert errors[4] and errors[8] and errors[10]
    assert not HoursEntry.objects.exists()


def test_duplicates_in_the_file_and_in_the_ledger_are_reported(setup, client):
    (one, two), _foreign, _admin = setup
    hours_award(
        teacher_id=two.pk, hours="10", kind=HoursKind.ONLINE, year=2024, source_type=HoursSource.IMPORT,
        source_ref="import:old:row 2", source_label="国培", idempotency_key="old", recognised_by=None,
    )
    rows = [
        [id_of(one), "10", "网络研修", "2024", "国培", ""],
        [id_of(one), "10.0", "网络研修", "2024", "国培", "again"],  # 3: same as row 2
        [id_of(two), "10", "集中培训", "2024", "国培", ""],  # 4: already in the ledger
    ]
    _response, record = upload(client, csv_file(rows))
    errors = errors_by_row(record)
    assert set(errors) == {3, 4} and "2" in errors[3]
    assert HoursEntry.objects.count() == 1


def test_a_reversed_entry_is_not_a_duplicate(setup, client):
    (one, _two), _foreign, _admin = setup
    from courses.services import hours_reverse

    entry = hours_award(
        teacher_id=one.pk, hours="10", kind=HoursKind.ONLINE, year=2024, source_type=HoursSource.IMPORT,
        source_ref="x", source_label="国培", idempotency_key="old", recognised_by=None,
    )
    hours_reverse(entry=entry, reason="类别错误", by=None)
    _response, record = upload(client, csv_file([[id_of(one), "10", "集中培训", "2024", "国培", ""]]))
    assert record.status == "done"


def test_the_report_downloads_as_csv(setup, client):
    (one, _two), _foreign, _admin = setup
    _response, record = upload(client, csv_file([[id_of(one), "abc", "网络研修", "2024", "国培", ""]]))
    report = client.get(reverse("courses:hours_import_report", args=[record.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0] == ["行号", "身份证号（脱敏）", "结果", "说明"]
    assert lines[1][0] == "2" and id_of(one) not in report.content.decode()
    result = client.get(reverse("courses:hours_import_result", args=[record.pk]))
    assert result.status_code == 200


def zip_bomb():
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    return SimpleUploadedFile("bomb.xlsx", out.getvalue())


@pytest.mark.parametrize(
    "file",
    [
        SimpleUploadedFile("hours.txt", b"hello"),
        SimpleUploadedFile("hours.xlsx", b"not a zip at all"),
        SimpleUploadedFile("hours.csv", "姓名,学时\n张三,1\n".encode()),
        SimpleUploadedFile("hours.csv", ",".join(HEADER).encode() + b"\n"),
        SimpleUploadedFile("hours.csv", b"\xff\xfe\x00garbage\x81"),
        zip_bomb(),
    ],
    ids=["extension", "broken-xlsx", "missing-columns", "no-rows", "not-text", "zip-bomb"],
)
def test_a_bad_file_is_refused_before_anything_is_written(setup, client, file):
    response, record = upload(client, file)
    assert response.status_code == 400 and record is None
    assert not HoursEntry.objects.exists() and not HoursImport.objects.exists()


def test_the_template_downloads(setup, client):
    response = client.get(reverse("courses:hours_import_template"))
    assert response.status_code == 200
    assert response.content.decode("utf-8-sig").strip().split(",") == HEADER


def test_another_uploaders_report_is_not_found(setup, client, tree):
    (one, _two), _foreign, _admin = setup
    _response, record = upload(client, csv_file([[id_of(one), "1", "网络研修", "2024", "国培", ""]]))
    other = make_user("county_a2", role=Role.COUNTY_ADMIN, organisation=tree.county_a2)
    client.force_login(other)
    assert client.get(reverse("courses:hours_import_report", args=[record.pk])).status_code == 404
