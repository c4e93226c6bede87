"""Cohorts (培训班): administrators enrol teachers or a whole school (整校推进) inside their jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Cohort, CoursePage, Enrolment, EnrolmentStatus, LessonPage, LessonProgress, ProgressStatus
from courses.selectors import (
    cohort_members,
    cohort_status_counts,
    cohorts_visible_to,
    course_seats_left,
)
from courses.services import (
    cohort_create,
    cohort_enrol_school,
    cohort_enrol_teachers,
    cohort_remove_teacher,
    cohort_tutors_set,
    enrolment_self,
    enrolment_withdraw,
)
from lms.vocab import EmploymentStatus
from tests.courses.catalog_factories import make_course
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin(tree):
    return make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


@pytest.fixture
def course(tree):
    return make_course(institution=tree.institution, title="整校推进：技术支持的课堂讲授", seats=1)


@pytest.fixture
def school_teachers(tree):
    return [make_teacher(school=tree.school_a1_1, real_name=name) for name in ("赵老师", "钱老师", "孙老师")]


@pytest.fixture
def cohort(tree, county_admin, course):
    return cohort_create(
        actor=county_admin, course=course, organisation=tree.county_a1, name="甲一县2025年信息技术能力提升培训班",
        starts_on=dt.date(2025, 3, 1), ends_on=dt.date(2025, 6, 30),
    )


def cohort_enrolments(cohort):
    return Enrolment.objects.filter(cohort=cohort)


def test_a_county_admin_opens_a_cohort_with_a_tutor(tree, county_admin, course):
    reviewer = make_user("tutor_a1", role=Role.REVIEWER, organisation=tree.county_a1)
    cohort = cohort_create(
        actor=county_admin, course=course, organisation=tree.county_a1, name="甲一县培训班", tutors=[reviewer]
    )
    assert (cohort.course_id, cohort.organisation, cohort.created_by) == (course.pk, tree.county_a1, county_admin)
    assert list(cohort.tutors.all()) == [reviewer]


def test_a_cohort_outside_the_jurisdiction_is_refused(tree, county_admin, course):
    with pytest.raises(PermissionDenied):
        cohort_create(actor=county_admin, course=course, organisation=tree.county_b1, name="乙一县培训班")
    assert not Cohort.objects.exists()


def test_a_cohort_for_an_unapproved_course_is_refused(tree, county_admin):
    draft = make_course(institution=tree.institution, publish=False)
    with pytest.raises(ValidationError, match="课程尚未通过审核"):
        cohort_create(actor=county_admin, course=draft, organisation=tree.county_a1, name="草稿课程培训班")
    assert not Cohort.objects.exists()


def test_a_personnel_officer_cannot_open_a_cohort(tree, course):
    officer = make_user("personnel", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a)
    with pytest.raises(PermissionDenied):
        cohort_create(actor=officer, course=course, organisation=tree.county_a1, name="人事干部的培训班")
    assert not Cohort.objects.exists()


def test_a_tutor_from_another_county_is_refused(tree, county_admin, course):
    outsider = make_user("tutor_b1", role=Role.REVIEWER, organisation=tree.county_b1)
    with pytest.raises(ValidationError, match="辅导教师须为您管辖范围内的评审专家或管理员：tutor_b1"):
        cohort_create(
            actor=county_admin, course=course, organisation=tree.county_a1, name="甲一县培训班", tutors=[outsider]
        )
    assert not Cohort.objects.exists()


def test_a_plain_teacher_cannot_be_a_tutor(tree, county_admin, cohort, school_teachers):
    with pytest.raises(ValidationError, match="辅导教师须为"):
        cohort_tutors_set(actor=county_admin, cohort=cohort, tutors=[school_teachers[0].user])
    assert not cohort.tutors.exists()


def test_tutors_are_set_and_replaced(tree, county_admin, cohort):
    first = make_user("tutor_1", role=Role.REVIEWER, organisation=tree.school_a1_1)
    second = make_user("school_admin", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_2)
    cohort_tutors_set(actor=county_admin, cohort=cohort, tutors=[first])
    cohort_tutors_set(actor=county_admin, cohort=cohort, tutors=[second])
    assert list(cohort.tutors.all()) == [second]


def test_a_whole_school_is_enrolled_one_row_per_teacher_in_post(tree, county_admin, cohort, school_teachers):
    make_teacher(school=tree.school_a1_1, real_name="退休老师", employment_status=EmploymentStatus.RETIRED)
    make_teacher(school=tree.school_a1_2, real_name="邻校老师")
    result = cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    assert (result.enrolled, result.reactivated, result.already_enrolled) == (3, 0, 0)
    assert set(cohort_enrolments(cohort).values_list("teacher_id", flat=True)) == {t.pk for t in school_teachers}
    assert set(cohort_enrolments(cohort).values_list("status", "enrolled_by")) == {(EnrolmentStatus.ACTIVE, county_admin.pk)}


def test_cohort_members_take_no_seats_and_ignore_the_window(tree, county_admin, school_teachers):
    closed = make_course(
        institution=tree.institution, seats=1,
        enrol_opens_at=timezone.now() - dt.timedelta(days=30), enrol_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    cohort = cohort_create(actor=county_admin, course=closed, organisation=tree.school_a1_1, name="整校推进")
    assert cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1).enrolled == 3
    assert course_seats_left(course=closed) == 1


def test_enrolling_a_school_twice_skips_everyone_already_enrolled(tree, county_admin, cohort, school_teachers):
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    again = cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    assert (again.enrolled, again.reactivated, again.already_enrolled) == (0, 0, 3)
    assert cohort_enrolments(cohort).count() == 3


def test_a_self_enrolled_teacher_is_reported_and_left_alone(tree, county_admin, cohort, course, school_teachers):
    own = enrolment_self(user=school_teachers[0].user, course=course)
    result = cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    assert (result.enrolled, result.already_enrolled, result.already_names) == (2, 1, ["赵老师"])
    own.refresh_from_db()
    assert (own.cohort, own.enrolled_by) == (None, school_teachers[0].user)
    assert Enrolment.objects.filter(course=course).count() == 3


def test_a_withdrawn_teacher_is_reactivated_into_the_cohort(tree, county_admin, cohort, course, school_teachers):
    own = enrolment_self(user=school_teachers[0].user, course=course)
    enrolment_withdraw(user=school_teachers[0].user, course=course)
    result = cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    assert (result.enrolled, result.reactivated, result.already_enrolled) == (2, 1, 0)
    own.refresh_from_db()
    assert (own.status, own.cohort, own.withdrawn_at) == (EnrolmentStatus.ACTIVE, cohort, None)
    assert course_seats_left(course=course) == 1  # back in through the cohort: no seat taken


def test_enrolling_a_school_is_set_based(tree, county_admin, cohort, school_teachers):
    with CaptureQueriesContext(connection) as small:
        cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    for n in range(6):
        make_teacher(school=tree.school_a1_2, real_name=f"实验中学老师{'甲乙丙丁戊己'[n]}")
    with CaptureQueriesContext(connection) as large:
        cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_2)
    assert len(large.captured_queries) == len(small.captured_queries)


def test_chosen_teachers_are_enrolled(tree, county_admin, cohort, school_teachers):
    result = cohort_enrol_teachers(actor=county_admin, cohort=cohort, teachers=school_teachers[:2])
    assert result.enrolled == 2
    assert set(cohort_enrolments(cohort).values_list("teacher_id", flat=True)) == {t.pk for t in school_teachers[:2]}


def test_a_teacher_outside_the_jurisdiction_is_never_reached(tree, county_admin, cohort, school_teachers):
    outsider = make_teacher(school=tree.school_b1_1, real_name="乙县老师")
    with pytest.raises(ValidationError, match="1 名不是您管辖范围内"):
        cohort_enrol_teachers(actor=county_admin, cohort=cohort, teachers=[school_teachers[0], outsider])
    with pytest.raises(ValidationError, match="不属于本培训班的举办单位"):
        cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_b1_1)
    assert not Enrolment.objects.exists()


def test_a_school_cohort_reaches_only_its_own_school(tree, course, school_teachers):
    school_admin = make_user("school_a1_1", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1)
    cohort = cohort_create(actor=school_admin, course=course, organisation=tree.school_a1_1, name="校本培训班")
    neighbour = make_teacher(school=tree.school_a1_2, real_name="邻校老师")
    with pytest.raises(ValidationError):
        cohort_enrol_teachers(actor=school_admin, cohort=cohort, teachers=[neighbour])
    with pytest.raises(ValidationError):
        cohort_enrol_school(actor=school_admin, cohort=cohort, school=tree.school_a1_2)
    assert not Enrolment.objects.exists()


def test_another_countys_admin_cannot_touch_the_cohort(tree, cohort, school_teachers):
    other = make_user("county_b1", role=Role.COUNTY_ADMIN, organisation=tree.county_b1)
    with pytest.raises(PermissionDenied):
        cohort_enrol_school(actor=other, cohort=cohort, school=tree.school_a1_1)
    with pytest.raises(PermissionDenied):
        cohort_enrol_teachers(actor=other, cohort=cohort, teachers=school_teachers)
    with pytest.raises(PermissionDenied):
        cohort_tutors_set(actor=other, cohort=cohort, tutors=[])
    assert not Enrolment.objects.exists()


def test_an_unpublished_course_takes_no_more_cohort_members(tree, county_admin, cohort, course, school_teachers):
    CoursePage.objects.get(pk=course.pk).unpublish()
    with pytest.raises(ValidationError, match="课程尚未通过审核"):
        cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    assert not Enrolment.objects.exists()


def test_removing_a_member_withdraws_them(tree, county_admin, cohort, school_teachers):
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    member = cohort_enrolments(cohort).get(teacher=school_teachers[0])
    removed = cohort_remove_teacher(actor=county_admin, cohort=cohort, enrolment=member)
    assert (removed.status, removed.cohort) == (EnrolmentStatus.WITHDRAWN, cohort)
    assert removed.withdrawn_at is not None
    with pytest.raises(ValidationError, match="该教师已移出培训班"):
        cohort_remove_teacher(actor=county_admin, cohort=cohort, enrolment=member)


def test_a_completed_member_cannot_be_removed(tree, county_admin, cohort, school_teachers):
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    member = cohort_enrolments(cohort).get(teacher=school_teachers[0])
    Enrolment.objects.filter(pk=member.pk).update(status=EnrolmentStatus.COMPLETED)
    with pytest.raises(ValidationError, match="已完成的课程不能退选"):
        cohort_remove_teacher(actor=county_admin, cohort=cohort, enrolment=member)
    assert Enrolment.objects.get(pk=member.pk).status == EnrolmentStatus.COMPLETED


def test_a_teacher_cannot_leave_a_cohort_on_their_own(tree, county_admin, cohort, course, school_teachers):
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    with pytest.raises(ValidationError, match="请联系培训班管理员"):
        enrolment_withdraw(user=school_teachers[0].user, course=course)
    assert not cohort_enrolments(cohort).filter(status=EnrolmentStatus.WITHDRAWN).exists()


def test_cohorts_are_visible_inside_the_jurisdiction_and_to_their_tutors(tree, county_admin, cohort):
    other_county = make_user("county_b1", role=Role.COUNTY_ADMIN, organisation=tree.county_b1)
    officer = make_user("personnel", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a)
    tutor = make_user("tutor_a1", role=Role.REVIEWER, organisation=tree.school_a1_1)
    assert list(cohorts_visible_to(user=county_admin)) == [cohort]
    assert list(cohorts_visible_to(user=officer)) == [cohort]
    assert list(cohorts_visible_to(user=other_county)) == []
    assert list(cohorts_visible_to(user=tutor)) == []
    cohort_tutors_set(actor=county_admin, cohort=cohort, tutors=[tutor])
    assert list(cohorts_visible_to(user=tutor)) == [cohort]


def test_members_show_status_and_lessons_done(tree, county_admin, cohort, course, school_teachers):
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    first = cohort_enrolments(cohort).get(teacher=school_teachers[0])
    lessons = list(LessonPage.objects.descendant_of(course))
    for lesson in lessons:
        LessonProgress.objects.create(enrolment=first, lesson=lesson, status=ProgressStatus.DONE)
    cohort_remove_teacher(actor=county_admin, cohort=cohort, enrolment=cohort_enrolments(cohort).get(teacher=school_teachers[1]))
    members = {m.teacher.real_name: m for m in cohort_members(user=county_admin, cohort=cohort)}
    assert {name: (m.status, m.lessons_done) for name, m in members.items()} == {
        "赵老师": (EnrolmentStatus.ACTIVE, 2), "钱老师": (EnrolmentStatus.WITHDRAWN, 0), "孙老师": (EnrolmentStatus.ACTIVE, 0),
    }
    assert cohort_status_counts(user=county_admin, cohort=cohort) == {"active": 2, "completed": 0, "withdrawn": 1}


def test_a_school_admin_sees_only_the_members_of_their_school(tree, county_admin, cohort, school_teachers):
    make_teacher(school=tree.school_a1_2, real_name="邻校老师")
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_1)
    cohort_enrol_school(actor=county_admin, cohort=cohort, school=tree.school_a1_2)
    school_admin = make_user("school_a1_2", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_2)
    assert [m.teacher.real_name for m in cohort_members(user=school_admin, cohort=cohort)] == ["邻校老师"]
    tutor = make_user("tutor", role=Role.REVIEWER, organisation=tree.county_a1)
    cohort_tutors_set(actor=county_admin, cohort=cohort, tutors=[tutor])
    assert cohort_members(user=tutor, cohort=cohort).count() == 4
