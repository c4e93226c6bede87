"""Bulk look-up jobs: the result spreadsheet row by row, the same answer for another jurisdiction's
teacher and an unknown number, scoping for every role, progress, the access log, and who sees a job."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certification.bulk import services
from certification.bulk.services import bulk_lookup_create, bulk_lookup_run
from certification.models import BulkLookup, Certificate, JobState
from lms.api import decrypt_text
from lms.models import AccessLog, Teacher
from tests.certification.test_bulk_upload_checks import URL, bulk_files, csv_bytes, upload, xlsx_bytes
from tests.certification.test_titles_rules import TODAY, candidate, first_rule
from tests.certification_setup import cert_world
from tests.factories import Role, make_user, new_id_number

pytestmark = pytest.mark.django_db

NOT_HERE = "不在您的管辖范围内"
HEADERS = ["行号", "身份证号", "查询结果", "姓名", "学校", "认证等级", "证书状态", "有效期至", "本周期学时", "周期目标学时",
           "目标职称", "是否符合晋升条件", "未满足的条件"]
HOURS_SHORT = "本周期学时：本周期 100/360 学时（2026–2030）"
NO_LEVEL = "能力等级：无有效能力等级证书 / 需 中级"


def id_of(teacher: Teacher) -> str:
    return decrypt_text(teacher.id_number_encrypted)


@pytest.fixture
def world(tree):
    return cert_world(tree)


@pytest.fixture
def people(world):
    """County a1: one eligible for 一级, one short of hours, one without certificate, one suspended;
    county a2 (same city) and county b1 (the other city) one each; and a number nobody has."""
    first_rule(world)
    tree = world.tree
    people = {
        "ready": candidate(world, real_name="王合格"),
        "short": candidate(world, real_name="李学时", school=tree.school_a1_2, hours=100),
        "bare": candidate(world, real_name="赵无证", certificate=False),
        "suspended": candidate(world, real_name="钱暂停"),
        "a2": candidate(world, real_name="孙甲二", school=tree.school_a2_1),
        "b1": candidate(world, real_name="周乙一", school=tree.school_b1_1),
    }
    Certificate.objects.filter(teacher=people["suspended"]).update(status="suspended")
    return people


ORDER = ["ready", "short", "bare", "suspended", "a2", "unknown", "b1"]


@pytest.fixture
def numbers(people):
    found = {key: id_of(teacher) for key, teacher in people.items()}
    found["unknown"] = new_id_number()
    return [found[key] for key in ORDER]


@pytest.fixture
def officer(tree):
    return make_user("officer", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a1)


def run(user, data: bytes, *, name: str = "名单.xlsx", title: str = "first") -> BulkLookup:
    lookup = bulk_lookup_create(user=user, name=name, data=data, title=title, reason="2026年职称评审资格审核")
    return bulk_lookup_run(lookup_id=lookup.pk, today=TODAY)


def result_rows(lookup: BulkLookup, settings) -> list[list[object]]:
    workbook = openpyxl.load_workbook(Path(settings.PRIVATE_ROOT) / lookup.result_path)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_the_result_answers_every_row(officer, numbers, settings):
    lookup = run(officer, xlsx_bytes([["身份证号"], *([n] for n in numbers)]))
    assert (lookup.state, lookup.total, lookup.done, lookup.found, lookup.error) == (JobState.DONE, 7, 7, 4, "")
    rows = result_rows(lookup, settings)
    assert rows[0] == HEADERS
    ready, short, bare, suspended, a2, unknown, b1 = rows[1:]
    assert ready == [2, numbers[0], "已找到", "王合格", "甲一县第一小学", "中级", "有效", "2030-06-01", 360, 360, "一级教师", "是", None]
    assert short == [3, numbers[1], "已找到", "李学时", "甲一县实验中学", "中级", "有效", "2030-06-01", 100, 360, "一级教师", "否", HOURS_SHORT]
    assert bare[:11] == [4, numbers[2], "已找到", "赵无证", "甲一县第一小学", None, "未取得证书", None, 360, 360, "一级教师"]
    assert bare[11:] == ["否", NO_LEVEL]
    assert suspended[5:] == ["中级", "暂停", "2030-06-01", 360, 360, "一级教师", "否", NO_LEVEL]  # a suspended one counts for nothing
    for outside, row_number, number in ((a2, 6, numbers[4]), (unknown, 7, numbers[5]), (b1, 8, numbers[6])):
        assert outside == [row_number, number, NOT_HERE] + [None] * 10


def test_another_jurisdiction_and_an_unknown_number_look_the_same(officer, numbers, settings):
    rows = result_rows(run(officer, xlsx_bytes([["身份证号"], *([n] for n in numbers)])), settings)
    a2, unknown = rows[5], rows[6]
    assert a2[2:] == unknown[2:]
    assert {type(value) for value in a2[3:]} == {type(None)}


def test_a_csv_gives_the_same_result_as_a_workbook(officer, numbers, settings):
    from_xlsx = result_rows(run(officer, xlsx_bytes([["姓名", "身份证号"], *(["某", n] for n in numbers)])), settings)
    from_csv = result_rows(run(officer, csv_bytes([["姓名", "身份证号"], *(["某", n] for n in numbers)]), name="名单.csv"), settings)
    assert from_csv == from_xlsx


def test_without_a_target_title_the_eligibility_columns_stay_empty(officer, numbers, settings):
    rows = result_rows(run(officer, xlsx_bytes([["身份证号"], *([n] for n in numbers)]), title=""), settings)
    assert rows[1][:10] == [2, numbers[0], "已找到", "王合格", "甲一县第一小学", "中级", "有效", "2030-06-01", 360, 360]
    assert rows[1][10:] == [None, None, None]


@pytest.mark.parametrize(("role", "where", "found"), [
    (Role.PERSONNEL_OFFICER, "county_a1", {"王合格", "李学时", "赵无证", "钱暂停"}),
    (Role.COUNTY_ADMIN, "county_a1", {"王合格", "李学时", "赵无证", "钱暂停"}),
    (Role.COUNTY_ADMIN, "county_a2", {"孙甲二"}),
    (Role.PERSONNEL_OFFICER, "city_a", {"王合格", "李学时", "赵无证", "钱暂停", "孙甲二"}),
    (Role.CITY_ADMIN, "city_b", {"周乙一"}),
    (Role.PROVINCE_ADMIN, "province", {"王合格", "李学时", "赵无证", "钱暂停", "孙甲二", "周乙一"}),
    (Role.PERSONNEL_OFFICER, "province", {"王合格", "李学时", "赵无证", "钱暂停", "孙甲二", "周乙一"}),
])
def test_each_role_finds_exactly_its_jurisdiction(tree, numbers, settings, role, where, found):
    user = make_user("reader", role=role, organisation=getattr(tree, where))
    rows = result_rows(run(user, xlsx_bytes([["身份证号"], *([n] for n in numbers)])), settings)[1:]
    assert {row[3] for row in rows if row[2] == "已找到"} == found
    assert all(row[2:] == [NOT_HERE] + [None] * 10 for row in rows if row[2] != "已找到")


@pytest.mark.parametrize(("role", "where"), [
    (Role.TEACHER, "school_a1_1"), (Role.SCHOOL_ADMIN, "school_a1_1"), (Role.REVIEWER, "county_a1"), (None, None),
])
def test_teachers_school_admins_and_outsiders_cannot_start_one(tree, numbers, settings, role, where):
    user = make_user("someone", role=role, organisation=getattr(tree, where) if where else None)
    with pytest.raises(PermissionDenied):
        bulk_lookup_create(user=user, name="a.csv", data=csv_bytes([["身份证号"], [numbers[0]]]), title="", reason="审核")
    assert BulkLookup.objects.count() == 0 and bulk_files(settings) == []


def test_progress_advances_chunk_by_chunk(officer, numbers, monkeypatch):
    seen: list[tuple[str, int, int]] = []
    answer = services.bulk_chunk_answer

    def watched(**kwargs):
        lookup = BulkLookup.objects.get()
        seen.append((lookup.state, lookup.done, lookup.found))
        return answer(**kwargs)

    monkeypatch.setattr(services, "CHUNK", 2)
    monkeypatch.setattr(services, "bulk_chunk_answer", watched)
    lookup = bulk_lookup_create(user=officer, name="a.xlsx", data=xlsx_bytes([["身份证号"], *([n] for n in numbers)]), title="first", reason="审核")
    assert (lookup.state, lookup.done, lookup.percent) == (JobState.QUEUED, 0, 0)
    lookup = bulk_lookup_run(lookup_id=lookup.pk, today=TODAY)
    # Chunks of two: ready+short, bare+suspended, a2+unknown, b1.
    assert seen == [("running", 0, 0), ("running", 2, 2), ("running", 4, 4), ("running", 6, 4)]
    assert (lookup.done, lookup.found, lookup.percent) == (7, 4, 100)


def test_queries_do_not_grow_with_the_rows(officer, numbers):
    def queries(rows: list[str]) -> int:
        lookup = bulk_lookup_create(user=officer, name="a.csv", data=csv_bytes([["身份证号"], *([n] for n in rows)]), title="first", reason="审核")
        with CaptureQueriesContext(connection) as captured:
            bulk_lookup_run(lookup_id=lookup.pk, today=TODAY)
        return len(captured)

    assert queries(numbers[:2]) == queries(numbers)


def test_every_teacher_found_is_in_the_access_log(officer, people, numbers):
    lookup = run(officer, xlsx_bytes([["身份证号"], *([n] for n in numbers)]))
    entries = AccessLog.objects.filter(channel="bulk", action="query", teacher_id_ref__isnull=False)
    looked_at = {people[key].pk for key in ("ready", "short", "bare", "suspended")}
    assert {entry.teacher_id_ref for entry in entries} == looked_at and entries.count() == 4
    assert {(e.actor_id, e.reason, e.path) for e in entries} == {(officer.pk, "2026年职称评审资格审核", f"/personnel/bulk/{lookup.pk}/")}
    assert "王合格（" in entries.get(teacher_id_ref=people["ready"].pk).subject
    assert not AccessLog.objects.filter(teacher_id_ref__in=[people["a2"].pk, people["b1"].pk]).exists()
    summary = AccessLog.objects.get(channel="bulk", teacher_id_ref__isnull=True)
    assert (summary.action, summary.subject, summary.object_count) == ("query", "批量查询：名单.xlsx（7 行）", 4)
    assert all(number not in summary.subject for number in numbers)


def test_the_input_file_is_gone_and_no_number_is_in_the_database(officer, numbers, settings):
    lookup = bulk_lookup_create(user=officer, name="a.xlsx", data=xlsx_bytes([["身份证号"], *([n] for n in numbers)]), title="", reason="审核")
    [waiting] = bulk_files(settings)
    assert numbers[0] in waiting.read_text() and lookup.input_path.endswith(waiting.name)
    stored = " ".join(str(value) for value in BulkLookup.objects.values().get().values())
    assert all(number not in stored for number in numbers)
    lookup = bulk_lookup_run(lookup_id=lookup.pk, today=TODAY)
    assert [path.name for path in bulk_files(settings)] == [Path(lookup.result_path).name]
    assert lookup.input_path == ""


def test_a_job_runs_once_and_a_missing_input_fails_visibly(officer, numbers, settings):
    lookup = run(officer, xlsx_bytes([["身份证号"], *([n] for n in numbers)]))
    logged = AccessLog.objects.count()
    assert bulk_lookup_run(lookup_id=lookup.pk, today=TODAY).state == JobState.DONE  # a second delivery: nothing
    assert AccessLog.objects.count() == logged

    broken = bulk_lookup_create(user=officer, name="b.csv", data=csv_bytes([["身份证号"], [numbers[0]]]), title="", reason="审核")
    (Path(settings.PRIVATE_ROOT) / broken.input_path).unlink()
    broken = bulk_lookup_run(lookup_id=broken.pk, today=TODAY)
    assert broken.state == JobState.FAILED and broken.result_path == ""
    assert broken.error == "查询失败（FileNotFoundError）；请重新上传文件。"
    assert AccessLog.objects.count() == logged


# --- the pages -----------------------------------------------------------------------------------------


def test_upload_progress_and_download_in_the_browser(client, officer, people, numbers, django_capture_on_commit_callbacks):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, "名单.xlsx", xlsx_bytes([["身份证号"], *([n] for n in numbers)]), title="first")
    lookup = BulkLookup.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/personnel/bulk/{lookup.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "已开始查询 7 个身份证号。" in page and f"/personnel/bulk/{lookup.pk}/result.xlsx" in page
    status = client.get(reverse("certification:bulk_status", args=[lookup.pk])).json()
    assert {k: status[k] for k in ("state", "done", "total", "found", "percent")} == {
        "state": "done", "done": 7, "total": 7, "found": 4, "percent": 100,
    }
    download = client.get(status["result_url"])
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    answers = {row[1]: (row[2], row[3]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert answers[numbers[0]] == ("已找到", "王合格") and answers[numbers[4]] == (NOT_HERE, None)
    export = AccessLog.objects.get(action="export")
    assert (export.channel, export.object_count, export.subject) == ("bulk", 4, "批量查询结果：名单.xlsx")
    listing = client.get(URL).content.decode()
    assert f'data-job="{lookup.pk}"' in listing and "名单.xlsx" in listing


def test_an_english_reader_gets_english_columns(client, officer, numbers, django_capture_on_commit_callbacks, settings):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "list.csv", csv_bytes([["ID number"], *([n] for n in numbers)]), **{"accept-language": "en"})
    rows = result_rows(BulkLookup.objects.get(), settings)
    assert rows[0][:3] == ["Row", "ID number", "Look-up result"]
    assert rows[5][2] == "Not in your jurisdiction" and rows[1][2] == "Found"


def test_only_the_requester_and_superusers_see_a_job(client, tree, officer, numbers):
    lookup = run(officer, xlsx_bytes([["身份证号"], *([n] for n in numbers)]))
    pages = [reverse(name, args=[lookup.pk]) for name in ("certification:bulk_detail", "certification:bulk_status", "certification:bulk_result")]
    client.force_login(officer)
    assert [client.get(page).status_code for page in pages] == [200, 200, 200]
    colleague = make_user("colleague", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a1)
    boss = make_user("boss", role=Role.PROVINCE_ADMIN, organisation=tree.province)
    for other in (colleague, boss):
        client.force_login(other)
        assert [client.get(page).status_code for page in pages] == [404, 404, 404]
        assert f'data-job="{lookup.pk}"' not in client.get(URL).content.decode()
    client.force_login(make_user("teacher", role=Role.TEACHER, organisation=tree.school_a1_1))
    assert [client.get(page).status_code for page in pages] == [403, 403, 403]
    admin = make_user("root")
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert [client.get(page).status_code for page in pages] == [200, 200, 200]
    assert client.get(reverse("certification:bulk_detail", args=[lookup.pk + 1])).status_code == 404


def test_the_result_is_not_offered_before_the_job_is_done(client, officer, numbers):
    lookup = bulk_lookup_create(user=officer, name="a.csv", data=csv_bytes([["身份证号"], [numbers[0]]]), title="", reason="审核")
    client.force_login(officer)
    assert client.get(reverse("certification:bulk_result", args=[lookup.pk])).status_code == 404
    status = client.get(reverse("certification:bulk_status", args=[lookup.pk])).json()
    assert (status["state"], status["result_url"], status["percent"]) == ("queued", "", 0)
    page = client.get(reverse("certification:bulk_detail", args=[lookup.pk])).content.decode()
    assert "data-status-url" in page and "<script>" in page  # polls while queued
