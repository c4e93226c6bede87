"""manage.py generate_province on a small province: counts, a sound tree, scoping, ID numbers, refusal."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from lms.crypto import decrypt_text
from lms.idcard import parse_id_number
from lms.identity import id_number_hash
from lms.models import Organisation, OrganisationKind, Role, Teacher, TeacherPosting
from lms.selectors import organisation_subtree, teacher_search, teachers_visible_to
from lms.services import role_grant
from lms.synthetic.people import generated_id_number
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TEACHERS = 500
SCHOOLS = 20


@pytest.fixture
def province() -> Organisation:
    call_command("generate_province", teachers=TEACHERS, schools=SCHOOLS, seed=7, stdout=StringIO())
    return Organisation.objects.get(code="980000")


def test_counts(province: Organisation) -> None:
    subtree = organisation_subtree(organisation=province)
    assert subtree.filter(kind=OrganisationKind.SCHOOL).count() == SCHOOLS
    assert subtree.filter(kind=OrganisationKind.CITY).count() == 12
    assert Teacher.objects.count() == TEACHERS
    assert TeacherPosting.objects.filter(ended_on__isnull=True).count() == TEACHERS
    assert get_user_model().objects.filter(teacher_profile__isnull=False).count() == TEACHERS
    assert not any(u.has_usable_password() for u in get_user_model().objects.all())
    # Sequences moved past the explicit ids: the ORM can add rows afterwards.
    assert make_user("after_generation").pk > max(Teacher.objects.values_list("user_id", flat=True))


def test_tree_is_sound(province: Organisation) -> None:
    assert Organisation.find_problems() == ([], [], [], [], [])
    for node in Organisation.objects.all():
        assert node.get_children_count() == node.numchild
    schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL)
    assert all(s.get_parent().kind == OrganisationKind.COUNTY for s in schools)
    assert all(s.code.startswith(s.get_parent().code) and len(s.code) == 10 for s in schools)


def test_county_admin_sees_exactly_their_schools_teachers(province: Organisation) -> None:
    county = Organisation.objects.filter(kind=OrganisationKind.COUNTY).order_by("path")[1]
    admin = make_user("county_bench", role=Role.COUNTY_ADMIN, organisation=county)
    school_ids = set(organisation_subtree(organisation=county).filter(kind="school").values_list("id", flat=True))
    expected = set(Teacher.objects.filter(school_id__in=school_ids).values_list("id", flat=True))
    assert 0 < len(expected) < TEACHERS
    assert set(teachers_visible_to(admin).values_list("id", flat=True)) == expected


def test_id_numbers_decrypt_parse_and_are_reproducible(province: Organisation) -> None:
    teachers = list(Teacher.objects.select_related("school").order_by("id"))
    numbers = [decrypt_text(t.id_number_encrypted) for t in teachers]
    assert len(set(numbers)) == TEACHERS
    for index, (teacher, number) in enumerate(zip(teachers, numbers, strict=True)):
        parsed = parse_id_number(number)
        assert parsed.area_code == teacher.school.code[:6]
        assert (parsed.birth_date, parsed.gender) == (teacher.birth_date, teacher.gender)
        assert teacher.id_number_hash == id_number_hash(number)
        assert number == generated_id_number(index, parsed.area_code)
    admin = make_user("province_bench", role=Role.PROVINCE_ADMIN, organisation=province)
    assert list(teacher_search(user=admin, query=numbers[123])) == [teachers[123]]


def test_a_second_run_is_refused(province: Organisation) -> None:
    with pytest.raises(CommandError, match="already holds 500 teachers"):
        call_command("generate_province", teachers=10, stdout=StringIO())
    assert Teacher.objects.count() == TEACHERS


def test_runs_beside_an_existing_tree(tree) -> None:
    """Another province already at the root: the new one goes after it and the tree stays sound."""
    call_command("generate_province", teachers=50, schools=10, stdout=StringIO())
    assert Organisation.get_root_nodes().count() == 2
    assert Organisation.find_problems() == ([], [], [], [], [])
    role_grant(user=make_user("x"), role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    assert not teachers_visible_to(get_user_model().objects.get(username="x")).exists()
