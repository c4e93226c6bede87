"""Bulk look-up uploads are checked in the request: a bad file gets a row-numbered report or a clear
refusal, and nothing is stored (no job, no file); who may upload at all."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification.bulk.services import bulk_lookup_create
from certification.bulk.spreadsheet import MAX_ROWS, IdSheetProblems, id_sheet_read
from certification.models import BulkLookup
from lms.idcard import make_id_number
from tests.factories import Role, make_user, new_id_number

pytestmark = pytest.mark.django_db

URL = "/personnel/bulk/"


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, name: str, data: bytes, *, reason: str = "2026年职称评审资格审核", title: str = "", **headers):
    payload = {"file": SimpleUploadedFile(name, data), "reason": reason, "title": title}
    return client.post(URL, payload, headers=headers)


def bulk_files(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / "bulk"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def officer(tree):
    return make_user("officer", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a1)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


def _report(response) -> dict[int, str]:
    """Row number → problem, as the page's report table shows them."""
    from html.parser import HTMLParser

    rows: dict[int, str] = {}

    class Table(HTMLParser):
        inside, cells, row = False, [], None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "table" and attrs.get("class") == "bulk-problems":
                self.inside = True
            if self.inside and tag == "tr" and "data-row" in attrs:
                self.row, self.cells = int(attrs["data-row"]), []

        def handle_endtag(self, tag):
            if tag == "table":
                self.inside = False
            if self.inside and tag == "tr" and self.row is not None:
                rows[self.row] = self.cells[-1]
                self.row = None

        def handle_data(self, data):
            if self.inside and self.row is not None and data.strip():
                self.cells.append(data.strip())

    Table().feed(response.content.decode())
    return rows


def _nothing_stored(settings) -> None:
    assert BulkLookup.objects.count() == 0
    assert bulk_files(settings) == []


# --- row-numbered reports ------------------------------------------------------------------------------


def test_malformed_duplicate_formula_and_lost_digits_are_reported_by_row(officer_client, settings):
    good, other = new_id_number(), new_id_number()
    forged = good[:17] + ("0" if good[17] != "0" else "1")
    data = xlsx_bytes([
        ["姓名", "身份证号"],            # 1 header
        ["甲", good],                    # 2
        ["乙", forged],                  # 3 wrong check character
        ["丙", "12345"],                 # 4 too short
        ["丁", good.lower()],            # 5 the same as row 2 (x and X, spaces: normalised first)
        ["戊", None],                    # 6 a name but no number
        ["己", "=A1"],                   # 7 a formula
        ["庚", 110101199001011234.0],    # 8 a number: Excel keeps 15 digits
        ["辛", other],                   # 9
    ])
    response = upload(officer_client, "名单.xlsx", data)
    assert response.status_code == 400
    assert _report(response) == {
        3: "身份证号校验位错误（号码伪造或录入有误）。",
        4: "身份证号应为18位。",
        5: "与第 2 行的身份证号重复。",
        6: "身份证号单元格为空，但该行不是空行。",
        7: "身份证号列中有公式：请只粘贴数值。",
        8: "身份证号以数字格式保存，会丢失位数；请将该列设为文本格式。",
    }
    assert "未保存任何内容：6 行需要更正。" in response.content.decode()
    assert good not in response.content.decode()  # numbers in the report are masked
    _nothing_stored(settings)


def test_a_csv_formula_and_a_rounded_number_are_reported(officer_client, settings):
    data = csv_bytes([["身份证号"], [new_id_number()], ["=HYPERLINK(\"x\")"], ["1.10101E+17"]])
    response = upload(officer_client, "名单.csv", data)
    assert response.status_code == 400
    assert _report(response) == {
        3: "身份证号列中有公式：请只粘贴数值。",
        4: "身份证号以数字格式保存，会丢失位数；请将该列设为文本格式。",
    }
    _nothing_stored(settings)


def test_the_service_refuses_bad_rows_too_and_stores_nothing(officer, settings):
    number = new_id_number()
    with pytest.raises(IdSheetProblems) as refused:
        bulk_lookup_create(user=officer, name="a.csv", data=csv_bytes([["身份证号"], [number], [number]]), title="", reason="审核")
    assert [(p.row, p.message) for p in refused.value.sheet.problems] == [(3, "与第 2 行的身份证号重复。")]
    _nothing_stored(settings)


# --- blank rows: skipped and said so -------------------------------------------------------------------


def test_blank_rows_are_skipped_and_listed(officer_client, settings):
    first, second = new_id_number(), new_id_number()
    data = xlsx_bytes([["身份证号"], [first], [None], [None], [second], [None], [None]])
    response = upload(officer_client, "名单.xlsx", data)
    assert response.status_code == 302
    lookup = BulkLookup.objects.get()
    assert lookup.total == 2
    page = officer_client.get(response["Location"]).content.decode()
    assert "已跳过空行：3、4。" in page  # the trailing blank rows 6 and 7 are nothing
    assert "空行会被跳过" in officer_client.get(URL).content.decode()  # and the page says so up front


def test_a_single_column_without_header_is_read_from_row_one(officer, settings):
    numbers = [new_id_number(), new_id_number()]
    sheet = id_sheet_read(name="ids.xlsx", data=xlsx_bytes([[numbers[0]], [numbers[1]]]))
    assert sheet.rows == [(1, numbers[0]), (2, numbers[1])] and sheet.header_row is None
    sheet = id_sheet_read(name="ids.csv", data=csv_bytes([["证件号"], [numbers[0]]], encoding="gb18030"))
    assert sheet.rows == [(2, numbers[0])] and sheet.header_row == 1
    sheet = id_sheet_read(name="ids.xlsx", data=xlsx_bytes([["Name", "ID Number"], ["Li", f" {numbers[1].lower()} "]]))
    assert sheet.rows == [(2, numbers[1].upper())]


# --- clear refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "message"), [
    ("名单.xlsx", b"", "提交的是空文件。"),
    ("名单.txt", b"110101199003070011\n", "只能读取 .xlsx 和 .csv 文件"),
    ("名单.xlsx", b"%PDF-1.4 not a workbook", "不是 Excel 工作簿"),
    ("名单.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ".xls"),
    ("名单.csv", b"PK\x03\x04binary", "不是文本文件"),
    ("名单.xlsx", b"PK\x03\x04 a broken zip", "不是 Excel 工作簿"),
])
def test_a_non_spreadsheet_is_refused(officer_client, settings, name, data, message):
    response = upload(officer_client, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    _nothing_stored(settings)


def test_a_table_without_an_id_column_is_refused(officer_client, settings):
    response = upload(officer_client, "名单.xlsx", xlsx_bytes([["姓名", "学校"], ["张三", "第一小学"]]))
    assert response.status_code == 400
    assert "未找到身份证号列" in response.content.decode()
    _nothing_stored(settings)


def test_an_empty_file_is_refused_by_the_service_too(officer, settings):
    with pytest.raises(ValidationError) as refused:
        bulk_lookup_create(user=officer, name="a.xlsx", data=b"", title="", reason="审核")
    assert refused.value.messages == ["文件为空。"]
    _nothing_stored(settings)


def test_a_header_without_numbers_or_only_blank_rows_is_refused(officer_client, settings):
    response = upload(officer_client, "名单.xlsx", xlsx_bytes([["身份证号"], [None]]))
    assert "文件只有标题行，没有身份证号。" in response.content.decode()
    response = upload(officer_client, "名单.xlsx", xlsx_bytes([[None], [None]]))
    assert "文件为空" in response.content.decode()
    _nothing_stored(settings)


def _numbers(count: int) -> list[str]:
    import datetime as dt

    start = dt.date(1970, 1, 1)
    return [make_id_number("110101", start + dt.timedelta(days=n // 999), n % 999 + 1) for n in range(count)]


def test_50000_numbers_are_accepted_and_50001_refused_before_the_rest_is_read(officer, settings):
    numbers = _numbers(MAX_ROWS + 1)
    accepted = bulk_lookup_create(
        user=officer, name="ok.csv", data=csv_bytes([["身份证号"], *([n] for n in numbers[:MAX_ROWS])]), title="", reason="审核",
    )
    assert accepted.total == MAX_ROWS
    BulkLookup.objects.all().delete()
    for path in bulk_files(settings):
        path.unlink()
    with pytest.raises(ValidationError) as refused:
        bulk_lookup_create(
            user=officer, name="big.xlsx", data=xlsx_bytes([["身份证号"], *([n] for n in numbers), ["garbage"]]),
            title="", reason="审核",
        )
    assert refused.value.messages == ["每个文件最多 50,000 个身份证号，本文件超过此数。请拆分为较小的文件。"]
    _nothing_stored(settings)


def test_a_file_over_the_size_limit_is_refused_by_its_declared_size(officer_client, settings):
    response = upload(officer_client, "big.csv", b"x" * (8 * 1024 * 1024 + 1))
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()
    _nothing_stored(settings)


def test_a_reason_is_required_and_the_title_must_be_in_force(officer_client, settings):
    data = csv_bytes([["身份证号"], [new_id_number()]])
    response = upload(officer_client, "a.csv", data, reason="   ")
    assert response.status_code == 400 and BulkLookup.objects.count() == 0
    response = upload(officer_client, "a.csv", data, title="senior")  # no rules in force for 高级
    assert response.status_code == 400
    _nothing_stored(settings)


def test_english_messages_for_an_english_reader(officer_client):
    response = upload(officer_client, "a.csv", csv_bytes([["ID number"], ["12345"]]), **{"accept-language": "en"})
    assert _report(response) == {2: "An ID number has 18 characters."}


# --- who may upload ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "where", "allowed"), [
    (Role.PERSONNEL_OFFICER, "county_a1", True),
    (Role.COUNTY_ADMIN, "county_a1", True),
    (Role.CITY_ADMIN, "city_a", True),
    (Role.PROVINCE_ADMIN, "province", True),
    (Role.SCHOOL_ADMIN, "school_a1_1", False),
    (Role.TEACHER, "school_a1_1", False),
    (Role.REVIEWER, "county_a1", False),
    (None, None, False),
])
def test_only_personnel_officers_and_bureaus_may_upload(client, tree, settings, role, where, allowed):
    user = make_user("someone", role=role, organisation=getattr(tree, where) if where else None)
    client.force_login(user)
    assert client.get(URL).status_code == (200 if allowed else 403)
    assert client.get(reverse("certification:bulk_template")).status_code == (200 if allowed else 403)
    response = upload(client, "a.csv", csv_bytes([["身份证号"], [new_id_number()]]))
    assert response.status_code == (302 if allowed else 403)
    assert BulkLookup.objects.count() == (1 if allowed else 0)


def test_the_template_downloads_read_back_as_an_empty_list(officer_client):
    response = officer_client.get(reverse("certification:bulk_template"))
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.active[1]] == ["身份证号"]
    assert workbook.active.column_dimensions["A"].number_format == "@"
    csv_template = officer_client.get(reverse("certification:bulk_template") + "?format=csv")
    assert csv_template.content.decode("utf-8-sig").strip() == "身份证号"


def _with_sheet_xml(data: bytes, change) -> bytes:
    import zipfile

    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item)
            target.writestr(item, change(body) if item.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def test_a_hostile_dimension_does_not_make_every_row_huge(officer):
    import re
    import time

    numbers = [new_id_number() for _ in range(3)]
    data = _with_sheet_xml(
        xlsx_bytes([["身份证号"], *([n] for n in numbers)]),
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml),
    )
    started = time.perf_counter()
    assert [number for _row, number in id_sheet_read(name="a.xlsx", data=data).rows] == numbers
    assert time.perf_counter() - started < 2


def test_a_row_far_below_is_refused_without_reading_a_million_rows(officer, settings):
    workbook = openpyxl.Workbook()
    workbook.active.append(["身份证号"])
    workbook.active.append([new_id_number()])
    workbook.active.cell(row=1_000_000, column=1, value=new_id_number())
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ValidationError) as refused:
        bulk_lookup_create(user=officer, name="far.xlsx", data=out.getvalue(), title="", reason="审核")
    assert "每个文件最多 50,000 个身份证号" in refused.value.messages[0]
    _nothing_stored(settings)
