"""The jurisdiction's title-promotion report, its Excel export and the pages: scoped to the jurisdiction,
bounded in queries, logged, and closed to teachers except for their own check."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.titles import report as report_module
from certification.titles.report import title_eligibility_report, title_report
from lms.models import AccessLog, Teacher
from tests.certification.test_titles_rules import TODAY, candidate, first_rule
from tests.certification_setup import cert_world
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    return cert_world(tree)


@pytest.fixture
def people(world):
    """In county a1: one eligible, one short of hours, one already 一级 (not in the report), one retired;
    in county a2 and county b1 one each."""
    first_rule(world)
    tree = world.tree
    return {
        "ready": candidate(world, real_name="王合格"),
        "short": candidate(world, real_name="李学时", school=tree.school_a1_2, hours=100),
        "first": candidate(world, real_name="赵一级", title="first"),
        "retired": candidate(world, real_name="钱退休"),
        "a2": candidate(world, real_name="孙甲二", school=tree.school_a2_1),
        "b1": candidate(world, real_name="周乙一", school=tree.school_b1_1),
    }


@pytest.fixture
def county_admin(world):
    return make_user("county", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1)


def _retire(teacher: Teacher) -> None:
    Teacher.objects.filter(pk=teacher.pk).update(employment_status="retired")


def test_report_covers_exactly_the_jurisdiction(people, county_admin):
    _retire(people["retired"])
    report = title_report(user=county_admin, target_title="first", today=TODAY)
    assert {row.teacher.real_name: row.result.eligible for row in report.rows} == {"王合格": True, "李学时": False}
    assert report.rule.version == 1 and report.eligible_count == 1
    short = next(row for row in report.rows if row.teacher.real_name == "李学时")
    assert [c.figures for c in short.result.checks if not c.met] == ["本周期 100/360 学时（2026–2030）"]


def test_a_region_narrows_the_report(world, people):
    city = make_user("city", role=Role.CITY_ADMIN, organisation=world.tree.city_a)
    everyone = {row.teacher.real_name for row in title_report(user=city, target_title="first", today=TODAY).rows}
    assert everyone == {"王合格", "李学时", "钱退休", "孙甲二"}
    narrowed = title_report(user=city, target_title="first", region=world.tree.county_a2, today=TODAY)
    assert [row.teacher.real_name for row in narrowed.rows] == ["孙甲二"]


def test_report_rows_agree_with_the_one_teacher_check(people, county_admin):
    from certification.titles.rules import title_eligibility

    for row in title_report(user=county_admin, target_title="first", today=TODAY).rows:
        alone = title_eligibility(teacher=row.teacher, target_title="first", today=TODAY)
        assert row.result.checks == alone.checks


def test_report_queries_do_not_grow_with_teachers(world, county_admin):
    first_rule(world)
    for name in ("甲老师", "乙老师"):
        candidate(world, real_name=name)
    with CaptureQueriesContext(connection) as few:
        title_report(user=county_admin, target_title="first", today=TODAY)
    for name in ("丙老师", "丁老师", "戊老师", "己老师", "庚老师", "辛老师"):
        candidate(world, real_name=name)
    with CaptureQueriesContext(connection) as many:
        rows = title_report(user=county_admin, target_title="first", today=TODAY).rows
    # rule, hours policy, three resolving the jurisdiction, the chunk of teachers, hours, appraisals, certificates
    assert len(rows) == 8 and len(many.captured_queries) == len(few.captured_queries) <= 9


def test_report_in_chunks_has_every_teacher_once(world, county_admin, monkeypatch):
    first_rule(world)
    names = ["甲老师", "乙老师", "丙老师", "丁老师", "戊老师"]
    for name in names:
        candidate(world, real_name=name)
    monkeypatch.setattr(report_module, "CHUNK", 2)
    rows = title_report(user=county_admin, target_title="first", today=TODAY).rows
    assert sorted(row.teacher.real_name for row in rows) == sorted(names) and all(row.result.eligible for row in rows)


def test_report_without_rules_is_empty_and_says_so(world, county_admin):
    candidate(world)
    report = title_report(user=county_admin, target_title="senior", today=TODAY)
    assert report.rule is None and report.rows == []


def test_the_data_frame_has_a_column_per_check_and_the_overall_result(people, county_admin):
    frame = title_eligibility_report(user=county_admin, target_title="first", today=TODAY)
    assert list(frame.columns[:6]) == ["姓名", "身份证号", "学校", "现职称", "现职称取得时间", "学历"]
    assert "任现职年限" in frame.columns and "本周期学时是否符合" in frame.columns
    ready = frame[frame["姓名"] == "王合格"].iloc[0]
    assert ready["任现职年限"] == "任现职 6 年 / 需 5 年（本科）" and ready["综合结论"] == "符合"
    assert ready["评审条件版本"] == "v1"
    assert frame[frame["姓名"] == "李学时"].iloc[0]["综合结论"] == "不符合"


def _excel(client, **params):
    return client.get("/certificates/titles/", {"target": "first", "format": "xlsx", **params})


def test_excel_opens_with_chinese_headers_masked_ids_and_a_frozen_header(client, people, county_admin):
    client.force_login(county_admin)
    response = _excel(client)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["姓名", "身份证号", "学校"] and header[-2:] == ["综合结论", "评审条件版本"]
    assert sheet.freeze_panes == "A2"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"王合格", "李学时", "钱退休"}
    ready = people["ready"]
    assert rows["王合格"][1] == ready.id_number_masked and "*" in ready.id_number_masked
    from lms.api import decrypt_text

    full_id = decrypt_text(ready.id_number_encrypted)
    assert all(full_id not in str(value) for row in rows.values() for value in row)


def test_excel_headers_stay_chinese_for_an_english_reader(client, people, county_admin):
    client.force_login(county_admin)
    response = client.get("/certificates/titles/", {"target": "first", "format": "xlsx"}, headers={"accept-language": "en"})
    header = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(response.content)).active[1]]
    assert header[0] == "姓名"


def test_export_is_logged_once_with_the_count(client, people, county_admin):
    client.force_login(county_admin)
    _excel(client)
    entry = AccessLog.objects.get(actor=county_admin)
    assert entry.action == "export" and entry.object_count == 3


def test_report_page_shows_the_table_version_and_download_link(client, people, county_admin):
    client.force_login(county_admin)
    response = client.get("/certificates/titles/", {"target": "first"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "王合格" in page and "李学时" in page and "孙甲二" not in page and "赵一级" not in page
    assert 'data-rule-version="1"' in page and "format=xlsx" in page
    assert people["ready"].id_number_masked in page
    entry = AccessLog.objects.get(actor=county_admin)
    assert entry.action == "list" and entry.object_count == 3


def test_report_page_paginates(client, world, county_admin, monkeypatch):
    from certification.titles import views

    first_rule(world)
    for name in ("甲老师", "乙老师", "丙老师"):
        candidate(world, real_name=name)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client.force_login(county_admin)
    first = client.get("/certificates/titles/", {"target": "first"}).content.decode()
    second = client.get("/certificates/titles/", {"target": "first", "page": 2}).content.decode()
    assert first.count('data-teacher="') == 2 and second.count('data-teacher="') == 1 and "1 / 2" in first


def test_report_page_for_a_title_without_rules_says_so(client, people, county_admin):
    client.force_login(county_admin)
    page = client.get("/certificates/titles/", {"target": "senior"}).content.decode()
    assert "尚未规定晋升高级教师的评审条件" in page and "data-teacher" not in page


def test_a_region_outside_the_jurisdiction_is_refused_and_shows_nobody(client, world, people, county_admin):
    client.force_login(county_admin)
    response = client.get("/certificates/titles/", {"target": "first", "region": world.tree.county_b1.pk})
    assert response.status_code == 400 and "请选择您管辖范围内的地区" in response.content.decode()
    assert "周乙一" not in response.content.decode() and not AccessLog.objects.exists()
    assert client.get("/certificates/titles/", {"target": "nonsense"}).status_code == 400


def test_a_personnel_officer_reads_the_report(client, world, people):
    officer = make_user("personnel", role=Role.PERSONNEL_OFFICER, organisation=world.tree.city_a)
    client.force_login(officer)
    page = client.get("/certificates/titles/", {"target": "first", "region": world.tree.county_a2.pk}).content.decode()
    assert "孙甲二" in page and "王合格" not in page


def test_a_teacher_cannot_open_the_report(client, people):
    client.force_login(people["ready"].user)
    assert client.get("/certificates/titles/", {"target": "first"}).status_code == 403
    assert client.get("/certificates/titles/", {"target": "first", "format": "xlsx"}).status_code == 403


def test_a_teacher_cannot_open_another_teachers_check(client, people):
    client.force_login(people["ready"].user)
    assert client.get(f"/certificates/titles/teacher/{people['short'].pk}/").status_code == 404


def test_a_teacher_sees_their_own_check(client, people):
    client.force_login(people["short"].user)
    page = client.get("/certificates/titles/mine/").content.decode()
    assert 'data-target="first"' in page and 'data-rule-version="1"' in page
    assert "本周期 100/360 学时" in page and 'data-eligible="no"' in page
    assert not AccessLog.objects.exists()  # looking at one's own record is not a look at someone else's


def test_someone_without_a_teacher_record_gets_not_found_on_mine(client, county_admin):
    client.force_login(county_admin)
    assert client.get("/certificates/titles/mine/").status_code == 404


def test_an_administrator_opens_a_teachers_check_and_the_look_is_logged(client, people, county_admin):
    client.force_login(county_admin)
    ready = people["ready"]
    response = client.get(f"/certificates/titles/teacher/{ready.pk}/")
    page = response.content.decode()
    assert response.status_code == 200 and "任现职" in page and ready.id_number_masked in page
    entry = AccessLog.objects.get(actor=county_admin)
    assert entry.action == "view" and entry.teacher_id_ref == ready.pk
    assert client.get(f"/certificates/titles/teacher/{people['b1'].pk}/").status_code == 404


def test_the_page_names_a_new_rule_version(client, world, people, county_admin):
    first_rule(world, version=2, years_by_education={"bachelor": 9}, effective_from=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(county_admin)
    page = client.get(f"/certificates/titles/teacher/{people['ready'].pk}/").content.decode()
    assert 'data-rule-version="2"' in page and "需 9 年（本科）" in page and 'data-eligible="no"' in page


def test_pages_in_english(client, people, county_admin):
    client.force_login(county_admin)
    page = client.get("/certificates/titles/", {"target": "first"}, headers={"accept-language": "en"}).content.decode()
    assert "Title-promotion eligibility" in page and "Download Excel" in page
