"""Roles granted at a node reach its subtree; one selector decides whose records a user sees."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from lms.models import Organisation, Role
from lms.selectors import (
    organisation_subtree,
    schools_in_jurisdiction,
    teacher_search,
    teachers_visible_to,
    user_can_manage_roster,
    user_is_read_only,
)
from lms.services import organisation_create, role_grant, role_revoke
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(tree):
    teachers = {
        "a1_1": make_teacher(school=tree.school_a1_1, real_name="李明"),
        "a1_2": make_teacher(school=tree.school_a1_2, real_name="王芳"),
        "a2_1": make_teacher(school=tree.school_a2_1, real_name="赵强"),
        "b1_1": make_teacher(school=tree.school_b1_1, real_name="陈静"),
    }
    return tree, teachers


def _names(queryset) -> set[str]:
    return set(queryset.values_list("real_name", flat=True))


def test_subtree_of_a_city_holds_its_counties_and_schools(tree):
    codes = set(organisation_subtree(organisation=tree.city_a).values_list("code", flat=True))
    assert codes == {"990100", "990101", "990102", "9901010001", "9901010002", "9901020001"}


@pytest.mark.parametrize(
    ("role", "node", "expected"),
    [
        (Role.PROVINCE_ADMIN, "province", {"李明", "王芳", "赵强", "陈静"}),
        (Role.CITY_ADMIN, "city_a", {"李明", "王芳", "赵强"}),
        (Role.COUNTY_ADMIN, "county_a1", {"李明", "王芳"}),
        (Role.SCHOOL_ADMIN, "school_a1_2", {"王芳"}),
        (Role.PERSONNEL_OFFICER, "city_b", {"陈静"}),
    ],
)
def test_grant_reaches_the_subtree_only(staffed, role, node, expected):
    tree, _ = staffed
    user = make_user(f"u_{role}", role=role, organisation=getattr(tree, node))
    assert _names(teachers_visible_to(user)) == expected


def test_two_grants_see_the_union(staffed):
    tree, _ = staffed
    user = make_user("two_hats", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1)
    role_grant(user=user, role=Role.COUNTY_ADMIN, organisation=tree.county_b1)
    assert _names(teachers_visible_to(user)) == {"李明", "陈静"}


def test_teacher_sees_only_themselves_and_anonymous_nothing(staffed):
    _, teachers = staffed
    me = teachers["a1_1"]
    assert list(teachers_visible_to(me.user)) == [me]
    assert not teachers_visible_to(AnonymousUser()).exists()


def test_editor_and_reviewer_roles_see_no_teacher_records(staffed):
    tree, _ = staffed
    editor = make_user("editor", role=Role.INSTITUTION_EDITOR, organisation=tree.institution)
    assert not teachers_visible_to(editor).exists()


def test_revoked_grant_no_longer_reaches(staffed):
    tree, _ = staffed
    user = make_user("leaver", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    role_revoke(grant=user.role_grants.get())
    assert not teachers_visible_to(user).exists()


def test_inactive_organisation_grant_does_not_reach(staffed):
    tree, _ = staffed
    user = make_user("closed", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    Organisation.objects.filter(pk=tree.county_a1.pk).update(is_active=False)
    assert not teachers_visible_to(user).exists()


def test_search_by_id_number_finds_exactly_one_within_scope(staffed):
    tree, teachers = staffed
    from lms.crypto import decrypt_text

    target = teachers["a1_2"]
    number = decrypt_text(target.id_number_encrypted)
    county = make_user("c", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    other = make_user("o", role=Role.COUNTY_ADMIN, organisation=tree.county_b1)
    assert list(teacher_search(user=county, query=number.lower())) == [target]
    assert not teacher_search(user=other, query=number).exists()
    assert _names(teacher_search(user=county, query="李")) == {"李明"}


def test_roles_must_match_the_kind_of_node(tree):
    user = make_user("misplaced")
    with pytest.raises(ValidationError):
        role_grant(user=user, role=Role.COUNTY_ADMIN, organisation=tree.school_a1_1)
    with pytest.raises(ValidationError):
        role_grant(user=user, role=Role.TEACHER, organisation=tree.county_a1)
    assert not user.role_grants.exists()


def test_granting_twice_gives_one_grant_and_admin_access(tree):
    user = make_user("twice")
    first = role_grant(user=user, role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    second = role_grant(user=user, role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    assert first.pk == second.pk
    assert user.has_perm("wagtailadmin.access_admin")


def test_personnel_officer_is_read_only_and_cannot_import(tree):
    officer = make_user("hr", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a)
    assert user_is_read_only(user=officer)
    assert not user_can_manage_roster(user=officer)
    assert not schools_in_jurisdiction(user=officer).exists()


def test_tree_shape_and_codes_are_checked(tree):
    with pytest.raises(ValidationError):
        organisation_create(parent=tree.school_a1_1, kind="school", code="9901010009", name="校中校")
    with pytest.raises(ValidationError):
        organisation_create(parent=tree.province, kind="city", code="99030", name="短码市")
    with pytest.raises(ValidationError):
        organisation_create(parent=tree.county_a1, kind="school", code="9901010001", name="重复代码")
    assert Organisation.objects.count() == 11


def test_batch_look_up_by_id_number_stays_in_scope(staffed):
    from lms.crypto import decrypt_text
    from lms.selectors import teacher_ids_by_id_number

    tree, teachers = staffed
    county = make_user("batch", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    numbers = {key: decrypt_text(t.id_number_encrypted) for key, t in teachers.items()}
    found = teacher_ids_by_id_number(user=county, id_numbers=[n.lower() for n in numbers.values()])
    assert found == {numbers["a1_1"]: teachers["a1_1"].pk, numbers["a1_2"]: teachers["a1_2"].pk}
