"""manage.py seed_demo: the demo province, its accounts and grants, idempotence, jurisdiction."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from assessments.models import ActivityStatus, H5PActivity, H5PLibrary, H5PPackage, LibraryStatus
from courses.models import Enrolment, LessonPage, LessonProgress
from lms.crypto import decrypt_text
from lms.idcard import parse_id_number
from lms.models import Organisation, OrganisationKind, Role, RoleGrant, Teacher, TeacherPosting
from lms.selectors import organisation_subtree, teachers_visible_to
from lms.services import role_grant
from lms.synthetic.demo import DEMO_PASSWORD, TEACHER_COUNT
from lms.teacher_checks import check_qualification_number, check_real_name, check_title_date

pytestmark = pytest.mark.django_db

EXPECTED_GRANTS = {
    "province_admin": (Role.PROVINCE_ADMIN, "990000"),
    "city_admin": (Role.CITY_ADMIN, "990100"),
    "county_admin": (Role.COUNTY_ADMIN, "990101"),
    "school_admin": (Role.SCHOOL_ADMIN, "9901010001"),
    "editor": (Role.INSTITUTION_EDITOR, "JG990000"),
    "reviewer": (Role.REVIEWER, "990000"),
    "personnel": (Role.PERSONNEL_OFFICER, "990100"),
}


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_accounts_have_the_right_grants_and_the_demo_password() -> None:
    output = seed()
    users = get_user_model().objects
    for username, (role, code) in EXPECTED_GRANTS.items():
        user = users.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        grants = RoleGrant.objects.filter(user=user, revoked_at__isnull=True)
        assert [(g.role, g.organisation.code) for g in grants] == [(role, code)]
        assert username in output
    admin = users.get(username="admin")
    assert admin.is_superuser and admin.check_password(DEMO_PASSWORD)
    teacher_user = users.get(username="teacher")
    assert teacher_user.check_password(DEMO_PASSWORD)
    assert teacher_user.teacher_profile.school.code == "9901010001"


def test_tree_and_teachers_are_plausible() -> None:
    seed()
    province = Organisation.objects.get(code="990000")
    kinds = list(organisation_subtree(organisation=province).values_list("kind", flat=True))
    assert kinds.count(OrganisationKind.CITY) == 3
    assert kinds.count(OrganisationKind.COUNTY) == 6
    assert kinds.count(OrganisationKind.INSTITUTION) == 2
    assert all(len(code) == 10 for code in Organisation.objects.filter(kind="school").values_list("code", flat=True))
    assert Organisation.find_problems() == ([], [], [], [], [])
    teachers = list(Teacher.objects.select_related("school"))
    assert len(teachers) == TEACHER_COUNT
    assert TeacherPosting.objects.filter(ended_on__isnull=True).count() == TEACHER_COUNT
    for teacher in teachers:
        parsed = parse_id_number(decrypt_text(teacher.id_number_encrypted))
        assert parsed.area_code == teacher.school.code[:6]
        assert dt.date(1965, 1, 1) <= parsed.birth_date <= dt.date(2000, 12, 31)
        assert (parsed.birth_date, parsed.gender) == (teacher.birth_date, teacher.gender)
        check_real_name(teacher.real_name)
        check_title_date(conferred_on=teacher.title_conferred_on, birth_date=teacher.birth_date)
        assert check_qualification_number(teacher.qualification_number) == teacher.qualification_number
    assert len({t.stage for t in teachers}) >= 4
    assert len({t.subject for t in teachers}) >= 8
    assert len({t.title for t in teachers}) >= 4
    assert 0 < sum(1 for t in teachers if t.qualification_number) < TEACHER_COUNT


def _snapshot() -> dict[str, object]:
    users = get_user_model().objects
    return {
        "organisations": list(Organisation.objects.order_by("path").values_list("path", "numchild", "code", "name")),
        "teachers": list(Teacher.objects.order_by("id").values_list("id", "id_number_hash", "real_name", "school_id")),
        "postings": TeacherPosting.objects.count(),
        "users": list(users.order_by("id").values_list("id", "username", "password", "is_superuser")),
        "grants": list(RoleGrant.objects.order_by("id").values_list("id", "user_id", "role", "organisation_id")),
        "h5p_activities": list(H5PActivity.objects.order_by("id").values_list("id", "title", "status", "package_id")),
        "h5p_packages": H5PPackage.objects.count(),
        "h5p_libraries": list(H5PLibrary.objects.order_by("id").values_list("id", "status")),
        "lessons": LessonPage.objects.count(),
    }


def test_running_twice_changes_nothing() -> None:
    seed()
    before = _snapshot()
    output = seed()
    assert _snapshot() == before
    assert "0 organisations, 0 teachers, 0 accounts created" in output


def test_the_demo_has_three_ready_h5p_activities_in_a_graded_lesson_and_one_library_to_approve() -> None:
    seed()
    activities = H5PActivity.objects.filter(institution__code="JG990000")
    ready = activities.filter(status=ActivityStatus.READY)
    assert ready.count() == 3 and activities.filter(status=ActivityStatus.HELD).count() == 1
    assert sorted(activity.package.main_library for activity in ready) == ["H5P.Blanks", "H5P.MultiChoice", "H5P.TrueFalse"]
    assert [library.label for library in H5PLibrary.objects.filter(status=LibraryStatus.PENDING)] == ["H5P.TrueFalse 1.8.1"]
    assert all(library.decided_by.username == "province_admin"
               for library in H5PLibrary.objects.filter(status=LibraryStatus.APPROVED))
    lesson = LessonPage.objects.live().get(title="互动练习")
    blocks = [block.value for block in lesson.body if block.block_type == "h5p"]
    assert {value["activity"].pk for value in blocks} == set(ready.values_list("pk", flat=True))
    assert lesson.graded and all(value["required_to_pass"] for value in blocks)
    course = lesson.get_parent().get_parent().specific
    assert course.code == "SF2026-001"
    # the demo teacher is enrolled in that course and has the exercises still to do
    assert Enrolment.objects.filter(course=course, teacher__user__username="teacher").exists()
    assert not LessonProgress.objects.filter(lesson=lesson, enrolment__teacher__user__username="teacher").exists()


def test_county_admin_sees_only_their_countys_teachers() -> None:
    seed()
    county = Organisation.objects.get(code="990101")
    visible = teachers_visible_to(get_user_model().objects.get(username="county_admin"))
    in_county = Teacher.objects.filter(school__path__startswith=county.path)
    assert 0 < in_county.count() < TEACHER_COUNT
    assert set(visible.values_list("id", flat=True)) == set(in_county.values_list("id", flat=True))
    school_admin = get_user_model().objects.get(username="school_admin")
    assert set(teachers_visible_to(school_admin).values_list("school__code", flat=True)) == {"9901010001"}
    demo_teacher = get_user_model().objects.get(username="teacher")
    assert list(teachers_visible_to(demo_teacher)) == [demo_teacher.teacher_profile]


def test_an_administrator_who_teaches_elsewhere_also_sees_their_own_record() -> None:
    seed()
    outsider = Teacher.objects.filter(school__code__startswith="990102").order_by("id").first()
    assert outsider is not None
    county = Organisation.objects.get(code="990101")
    role_grant(user=outsider.user, role=Role.COUNTY_ADMIN, organisation=county)
    visible = set(teachers_visible_to(outsider.user).values_list("id", flat=True))
    in_county = set(Teacher.objects.filter(school__path__startswith=county.path).values_list("id", flat=True))
    assert visible == in_county | {outsider.pk}
