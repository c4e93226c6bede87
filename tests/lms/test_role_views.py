"""Administrators grant and revoke roles below their own, inside their jurisdiction; nothing else changes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lms.crypto import decrypt_text
from lms.models import Role, RoleGrant
from lms.selectors import teachers_visible_to
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin(tree, client):
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    client.force_login(admin)
    return admin


def _grant(client, person: str, role: str, code: str):
    return client.post(reverse("lms:role_list"), {"person": person, "role": role, "organisation_code": code})


def test_county_admin_appoints_a_teacher_school_admin_by_id_number(tree, client, county_admin):
    teacher = make_teacher(school=tree.school_a1_2, real_name="周校长")
    response = _grant(client, decrypt_text(teacher.id_number_encrypted), Role.SCHOOL_ADMIN, "9901010002")
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=teacher.user, role=Role.SCHOOL_ADMIN)
    assert grant.granted_by == county_admin
    assert set(teachers_visible_to(teacher.user)) == {teacher}
    listing = client.get(reverse("lms:role_list")).content.decode()
    assert "周校长" not in listing and "9901010002" in listing


@pytest.mark.parametrize(
    ("role", "code", "message"),
    [
        (Role.SCHOOL_ADMIN, "9902010001", "管辖范围"),  # a school in another county
        (Role.COUNTY_ADMIN, "990101", "管辖范围"),  # not below their own rank
        (Role.SCHOOL_ADMIN, "990101", "不能授予"),  # wrong kind of node for the role
        (Role.SCHOOL_ADMIN, "0000000000", "没有使用此代码"),  # unknown organisation
    ],
)
def test_refused_grants_say_why_and_write_nothing(tree, client, county_admin, role, code, message):
    make_user("candidate")
    before = RoleGrant.objects.count()
    response = _grant(client, "candidate", role, code)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert RoleGrant.objects.count() == before


def test_unknown_account_is_reported(tree, client, county_admin):
    response = _grant(client, "nobody-here", Role.SCHOOL_ADMIN, "9901010001")
    assert response.status_code == 400 and "没有该账号" in response.content.decode()


def test_revoke_inside_jurisdiction_only(tree, client, county_admin):
    inside = RoleGrant.objects.create(
        user=make_user("s1"), role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1
    )
    outside = RoleGrant.objects.create(
        user=make_user("s2"), role=Role.SCHOOL_ADMIN, organisation=tree.school_b1_1
    )
    client.post(reverse("lms:role_revoke", args=[inside.pk]))
    assert client.post(reverse("lms:role_revoke", args=[outside.pk])).status_code == 404
    inside.refresh_from_db()
    outside.refresh_from_db()
    assert inside.revoked_at is not None and outside.revoked_at is None


def test_personnel_officer_and_teacher_cannot_manage_roles(tree, client):
    for user in (
        make_user("hr", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a),
        make_teacher(school=tree.school_a1_1).user,
    ):
        client.force_login(user)
        assert client.get(reverse("lms:role_list")).status_code == 403
