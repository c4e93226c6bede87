"""Roster rows checked one by one: each bad cell is reported with its row and column, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest

from lms.crypto import decrypt_text
from lms.models import Role, RosterImportStatus, Teacher
from lms.roster import roster_private_path
from tests.factories import make_teacher, make_user, new_id_number
from tests.lms.roster_files import (
    A1_1,
    A1_2,
    A2_1,
    B1_1,
    csv_bytes,
    male_id_number,
    report,
    roster_file,
    roster_row,
    run_import,
    upload,
    written,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


# --- every cell checked ---------------------------------------------------------------------------


BAD_CELLS = [
    ("id_number", "110105194912310021", "身份证号", "check character"),
    ("id_number", "11010519490231002X", "身份证号", "does not exist"),
    ("id_number", "1101051949123100", "身份证号", "18 characters"),
    ("id_number", "1.10105E+17", "身份证号", "dropped its last digits"),
    ("id_number", "", "身份证号", "required"),
    ("real_name", "", "姓名", "required"),
    ("gender", "女", "性别", "does not match"),
    ("gender", "未知", "性别", "Unknown value"),
    ("birth_date", "1970-01-01", "出生日期", "does not match"),
    ("school_code", "0000000000", "学校代码", "No school has this code"),
    ("school_code", "990101", "学校代码", "not a school"),
    ("school_code", A2_1, "学校代码", "outside your jurisdiction"),
    ("school_code", B1_1, "学校代码", "outside your jurisdiction"),
    ("stage", "大学", "学段", "Unknown value"),
    ("stage", "", "学段", "must not be empty"),
    ("subject", "炼丹", "学科", "Unknown value"),
    ("title", "特级", "职称", "Unknown value"),
    ("title_conferred_on", "2020-13-01", "职称取得日期", "Not a valid date"),
    ("title_conferred_on", "2999-01-01", "职称取得日期", "future"),
    ("qualification_number", "12345", "教师资格证书编号", "17 digits"),
    ("employment_status", "摸鱼", "任职状态", "Unknown value"),
]


@pytest.mark.parametrize(("key", "value", "column", "reason"), BAD_CELLS, ids=[f"{c[0]}={c[1]}" for c in BAD_CELLS])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_bad_cell_rejects_the_file_with_its_row_and_column(tree, roster_county_admin, key, value, column, reason, fmt):
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_2), roster_row(school_code=A1_1)]
    if key == "gender":  # a male number, so 女 disagrees with it
        rows[2]["id_number"] = male_id_number()
    rows[2][key] = value
    counts = written()

    record = run_import(roster_county_admin, roster_file(rows, fmt=fmt), chunk_rows=2)

    assert record.status == RosterImportStatus.REJECTED
    assert written() == counts
    lines = report(record)
    assert [(line.row, line.column) for line in lines] == [("4", column)]
    assert reason in lines[0].reason
    assert "nothing was written" in record.message


def test_several_problems_in_one_row_are_all_reported(tree, roster_county_admin):
    row = roster_row(school_code="nope", stage="大学", subject="", title_conferred_on="yesterday")
    record = run_import(roster_county_admin, roster_file([row]))
    assert {line.column for line in report(record)} == {"学校代码", "学段", "学科", "职称取得日期"}
    assert record.error_count == 4


def test_row_numbers_are_spreadsheet_rows_even_with_blank_lines(tree, roster_county_admin):
    content = csv_bytes([roster_row(school_code=A1_1), roster_row(school_code=A1_1, stage="大学")])
    lines = content.decode("utf-8-sig").split("\r\n")
    content = "\r\n".join([lines[0], lines[1], ",,,,,,,,,,", lines[2], ""]).encode("utf-8-sig")
    record = run_import(roster_county_admin, upload("blank-line.csv", content))
    assert [(line.row, line.column) for line in report(record)] == [("4", "学段")]


def test_a_bad_row_in_a_later_chunk_still_writes_nothing(tree, roster_county_admin):
    rows = [roster_row(school_code=A1_1) for _ in range(9)] + [roster_row(school_code=B1_1)]
    record = run_import(roster_county_admin, roster_file(rows), chunk_rows=3)
    assert record.status == RosterImportStatus.REJECTED
    assert [line.row for line in report(record)] == ["11"]
    assert written() == (0, 1, 0)  # only the administrator's own account


def test_english_headers_and_values_are_accepted(tree, roster_county_admin):
    header = ["name", "ID number", "school code", "stage", "subject", "title", "title date", "certificate number", "status"]
    rows = [
        {"name": "Li Lei", "ID number": new_id_number(), "school code": A1_1, "stage": "Primary school", "subject": "maths",
         "title": "Second-grade teacher", "title date": "2016/9/1", "certificate number": "", "status": "In post"}
    ]
    record = run_import(roster_county_admin, roster_file(rows, header=header))
    assert record.status == RosterImportStatus.DONE, report(record)
    assert Teacher.objects.get().title_conferred_on == dt.date(2016, 9, 1)


# --- rows against each other and the database -----------------------------------------------------


def test_duplicate_id_numbers_in_the_file_report_both_rows(tree, roster_county_admin):
    same = new_id_number()
    rows = [roster_row(school_code=A1_1, id_number=same)] + [roster_row(school_code=A1_1) for _ in range(2)]
    rows.append(roster_row(school_code=A1_2, id_number=same))
    record = run_import(roster_county_admin, roster_file(rows), chunk_rows=2)

    assert record.status == RosterImportStatus.REJECTED
    lines = sorted(report(record), key=lambda line: int(line.row))
    assert [(line.row, line.column) for line in lines] == [("2", "身份证号"), ("5", "身份证号")]
    assert "row 5" in lines[0].reason and "row 2" in lines[1].reason
    assert lines[0].value == same[:4] + "*" * 10 + same[-4:]  # masked in the report
    assert Teacher.objects.count() == 0


def test_a_certificate_number_held_by_another_teacher_is_refused(tree, roster_county_admin):
    make_teacher(school=tree.school_a1_1, qualification_number="20101100000000555")
    rows = [
        roster_row(school_code=A1_1, qualification_number="20101100000000555"),
        roster_row(school_code=A1_1, qualification_number="20101100000000777"),
        roster_row(school_code=A1_2, qualification_number="20101100000000777"),
    ]
    record = run_import(roster_county_admin, roster_file(rows), chunk_rows=2)
    lines = report(record)
    assert [(line.row, line.column) for line in lines] == [("2", "教师资格证书编号"), ("4", "教师资格证书编号")]
    assert "another teacher" in lines[0].reason
    assert "row 3" in lines[1].reason
    assert Teacher.objects.count() == 1


def test_the_report_never_shows_a_whole_id_number(tree, roster_county_admin):
    bad = "110105194912310021"
    record = run_import(roster_county_admin, roster_file([roster_row(school_code=A1_1, id_number=bad)]))
    path = roster_private_path(record.report_path)
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    assert bad.encode() not in content and b"1101**********0021" in content
    assert path.parent.name == "roster"


# --- jurisdiction ---------------------------------------------------------------------------------


def test_a_teacher_at_a_school_outside_the_jurisdiction_cannot_be_moved_in(tree, roster_county_admin):
    elsewhere = make_teacher(school=tree.school_b1_1)
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_1, id_number=decrypt_text(elsewhere.id_number_encrypted))]
    counts = written()

    record = run_import(roster_county_admin, roster_file(rows))

    assert record.status == RosterImportStatus.REJECTED
    [line] = report(record)
    assert (line.row, line.column) == ("3", "身份证号")
    assert "outside your jurisdiction" in line.reason and "transfer" in line.reason
    assert written() == counts
    elsewhere.refresh_from_db()
    assert elsewhere.school == tree.school_b1_1


def test_a_school_administrator_imports_only_into_their_school(tree):
    school_admin = make_user("school-a11", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1)
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_2)]
    record = run_import(school_admin, roster_file(rows))
    assert record.status == RosterImportStatus.REJECTED
    assert [(line.row, line.column) for line in report(record)] == [("3", "学校代码")]
    assert Teacher.objects.count() == 0
    assert run_import(school_admin, roster_file(rows[:1])).status == RosterImportStatus.DONE
