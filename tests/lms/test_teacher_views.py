"""The administrators' teacher pages: scoped lists, search, detail, reveal, export, and what gets logged."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from lms.crypto import decrypt_text
from lms.models import AccessLog, Role
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_setup(tree, client):
    inside = [make_teacher(school=tree.school_a1_1, real_name=f"李{n}") for n in "一二三"]
    outside = make_teacher(school=tree.school_b1_1, real_name="外县老师")
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(admin)
    return tree, inside, outside, admin


def test_list_shows_only_the_county_masked_and_is_logged(county_setup, client):
    _tree, inside, outside, _admin = county_setup
    response = client.get(reverse("lms:teacher_list"))
    body = response.content.decode()
    assert response.status_code == 200
    for teacher in inside:
        assert teacher.real_name in body and teacher.id_number_masked in body
        assert decrypt_text(teacher.id_number_encrypted) not in body
    assert outside.real_name not in body
    assert AccessLog.objects.filter(action="list", actor_username="county_a1", object_count=3).exists()


def test_search_by_full_id_number_logs_only_the_masked_query(county_setup, client):
    _tree, inside, _outside, _admin = county_setup
    number = decrypt_text(inside[1].id_number_encrypted)
    response = client.get(reverse("lms:teacher_list"), {"q": number})
    assert list(response.context["page"].object_list) == [inside[1]]
    entry = AccessLog.objects.get(action="list")
    assert number not in entry.subject and inside[1].id_number_masked in entry.subject


def test_outside_teacher_detail_is_not_found(county_setup, client):
    _tree, _inside, outside, _admin = county_setup
    assert client.get(reverse("lms:teacher_detail", args=[outside.pk])).status_code == 404
    assert not AccessLog.objects.filter(action="view").exists()


def test_reveal_without_reason_is_refused_with_reason_shows_and_logs(county_setup, client):
    _tree, inside, _outside, _admin = county_setup
    url = reverse("lms:teacher_reveal", args=[inside[0].pk])
    number = decrypt_text(inside[0].id_number_encrypted)
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and number not in refused.content.decode()
    assert not AccessLog.objects.filter(action="reveal").exists()
    shown = client.post(url, {"reason": "职称评审材料核对"})
    assert number in shown.content.decode()
    assert "no-cache" in shown["Cache-Control"] or "no-store" in shown["Cache-Control"]
    assert AccessLog.objects.get(action="reveal").reason == "职称评审材料核对"


def test_export_needs_a_reason_and_contains_only_the_scope_masked(county_setup, client):
    _tree, inside, outside, _admin = county_setup
    assert client.get(reverse("lms:teacher_export")).status_code == 400
    response = client.get(reverse("lms:teacher_export"), {"reason": "年度统计上报"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "姓名"
    assert sorted(r[0] for r in rows[1:]) == sorted(t.real_name for t in inside)
    assert all("*" in r[1] for r in rows[1:])
    assert AccessLog.objects.get(action="export").object_count == 3


def test_teacher_and_editor_are_refused_the_admin_pages(tree, client):
    teacher = make_teacher(school=tree.school_a1_1)
    editor = make_user("editor", role=Role.INSTITUTION_EDITOR, organisation=tree.institution)
    for user in (teacher.user, editor):
        client.force_login(user)
        for name in ("lms:teacher_list", "lms:teacher_export", "lms:audit_access", "lms:audit_admin"):
            assert client.get(reverse(name)).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("lms:teacher_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_province_admin_browses_and_filters_both_logs(county_setup, client):
    tree, inside, _outside, _county_admin = county_setup
    client.get(reverse("lms:teacher_detail", args=[inside[0].pk]))
    province = make_user("province", role=Role.PROVINCE_ADMIN, organisation=tree.province)
    client.force_login(province)
    response = client.get(reverse("lms:audit_access"), {"who": "county_a1", "action": "view"})
    entries = list(response.context["page"].object_list)
    assert [(e.actor_username, e.action) for e in entries] == [("county_a1", "view")]
    admin_log = client.get(reverse("lms:audit_admin"), {"action": "lms.role_grant"})
    assert admin_log.status_code == 200
    assert admin_log.context["page"].paginator.count >= 2  # the county and province grants
    county_only = client.get(reverse("lms:audit_access"), {"who": "nobody-such"})
    assert county_only.context["page"].paginator.count == 0


def test_wagtail_admin_opens_for_administrators_not_for_teachers(tree, client):
    admin = make_user("county_admin_w", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    client.force_login(make_teacher(school=tree.school_a1_1).user)
    assert client.get("/admin/").status_code == 302  # sent to the Wagtail login


def test_workspace_lists_what_each_role_may_open(tree, client):
    admin = make_user("county_ws", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(admin)
    body = client.get(reverse("lms:home")).content.decode()
    assert reverse("lms:teacher_list") in body and reverse("courses:hours_manage") in body
    assert reverse("courses:my_hours") not in body
    client.force_login(make_teacher(school=tree.school_a1_1).user)
    body = client.get(reverse("lms:home")).content.decode()
    assert reverse("courses:my_hours") in body
    assert reverse("lms:teacher_list") not in body and reverse("courses:hours_manage") not in body
