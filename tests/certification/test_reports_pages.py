"""Report pages: every role sees its own subtree and nothing else (outside looks like unknown: 404; no
report role: 403), rows drill down one level with a breadcrumb back up, filters are checked, the shown
tables download as .xlsx, the page exists in English, and each view or download is logged.
The world and its hand-counted figures: test_reports_figures.py (cycle 2021–2025 is chosen with year=2021)."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lms.api import AccessAction, AccessChannel, Role
from lms.models import AccessLog
from tests.certification.test_reports_figures import reports_world  # noqa: F401  (fixture)
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PAGES = ("report_completion", "report_indicator", "report_levels", "report_annual", "report_trends")


def _page(client, name="report_completion", **query):
    return client.get(reverse(f"certification:{name}"), query)


def _drills(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'data-drill="(\d+)"', html)]


def _crumbs(html: str) -> list[str]:
    nav = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S)
    assert nav is not None
    return re.findall(r'data-node="\d+"[^>]*>([^<]+)<', nav.group(0))


@pytest.fixture
def users(tree):
    return {
        "province": make_user("r_province", role=Role.PROVINCE_ADMIN, organisation=tree.province),
        "city": make_user("r_city", role=Role.CITY_ADMIN, organisation=tree.city_a),
        "county": make_user("r_county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1),
        "school": make_user("r_school", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1),
        "officer": make_user("r_officer", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a2),
        "teacher": make_user("r_teacher", role=Role.TEACHER, organisation=tree.school_a1_1),
        "reviewer": make_user("r_reviewer", role=Role.REVIEWER, organisation=tree.county_a1),
        "editor": make_user("r_editor", role=Role.INSTITUTION_EDITOR, organisation=tree.institution),
        "outsider": make_user("r_outsider"),
    }


def test_province_admin_drills_from_province_to_city_to_county_to_school(client, reports_world, users):  # noqa: F811
    tree = reports_world.tree
    client.force_login(users["province"])
    home = client.get(reverse("certification:report_home")).content.decode()
    assert f'data-node="{tree.province.pk}"' in home and "培训完成与学时" in home
    page = _page(client, year=2021)
    html = page.content.decode()
    assert page.status_code == 200
    assert _drills(html) == [tree.city_a.pk, tree.city_b.pk]
    assert f'?node={tree.city_a.pk}&amp;year=2021" data-drill' in html  # the filters follow the drill-down
    assert "<svg" in html and "完成率" in html
    city = _page(client, node=tree.city_a.pk, year=2021).content.decode()
    assert _drills(city) == [tree.county_a1.pk, tree.county_a2.pk]
    county = _page(client, node=tree.county_a1.pk, year=2021).content.decode()
    assert _drills(county) == [tree.school_a1_1.pk, tree.school_a1_2.pk]
    assert _crumbs(county) == ["示范省", "甲市", "甲一县"]
    assert f'href="/reports/completion/?node={tree.city_a.pk}&amp;year=2021" data-node="{tree.city_a.pk}"' in county
    school = _page(client, node=tree.school_a1_1.pk, year=2021).content.decode()
    assert _drills(school) == [] and 'data-table="stage_subject"' in school and "小学 · 数学" in school
    assert _crumbs(school) == ["示范省", "甲市", "甲一县", "甲一县第一小学"]


def test_every_report_page_renders_for_a_province_admin(client, reports_world, users):  # noqa: F811
    client.force_login(users["province"])
    for name in PAGES:
        response = _page(client, name)
        assert response.status_code == 200, name
        assert "<svg" in response.content.decode(), name


def test_figures_on_the_page_match_the_hand_counted_world(client, reports_world, users):  # noqa: F811
    tree = reports_world.tree
    client.force_login(users["county"])
    html = _page(client, node=tree.county_a1.pk, year=2021).content.decode()
    row = re.search(rf'data-node="{tree.school_a1_2.pk}">.*?</tr>', html, re.S)
    assert row is not None
    assert re.findall(r"<td>([^<]*)</td>", row.group(0)) == ["2", "2", "1", "50.0", "205.0", "205.0"]
    levels = _page(client, "report_levels", node=tree.county_a1.pk).content.decode()
    assert "初级" in levels and "中级" in levels and "无有效证书" in levels


@pytest.mark.parametrize(
    ("who", "home", "allowed", "refused"),
    [
        ("province", "province", ["province", "city_b", "county_a2", "school_b1_1"], []),
        ("city", "city_a", ["city_a", "county_a1", "school_a2_1"], ["province", "city_b", "county_b1", "school_b1_1"]),
        ("county", "county_a1", ["county_a1", "school_a1_1", "school_a1_2"], ["province", "city_a", "county_a2", "school_a2_1"]),
        ("school", "school_a1_1", ["school_a1_1"], ["school_a1_2", "county_a1", "city_a", "province"]),
        ("officer", "county_a2", ["county_a2", "school_a2_1"], ["county_a1", "school_a1_1", "city_a", "province"]),
    ],
)
def test_each_role_reaches_its_subtree_and_outside_is_unknown(client, tree, users, who, home, allowed, refused):
    client.force_login(users[who])
    default = _page(client).content.decode()
    assert f'<span aria-current="page" data-node="{getattr(tree, home).pk}">' in default
    for name in allowed:
        assert _page(client, node=getattr(tree, name).pk).status_code == 200, name
    for name in refused:
        for page in PAGES:
            assert _page(client, page, node=getattr(tree, name).pk).status_code == 404, (name, page)
    assert _page(client, node=999_999).status_code == 404
    assert _page(client, node="abc").status_code == 404


def test_a_city_admin_sees_no_breadcrumb_above_their_city(client, tree, users):
    client.force_login(users["city"])
    html = _page(client, node=tree.county_a1.pk).content.decode()
    assert _crumbs(html) == ["甲市", "甲一县"]
    assert f'data-node="{tree.province.pk}"' not in html


@pytest.mark.parametrize("who", ["teacher", "reviewer", "editor", "outsider"])
def test_users_without_a_report_role_are_refused(client, tree, users, who):
    client.force_login(users[who])
    assert client.get(reverse("certification:report_home")).status_code == 403
    for name in PAGES:
        assert _page(client, name, node=tree.school_a1_1.pk).status_code == 403
    assert client.post(reverse("certification:report_export_start"), {"node": tree.school_a1_1.pk}).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, tree):
    response = _page(client)
    assert response.status_code == 302 and "login" in response.url


def test_bad_filters_get_a_clear_message_and_no_figures(client, reports_world, users):  # noqa: F811
    client.force_login(users["province"])
    before = AccessLog.objects.count()
    for query in ({"stage": "university"}, {"year": "1900"}, {"subject": "<script>"}):
        response = _page(client, **query)
        html = response.content.decode()
        assert response.status_code == 400
        assert "data-filter-error" in html and 'class="report-table"' not in html
    assert AccessLog.objects.count() == before  # nothing shown, nothing logged


def test_stage_filter_narrows_every_table(client, reports_world, users):  # noqa: F811
    tree = reports_world.tree
    client.force_login(users["county"])
    html = _page(client, node=tree.county_a1.pk, year=2021, stage="junior").content.decode()
    assert "2 teachers covered" in html or "覆盖教师 2 人" in html
    assert f'?node={tree.school_a1_2.pk}&amp;stage=junior&amp;year=2021" data-drill' in html


def test_english_page(client, reports_world, users):  # noqa: F811
    client.force_login(users["province"])
    html = client.get(reverse("certification:report_completion"), {"year": 2021}, headers={"accept-language": "en"}).content.decode()
    assert "Completion and hours" in html and "Completion %" in html and "Median hours" in html
    assert "By school stage" in html and "Export to Excel" in html
    assert "完成率" not in html


def test_shown_tables_download_as_xlsx_with_chinese_headers_and_are_logged(client, reports_world, users):  # noqa: F811
    tree = reports_world.tree
    client.force_login(users["county"])
    response = _page(client, node=tree.county_a1.pk, year=2021, format="xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["按地区或学校", "按学段", "按学科"]
    rows = list(workbook["按地区或学校"].iter_rows(values_only=True))
    assert rows[0] == ("地区或学校", "教师人数", "本周期有学时", "达到目标", "完成率（%）", "平均学时", "学时中位数")
    assert rows[1] == ("甲一县第一小学", 3, 2, 0, 0, 150.7, 100)
    assert rows[-1] == ("合计", 5, 4, 1, 20, 172.4, 100)
    exported = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert exported.channel == AccessChannel.EXPORT and exported.object_count == 5 and "甲一县" in exported.subject


def test_a_report_view_is_logged_once_as_a_list(client, reports_world, users):  # noqa: F811
    client.force_login(users["officer"])
    _page(client, "report_levels")
    entry = AccessLog.objects.get()
    assert (entry.action, entry.channel, entry.actor_username) == (AccessAction.LIST, AccessChannel.PAGE, "r_officer")
    assert entry.object_count == 1 and entry.teacher_id_ref is None


def test_chart_labels_are_escaped_and_counts_get_whole_gridlines():
    from certification.reports.charts import Series, bar_chart

    svg = bar_chart(title="<t>", labels=['<script>alert("x")</script>', "乙"], series=[Series("<s>", [3, 1])])
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;s&gt;" in svg
    assert ">4<" in svg and ".5<" not in svg  # gridlines 0, 1, 2, 3, 4
