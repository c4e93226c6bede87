"""Issuing and revoking HR-system API keys: who may, for which jurisdiction, the key shown once, the
service account that can never sign in, and a revoked key refused at once."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from certification.hr_api.keys import api_client_revoke
from certification.models import ApiClient
from lms.models import AccessLog, Role, RoleGrant
from tests.certification.hr_api_world import _own_cache, api_get, api_world, issue_key, last_api_log  # noqa: F401
from tests.factories import PASSWORD, make_teacher, make_user

pytestmark = pytest.mark.django_db

LIST = reverse("certification:api_client_list")
ISSUE = reverse("certification:api_client_issue")


def issue_form(organisation_id: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "甲一县人事系统", "contact": "人事科 张三", "organisation": organisation_id,
        "scopes": ["teachers:read", "certificates:read"], "rate_per_minute": 60,
    }
    data.update(overrides)
    return data


def test_county_admin_issues_a_key_shown_once_that_works(client, tree):
    world = api_world(tree)
    client.force_login(world.a1_admin)
    form_page = client.get(ISSUE)
    assert form_page.status_code == 200
    choices = form_page.context["form"].fields["organisation"].queryset
    assert list(choices) == [tree.county_a1]  # only the region the admin administers

    page = client.post(ISSUE, issue_form(tree.county_a1.pk))
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    key = page.context["key"]
    assert key in page.content.decode()
    assert "只显示一次" in page.content.decode()  # the warning, in Chinese by default

    stored = ApiClient.objects.get()
    assert stored.key_prefix == key.split(".")[0]
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiClient.objects.values().get())  # never the key itself
    assert stored.scopes == ["teachers:read", "certificates:read"] and stored.rate_per_minute == 60
    assert stored.organisation == tree.county_a1 and stored.created_by == world.a1_admin

    detail = client.get(reverse("certification:api_client_detail", args=[stored.pk]))
    assert detail.status_code == 200 and key not in detail.content.decode()  # never shown again

    me = api_get(client, key, "/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["jurisdiction"] == {"code": "990101", "name": "甲一县"}


def test_service_account_is_a_read_only_officer_that_can_never_sign_in(client, rf, tree):
    world = api_world(tree)
    api_client, _key = issue_key(actor=world.a1_admin, organisation=tree.county_a1)
    account = api_client.service_user
    assert account.username == f"api-{api_client.key_prefix}"
    assert not account.is_active and not account.has_usable_password()
    grants = RoleGrant.objects.filter(user=account, revoked_at__isnull=True)
    assert [(g.role, g.organisation_id) for g in grants] == [(Role.PERSONNEL_OFFICER, tree.county_a1.pk)]
    # Even with a password set by someone, the inactive account is refused by the login page.
    account.set_password(PASSWORD)
    account.save()
    assert authenticate(request=rf.post("/"), username=account.username, password=PASSWORD) is None
    response = client.post(reverse("lms:login"), {"username": account.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 403)
    assert client.get(reverse("lms:home")).status_code == 302  # still signed out


def test_county_admin_cannot_issue_for_another_county_and_nothing_is_created(client, tree):
    world = api_world(tree)
    client.force_login(world.a1_admin)
    response = client.post(ISSUE, issue_form(tree.county_a2.pk))
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert not ApiClient.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="api-").exists()
    with pytest.raises(PermissionDenied):
        issue_key(actor=world.a1_admin, organisation=tree.county_b1)


@pytest.mark.parametrize("bad", [
    {"scopes": []}, {"scopes": ["admin:write"]}, {"rate_per_minute": 0}, {"rate_per_minute": "many"}, {"name": "  "},
])
def test_bad_issue_form_is_refused_with_a_message_and_changes_nothing(client, tree, bad):
    world = api_world(tree)
    client.force_login(world.a1_admin)
    response = client.post(ISSUE, issue_form(tree.county_a1.pk, **bad))
    assert response.status_code == 400
    assert set(bad) <= set(response.context["form"].errors)
    assert not ApiClient.objects.exists()


def test_city_and_province_admins_issue_inside_their_subtree(client, tree):
    city_admin = make_user("city-a-admin", role=Role.CITY_ADMIN, organisation=tree.city_a)
    client.force_login(city_admin)
    choices = set(client.get(ISSUE).context["form"].fields["organisation"].queryset)
    assert choices == {tree.city_a, tree.county_a1, tree.county_a2}
    assert client.post(ISSUE, issue_form(tree.county_a2.pk)).status_code == 200
    assert client.post(ISSUE, issue_form(tree.county_b1.pk)).status_code == 400
    province_admin = make_user("province-admin", role=Role.PROVINCE_ADMIN, organisation=tree.province)
    client.force_login(province_admin)
    assert client.post(ISSUE, issue_form(tree.province.pk)).status_code == 200
    assert client.post(ISSUE, issue_form(tree.school_b1_1.pk)).status_code == 400  # a school is no jurisdiction
    assert ApiClient.objects.count() == 2


@pytest.mark.parametrize("role,where", [
    (None, None), (Role.SCHOOL_ADMIN, "school_a1_1"), (Role.PERSONNEL_OFFICER, "county_a1"),
    (Role.INSTITUTION_EDITOR, "institution"), (Role.REVIEWER, "county_a1"),
])
def test_only_bureau_administrators_manage_keys(client, tree, role, where):
    user = make_user("someone", role=role, organisation=getattr(tree, where) if where else None)
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.get(ISSUE).status_code == 403
    assert client.post(ISSUE, issue_form(tree.county_a1.pk)).status_code == 403
    assert not ApiClient.objects.exists()


def test_teachers_and_anonymous_visitors_get_no_key_pages(client, tree):
    teacher = make_teacher(school=tree.school_a1_1, real_name="王老师")
    client.force_login(teacher.user)
    assert client.get(LIST).status_code == 403
    client.logout()
    response = client.get(LIST)
    assert response.status_code == 302 and reverse("lms:login") in response["Location"]


def test_another_bureaus_client_is_not_found(client, tree):
    world = api_world(tree)
    api_client, _key = issue_key(actor=world.a1_admin, organisation=tree.county_a1)
    detail = reverse("certification:api_client_detail", args=[api_client.pk])
    revoke = reverse("certification:api_client_revoke", args=[api_client.pk])
    a2_admin = make_user("a2-admin", role=Role.COUNTY_ADMIN, organisation=tree.county_a2)
    city_b_admin = make_user("city-b-admin", role=Role.CITY_ADMIN, organisation=tree.city_b)
    for outsider in (a2_admin, city_b_admin):
        client.force_login(outsider)
        assert client.get(detail).status_code == 404
        assert client.post(revoke, {"reason": "试试"}).status_code == 404
        assert api_client.pk not in [c.pk for c, _s in client.get(LIST).context["rows"]]
    assert ApiClient.objects.get().revoked_at is None
    city_a_admin = make_user("city-a-admin", role=Role.CITY_ADMIN, organisation=tree.city_a)
    client.force_login(city_a_admin)  # the city above the county sees and manages it
    assert client.get(detail).status_code == 200


def test_list_shows_jurisdiction_scopes_state_and_last_use(client, tree):
    world = api_world(tree)
    used, key = issue_key(actor=world.a1_admin, organisation=tree.county_a1, scopes=["teachers:read"], name="在用系统")
    revoked, _k = issue_key(actor=world.a1_admin, organisation=tree.county_a1, name="停用系统")
    api_client_revoke(actor=world.a1_admin, client=revoked, reason="系统下线")
    assert api_get(client, key, "/api/v1/me/").status_code == 200
    client.force_login(world.a1_admin)
    page = client.get(LIST).content.decode()
    for text in ("在用系统", "停用系统", "甲一县", "教师查询", "已撤销", "使用中"):
        assert text in page, text
    used.refresh_from_db()
    assert used.last_used_at is not None


def test_revoke_needs_a_reason_then_the_key_is_refused_at_once(client, tree):
    world = api_world(tree)
    api_client, key = issue_key(actor=world.a1_admin, organisation=tree.county_a1, name="旧系统")
    assert api_get(client, key, "/api/v1/me/").status_code == 200
    client.force_login(world.a1_admin)
    revoke = reverse("certification:api_client_revoke", args=[api_client.pk])
    assert client.post(revoke, {"reason": "  "}).status_code == 400
    api_client.refresh_from_db()
    assert api_client.revoked_at is None
    assert client.get(revoke).status_code == 405  # a change is a POST

    response = client.post(revoke, {"reason": "合同到期"})
    assert response.status_code == 302
    api_client.refresh_from_db()
    assert api_client.revoked_at is not None and api_client.revoked_by == world.a1_admin
    assert api_client.revoke_reason == "合同到期"
    assert not RoleGrant.objects.filter(user=api_client.service_user, revoked_at__isnull=True).exists()
    detail = client.get(reverse("certification:api_client_detail", args=[api_client.pk])).content.decode()
    assert "合同到期" in detail and 'data-state="revoked"' in detail

    client.logout()
    refused = api_get(client, key, "/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "key_revoked"
    entry = last_api_log()
    assert entry.actor_id is None and entry.actor_username == "API: 旧系统 (revoked)" and entry.status_code == 401
    assert AccessLog.objects.filter(channel="api", status_code=200).count() == 1
