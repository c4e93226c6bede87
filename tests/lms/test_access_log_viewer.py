"""The access-log viewer: who looked at whose data, when, why and how — scoped, filterable, exportable, kept."""

from __future__ import annotations

import csv
import datetime as dt
import io
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from lms.api import AccessAction, AccessChannel, AppendOnlyError, access_log_record
from lms.models import AccessLog, Role
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def looks(tree):
    """An officer of county A1 and one of county B1 each look at a teacher of their own county."""
    a1_teacher = make_teacher(school=tree.school_a1_1, real_name="甲县老师")
    b1_teacher = make_teacher(school=tree.school_b1_1, real_name="乙县老师")
    officer_a1 = make_user("officer_a1", role=Role.PERSONNEL_OFFICER, organisation=tree.county_a1)
    officer_b1 = make_user("officer_b1", role=Role.PERSONNEL_OFFICER, organisation=tree.county_b1)
    access_log_record(actor=officer_a1, action=AccessAction.VIEW, teacher=a1_teacher)
    access_log_record(
        actor=officer_a1, action=AccessAction.QUERY, subject="批量查询：名单.xlsx（3 行）", object_count=3,
        reason="职称评审资格审核", channel=AccessChannel.BULK,
    )
    access_log_record(actor=officer_b1, action=AccessAction.REVEAL, teacher=b1_teacher, reason="核对身份信息")
    access_log_record(
        actor=None, actor_label="API: unknown key", action=AccessAction.REFUSED, subject="/api/v1/teachers/",
        channel=AccessChannel.API, status_code=401,
    )
    return a1_teacher, b1_teacher, officer_a1, officer_b1


def _rows(response) -> list[tuple[str, str, str]]:
    return [(e.actor_username, e.action, e.channel) for e in response.context["page"].object_list]


def test_county_admin_sees_looks_at_and_by_their_county_only(tree, looks, client):
    client.force_login(make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    rows = _rows(client.get(reverse("lms:audit_access")))
    assert sorted(rows) == [("officer_a1", "query", "bulk"), ("officer_a1", "view", "page")]


def test_city_admin_of_the_other_city_sees_only_theirs(tree, looks, client):
    client.force_login(make_user("city_b", role=Role.CITY_ADMIN, organisation=tree.city_b))
    assert _rows(client.get(reverse("lms:audit_access"))) == [("officer_b1", "reveal", "page")]


def test_province_admin_sees_everything_including_unsigned_refusals(tree, looks, client):
    client.force_login(make_user("province", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    response = client.get(reverse("lms:audit_access"), {"refused": "1"})
    assert _rows(response) == [("API: unknown key", "refused", "api")]
    assert client.get(reverse("lms:audit_access")).context["page"].paginator.count == 4


def test_personnel_officer_sees_only_their_own_queries(tree, looks, client):
    client.force_login(looks[2])
    response = client.get(reverse("lms:audit_access"))
    assert response.status_code == 200
    assert {row[0] for row in _rows(response)} == {"officer_a1"}
    assert "lms:audit_admin" not in response.content.decode()


@pytest.mark.parametrize("role, where", [(Role.TEACHER, "school_a1_1"), (Role.REVIEWER, "county_a1"), (Role.SCHOOL_ADMIN, "school_a1_1")])
def test_other_roles_are_refused(tree, client, role, where):
    client.force_login(make_user("someone", role=role, organisation=getattr(tree, where)))
    assert client.get(reverse("lms:audit_access")).status_code == 403
    assert client.get(reverse("lms:audit_access_export")).status_code == 403


def test_filters_by_how_why_and_whose_data(tree, looks, client):
    client.force_login(make_user("province", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    url = reverse("lms:audit_access")
    assert _rows(client.get(url, {"channel": "bulk"})) == [("officer_a1", "query", "bulk")]
    assert _rows(client.get(url, {"reason": "身份"})) == [("officer_b1", "reveal", "page")]
    assert _rows(client.get(url, {"subject": "甲县老师"})) == [("officer_a1", "view", "page")]
    assert _rows(client.get(url, {"who": "officer_b1", "action": "reveal"})) == [("officer_b1", "reveal", "page")]


def test_a_malformed_date_is_named_not_silently_used(tree, looks, client):
    client.force_login(make_user("province", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    response = client.get(reverse("lms:audit_access"), {"since": "2026-13-40"})
    assert "不是有效日期" in response.content.decode()
    assert response.context["page"].paginator.count == 4


def test_export_is_the_filtered_scoped_log_and_is_itself_logged(tree, looks, client):
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(admin)
    response = client.get(reverse("lms:audit_access_export"), {"channel": "bulk"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["时间", "操作人", "操作", "方式", "涉及人员", "记录", "事由", "页面或接口", "HTTP 状态", "IP"]
    assert len(rows) == 2
    assert rows[1][1] == "officer_a1" and rows[1][3] == "批量查询" and rows[1][6] == "职称评审资格审核"
    export = AccessLog.objects.get(actor_username="county_a1", action="export")
    assert export.channel == "export" and export.object_count == 1


def test_typed_text_in_the_export_is_never_read_as_a_formula(tree, looks, client):
    officer_a1 = looks[2]
    access_log_record(
        actor=officer_a1, action=AccessAction.REVEAL, teacher=looks[0], reason='=HYPERLINK("http://x.example","核对")',
    )
    access_log_record(actor=officer_a1, action=AccessAction.LIST, subject="+86 查询", reason="@SUM(A1)")
    client.force_login(make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1))
    response = client.get(reverse("lms:audit_access_export"), {"who": "officer_a1"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    reasons = {row[6] for row in rows[1:]}
    assert """'=HYPERLINK("http://x.example","核对")""" in reasons and "'@SUM(A1)" in reasons
    assert "'+86 查询" in {row[4] for row in rows[1:]}
    assert not any(cell.startswith(("=", "+", "@")) for row in rows[1:] for cell in row)


def test_entries_are_kept_beyond_six_months_and_cannot_be_changed(tree, looks, client):
    long_ago = timezone.now() - dt.timedelta(days=200)
    with mock.patch("django.utils.timezone.now", return_value=long_ago):
        old = access_log_record(actor=looks[2], action=AccessAction.VIEW, teacher=looks[0], reason="去年核查")
    client.force_login(make_user("province", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    since = (long_ago - dt.timedelta(days=1)).date().isoformat()
    until = (long_ago + dt.timedelta(days=1)).date().isoformat()
    response = client.get(reverse("lms:audit_access"), {"since": since, "until": until})
    assert [e.pk for e in response.context["page"].object_list] == [old.pk]
    with pytest.raises(AppendOnlyError):
        old.delete()
    old.reason = "改写"
    with pytest.raises(AppendOnlyError):
        old.save()
    assert AccessLog.objects.get(pk=old.pk).reason == "去年核查"


def test_english_viewer(tree, looks, client):
    client.force_login(make_user("province", role=Role.PROVINCE_ADMIN, organisation=tree.province))
    body = client.get(reverse("lms:audit_access"), headers={"accept-language": "en"}).content.decode()
    assert "Bulk look-up" in body and "Refused requests only" in body
