"""Self-enrolment (选课) and withdrawal: every refusal says why and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.models import Enrolment, EnrolmentStatus, LessonPage, LessonProgress, ProgressStatus
from courses.selectors import course_seats_left, enrolments_of
from courses.services import enrolment_self, enrolment_withdraw
from tests.courses.catalog_factories import make_course
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(tree):
    return make_teacher(school=tree.school_a1_1, real_name="王老师")


def refused(user, course) -> str:
    with pytest.raises(ValidationError) as caught:
        enrolment_self(user=user, course=course)
    return " ".join(caught.value.messages)


def test_a_teacher_enrols_in_a_published_course(tree, teacher):
    course = make_course(institution=tree.institution, seats=2)
    enrolment = enrolment_self(user=teacher.user, course=course)
    assert (enrolment.teacher, enrolment.course_id, enrolment.status, enrolment.cohort) == (
        teacher, course.pk, EnrolmentStatus.ACTIVE, None
    )
    assert enrolment.enrolled_by == teacher.user
    assert course_seats_left(course=course) == 1


def test_enrolment_before_the_window_opens_is_refused(tree, teacher):
    opens = timezone.now() + dt.timedelta(days=3)
    course = make_course(institution=tree.institution, enrol_opens_at=opens)
    assert "报名尚未开始" in refused(teacher.user, course)
    assert not Enrolment.objects.exists()


def test_enrolment_after_the_window_closes_is_refused(tree, teacher):
    course = make_course(
        institution=tree.institution,
        enrol_opens_at=timezone.now() - dt.timedelta(days=10),
        enrol_closes_at=timezone.now() - dt.timedelta(days=1),
    )
    assert "报名已截止" in refused(teacher.user, course)
    assert not Enrolment.objects.exists()


def test_enrolment_inside_the_window_succeeds(tree, teacher):
    course = make_course(
        institution=tree.institution,
        enrol_opens_at=timezone.now() - dt.timedelta(days=1),
        enrol_closes_at=timezone.now() + dt.timedelta(days=1),
    )
    assert enrolment_self(user=teacher.user, course=course).status == EnrolmentStatus.ACTIVE


def test_enrolment_when_no_seats_are_left_is_refused(tree, teacher):
    course = make_course(institution=tree.institution, seats=1)
    first = make_teacher(school=tree.school_a1_2, real_name="先到老师")
    enrolment_self(user=first.user, course=course)
    assert "名额已满" in refused(teacher.user, course)
    assert list(Enrolment.objects.values_list("teacher_id", flat=True)) == [first.pk]


def test_enrolling_twice_is_refused(tree, teacher):
    course = make_course(institution=tree.institution)
    enrolment_self(user=teacher.user, course=course)
    assert "您已报名该课程" in refused(teacher.user, course)
    assert Enrolment.objects.count() == 1


def test_enrolling_in_a_completed_course_again_is_refused(tree, teacher):
    course = make_course(institution=tree.institution)
    enrolment = enrolment_self(user=teacher.user, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.COMPLETED)
    assert "您已报名该课程" in refused(teacher.user, course)
    assert Enrolment.objects.get().status == EnrolmentStatus.COMPLETED


def test_a_draft_course_is_refused(tree, teacher):
    course = make_course(institution=tree.institution, publish=False)
    assert "课程尚未通过审核" in refused(teacher.user, course)
    assert not Enrolment.objects.exists()


def test_a_live_course_without_filed_hours_is_refused(tree, teacher):
    course = make_course(institution=tree.institution, file_hours=False)
    course.refresh_from_db()
    assert course.live
    assert "课程尚未通过审核" in refused(teacher.user, course)
    assert not Enrolment.objects.exists()


def test_a_missing_prerequisite_is_named(tree, teacher):
    basic = make_course(institution=tree.institution, title="信息技术基础")
    advanced = make_course(institution=tree.institution, title="技术支持的学情分析")
    advanced.prerequisites.add(basic)
    advanced.save_revision().publish()
    assert "需先完成先修课程：信息技术基础" in refused(teacher.user, advanced)
    assert not Enrolment.objects.exists()


def test_a_started_prerequisite_is_not_enough_and_a_completed_one_is(tree, teacher):
    basic = make_course(institution=tree.institution, title="信息技术基础")
    advanced = make_course(institution=tree.institution, title="技术支持的学情分析")
    advanced.prerequisites.add(basic)
    advanced.save_revision().publish()
    first = enrolment_self(user=teacher.user, course=basic)
    assert "需先完成先修课程" in refused(teacher.user, advanced)
    Enrolment.objects.filter(pk=first.pk).update(status=EnrolmentStatus.COMPLETED, completed_at=timezone.now())
    assert enrolment_self(user=teacher.user, course=advanced).course_id == advanced.pk


def test_a_user_who_is_not_a_teacher_is_refused(tree):
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    course = make_course(institution=tree.institution)
    assert "只有教师可以报名" in refused(admin, course)
    assert not Enrolment.objects.exists()


def test_withdrawal_frees_the_seat_and_reenrolment_reuses_the_row(tree, teacher):
    course = make_course(institution=tree.institution, seats=1)
    first = enrolment_self(user=teacher.user, course=course)
    withdrawn = enrolment_withdraw(user=teacher.user, course=course)
    assert withdrawn.status == EnrolmentStatus.WITHDRAWN and withdrawn.withdrawn_at is not None
    assert course_seats_left(course=course) == 1
    again = enrolment_self(user=teacher.user, course=course)
    assert again.pk == first.pk
    assert (again.status, again.withdrawn_at) == (EnrolmentStatus.ACTIVE, None)
    assert Enrolment.objects.count() == 1 and course_seats_left(course=course) == 0


def test_a_freed_seat_goes_to_another_teacher(tree, teacher):
    course = make_course(institution=tree.institution, seats=1)
    enrolment_self(user=teacher.user, course=course)
    other = make_teacher(school=tree.school_a1_2, real_name="后到老师")
    assert "名额已满" in refused(other.user, course)
    enrolment_withdraw(user=teacher.user, course=course)
    assert enrolment_self(user=other.user, course=course).teacher == other


def test_withdrawing_without_an_enrolment_is_refused(tree, teacher):
    course = make_course(institution=tree.institution)
    with pytest.raises(ValidationError, match="您未报名该课程"):
        enrolment_withdraw(user=teacher.user, course=course)
    assert not Enrolment.objects.exists()


def test_a_completed_course_cannot_be_withdrawn_from(tree, teacher):
    course = make_course(institution=tree.institution)
    enrolment = enrolment_self(user=teacher.user, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(status=EnrolmentStatus.COMPLETED)
    with pytest.raises(ValidationError, match="已完成的课程不能退选"):
        enrolment_withdraw(user=teacher.user, course=course)
    assert Enrolment.objects.get().status == EnrolmentStatus.COMPLETED


def test_withdrawing_twice_is_refused(tree, teacher):
    course = make_course(institution=tree.institution)
    enrolment_self(user=teacher.user, course=course)
    enrolment_withdraw(user=teacher.user, course=course)
    with pytest.raises(ValidationError, match="您未报名该课程"):
        enrolment_withdraw(user=teacher.user, course=course)


def test_enrolments_of_a_teacher_carry_hours_and_progress(tree, teacher):
    course = make_course(institution=tree.institution)
    enrolment = enrolment_self(user=teacher.user, course=course)
    lesson = LessonPage.objects.descendant_of(course).first()
    LessonProgress.objects.create(enrolment=enrolment, lesson=lesson, status=ProgressStatus.DONE)
    other = make_teacher(school=tree.school_a1_2, real_name="别的老师")
    enrolment_self(user=other.user, course=course)
    [row] = enrolments_of(teacher=teacher)
    assert row.course.filed_hours.total == 10
    assert (row.lessons_done, row.lessons_total) == (1, 2)
