"""Importing annual appraisal grades (年度考核): a good file is written; any bad row gives a row-numbered
report and writes nothing; files that are no spreadsheet are refused with a clear message."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from certification.annual.appraisals import appraisal_import
from certification.models import AppraisalImport, AppraisalRecord
from lms.api import Role
from tests.factories import make_teacher, make_user, new_id_number

pytestmark = pytest.mark.django_db
YEAR = 2025
HEADER = ["身份证号", "姓名", "年度", "考核结果"]


def xlsx(rows: list[list[object]], *, header: list[str] = HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], *, encoding: str = "utf-8-sig") -> bytes:
    lines = [",".join(HEADER)] + [",".join(str(cell) for cell in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
def admin(tree):
    return make_user("county_admin", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


def person(school, name: str):
    """A teacher with `id_plain`, the ID number in clear (stored encrypted)."""
    number = new_id_number()
    teacher = make_teacher(school=school, real_name=name, id_number=number)
    teacher.id_plain = number
    return teacher


@pytest.fixture
def teachers(tree):
    return [person(tree.school_a1_1, name) for name in ("王老师", "李老师", "赵老师")]


def test_good_workbook_is_written_with_labels_codes_and_english(admin, teachers):
    rows = [[teachers[0].id_plain, "王老师", YEAR, "优秀"], [teachers[1].id_plain, "", "2025年", "Basically qualified"],
            [teachers[2].id_plain.lower(), "赵老师", YEAR, "unqualified"]]
    result = appraisal_import(user=admin, year=YEAR, name="考核.xlsx", data=xlsx(rows))
    assert result.problems == [] and (result.rows, result.written) == (3, 3)
    grades = dict(AppraisalRecord.objects.values_list("teacher_id", "grade"))
    assert grades == {teachers[0].pk: "excellent", teachers[1].pk: "basic", teachers[2].pk: "unqualified"}
    assert set(AppraisalRecord.objects.values_list("source_id", flat=True)) == {result.pk}


def test_reupload_writes_nothing_and_a_correction_is_a_new_record(admin, teachers):
    rows = [[teachers[0].id_plain, "王老师", YEAR, "合格"]]
    appraisal_import(user=admin, year=YEAR, name="a.csv", data=csv_bytes(rows))
    again = appraisal_import(user=admin, year=YEAR, name="a.csv", data=csv_bytes(rows, encoding="gb18030"))
    assert (again.rows, again.written) == (1, 0)
    corrected = appraisal_import(user=admin, year=YEAR, name="b.csv", data=csv_bytes([[teachers[0].id_plain, "王老师", YEAR, "basic"]]))
    assert corrected.written == 1
    assert list(AppraisalRecord.objects.order_by("pk").values_list("grade", flat=True)) == ["qualified", "basic"]


def test_every_bad_row_is_reported_by_row_number_and_nothing_is_written(tree, admin, teachers):
    elsewhere = person(tree.school_b1_1, "外县老师")
    unknown = new_id_number()
    rows = [
        [teachers[0].id_plain, "王老师", YEAR, "优秀"],  # row 2: fine on its own
        [unknown, "", YEAR, "合格"],  # 3
        [elsewhere.id_plain, "", YEAR, "合格"],  # 4
        [teachers[1].id_plain, "李老师", YEAR, "很好"],  # 5
        [teachers[2].id_plain, "赵老师", 2024, "合格"],  # 6
        [teachers[0].id_plain, "王老师", YEAR, "合格"],  # 7: the same ID as row 2
        ["110101198503140011", "", YEAR, "合格"],  # 8: wrong check character
        ["", "", YEAR, "合格"],  # 9
        [teachers[1].id_plain, "李老师", YEAR, ""],  # 10
        [teachers[2].id_plain, "钱老师", YEAR, "合格"],  # 11: the name does not match
        [teachers[2].id_plain, "赵老师", YEAR, "=IF(1,\"合格\")"],  # 12
    ]
    result = appraisal_import(user=admin, year=YEAR, name="bad.xlsx", data=xlsx(rows))
    assert AppraisalRecord.objects.count() == 0 and result.written == 0
    report = {problem["row"]: problem["message"] for problem in result.problems}
    assert sorted(report) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert report[3] == report[4] == "您的管辖范围内没有该身份证号的教师。"
    assert "很好" in report[5] and "2024" in report[6] and "第 2 行" in report[7]
    assert "身份证号" in report[9] and "考核结果" in report[10] and "钱老师" in report[11] and "考核结果" in report[12]
    assert all(elsewhere.id_plain not in str(problem) for problem in result.problems)  # masked
    assert AppraisalImport.objects.get().problems == result.problems


def test_workbook_rows_are_numbered_as_in_excel_and_numbers_for_ids_are_explained(admin, teachers):
    book = Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["C1"], sheet["D1"] = HEADER
    sheet["A2"], sheet["C2"], sheet["D2"] = teachers[0].id_plain, YEAR, "优秀"
    sheet["A5"], sheet["C5"], sheet["D5"] = int(teachers[1].id_plain[:15]) * 1000.0, YEAR, "合格"  # typed as a number
    sheet["A6"], sheet["C6"], sheet["D6"] = teachers[2].id_plain, "=2024+1", "合格"
    out = io.BytesIO()
    book.save(out)
    result = appraisal_import(user=admin, year=YEAR, name="gaps.xlsx", data=out.getvalue())
    report = {problem["row"]: problem["message"] for problem in result.problems}
    assert sorted(report) == [5, 6]
    assert "文本" in report[5] and "公式" in report[6]
    assert AppraisalRecord.objects.count() == 0


@pytest.mark.parametrize(("name", "data", "message"), [
    ("grades.pdf", b"%PDF-1.4", "只能导入"),
    ("grades.xlsx", b"just text pretending", "不是 Excel"),
    ("grades.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "只能导入"),
    ("grades.csv", b"PK\x03\x04zip", "不是文本"),
    ("grades.csv", b"", "空"),
    ("grades.csv", "身份证号,年度\r\n1,2025\r\n".encode(), "考核结果"),
    ("grades.csv", b"x" * (5 * 1024 * 1024 + 1), "过大"),
])
def test_files_that_are_not_appraisal_tables_are_refused(admin, name, data, message):
    with pytest.raises(ValidationError) as refused:
        appraisal_import(user=admin, year=YEAR, name=name, data=data)
    assert message in " ".join(refused.value.messages)
    assert not AppraisalImport.objects.exists() and not AppraisalRecord.objects.exists()


def test_page_uploads_shows_the_report_and_offers_the_template(client, admin, teachers):
    client.force_login(admin)
    url = reverse("certification:appraisal_imports")
    assert client.get(url).status_code == 200
    bad = io.BytesIO(csv_bytes([[teachers[0].id_plain, "", 2024, "优秀"]]))
    bad.name = "grades.csv"
    response = client.post(url, {"year": YEAR, "file": bad}, follow=True)
    assert response.status_code == 200
    assert "data-row=\"2\"" in response.content.decode() and not AppraisalRecord.objects.exists()
    good = io.BytesIO(csv_bytes([[teachers[0].id_plain, "", YEAR, "优秀"]]))
    good.name = "grades.csv"
    response = client.post(url, {"year": YEAR, "file": good}, follow=True)
    assert AppraisalRecord.objects.count() == 1 and "grades.csv" in response.content.decode()
    template = client.get(reverse("certification:appraisal_template"))
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [cell.value for cell in sheet[1]] == HEADER
    not_a_table = io.BytesIO(b"%PDF-1.4")
    not_a_table.name = "grades.pdf"
    response = client.post(url, {"year": YEAR, "file": not_a_table})
    assert response.status_code == 400 and "只能导入" in response.content.decode()


def test_teachers_and_school_admins_cannot_import(client, tree, teachers):
    client.force_login(make_user("school_admin", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1))
    assert client.get(reverse("certification:appraisal_imports")).status_code == 403
    with pytest.raises(Exception):
        appraisal_import(user=make_user("plain"), year=YEAR, name="a.csv", data=csv_bytes([]))
