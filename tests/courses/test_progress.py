"""Lesson progress and course completion: done when the server says so; hours awarded exactly once."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses.api import hours_totals
from courses.models import (
    AttendanceMethod,
    EnrolmentStatus,
    HoursEntry,
    HoursKind,
    LessonProgress,
    OfflineAttendance,
    ProgressStatus,
)
from courses.services import LessonSpec
from courses.services.progress import enrolment_completion_check, lesson_mark_done, lesson_progress_update
from courses.services.watching import watch_heartbeat, watch_start
from tests.courses.catalog_factories import make_course, text_block
from tests.courses.learning_factories import T0, enrol, lessons_of, make_learner
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


def status_of(enrolment, lesson) -> str:
    progress = LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()
    return progress.status if progress else ProgressStatus.NOT_STARTED


def watch(learner, seconds: int) -> None:
    """Play the video lesson for `seconds`, beating every 30 s."""
    session = watch_start(user=learner.user, lesson=learner.video_lesson, block_id=learner.block_id, now=T0)
    for n in range(1, seconds // 30 + 1):
        watch_heartbeat(token=session.token, seq=n, position=30 * n, played=30, now=T0 + dt.timedelta(seconds=30 * n))


@pytest.fixture
def learner(tree):
    return make_learner(tree, required_minutes=1, duration_minutes=2)


def test_a_video_lesson_is_done_when_its_minutes_are_counted(learner):
    watch(learner, 30)
    assert status_of(learner.enrolment, learner.video_lesson) == ProgressStatus.IN_PROGRESS
    watch(learner, 60)
    progress = LessonProgress.objects.get(enrolment=learner.enrolment, lesson=learner.video_lesson)
    assert progress.status == ProgressStatus.DONE and progress.completed_at is not None


def test_a_text_lesson_is_done_when_the_teacher_marks_it(learner):
    lesson_mark_done(user=learner.user, lesson=learner.text_lesson)
    assert status_of(learner.enrolment, learner.text_lesson) == ProgressStatus.DONE


def test_a_video_lesson_cannot_be_marked_done_before_its_minutes(learner):
    with pytest.raises(ValidationError, match="规定分钟数"):
        lesson_mark_done(user=learner.user, lesson=learner.video_lesson)
    assert status_of(learner.enrolment, learner.video_lesson) == ProgressStatus.NOT_STARTED


def test_a_teacher_not_enrolled_cannot_mark_a_lesson_done(learner, tree):
    stranger = make_teacher(school=tree.school_a1_1, real_name="王老师")
    with pytest.raises(PermissionDenied):
        lesson_mark_done(user=stranger.user, lesson=learner.text_lesson)
    assert not LessonProgress.objects.filter(lesson=learner.text_lesson).exists()


def test_a_text_lesson_alone_is_not_done_by_the_server(learner):
    progress = lesson_progress_update(enrolment=learner.enrolment, lesson=learner.text_lesson)
    assert progress.status == ProgressStatus.IN_PROGRESS


def test_completing_every_required_lesson_completes_the_course_and_awards_its_hours(learner):
    lesson_mark_done(user=learner.user, lesson=learner.text_lesson)
    assert HoursEntry.objects.count() == 0
    watch(learner, 60)
    learner.enrolment.refresh_from_db()
    assert learner.enrolment.status == EnrolmentStatus.COMPLETED and learner.enrolment.completed_at
    entry = HoursEntry.objects.get(teacher=learner.teacher)
    assert (entry.hours, entry.kind, entry.source_type) == (Decimal("10.0"), HoursKind.ONLINE, "course")
    assert entry.year == timezone.localtime(learner.enrolment.completed_at).year
    assert hours_totals(teacher_id=learner.teacher.pk).total == Decimal("10.0")


def test_the_completion_check_twice_awards_the_hours_once(learner):
    lesson_mark_done(user=learner.user, lesson=learner.text_lesson)
    watch(learner, 60)
    assert enrolment_completion_check(enrolment=learner.enrolment) is True
    assert enrolment_completion_check(enrolment=learner.enrolment) is True
    assert HoursEntry.objects.filter(teacher=learner.teacher).count() == 1
    assert hours_totals(teacher_id=learner.teacher.pk).total == Decimal("10.0")


def test_an_unfinished_course_is_not_completed(learner):
    lesson_mark_done(user=learner.user, lesson=learner.text_lesson)
    assert enrolment_completion_check(enrolment=learner.enrolment) is False
    learner.enrolment.refresh_from_db()
    assert learner.enrolment.status == EnrolmentStatus.ACTIVE and not HoursEntry.objects.exists()


def test_optional_lessons_are_not_needed(tree):
    course = make_course(institution=tree.institution, lessons=[
        LessonSpec(title="必学", body=[text_block()]), LessonSpec(title="选学", body=[text_block()], required=False),
    ])
    teacher = make_teacher(school=tree.school_a1_1)
    enrolment = enrol(teacher, course)
    lesson_mark_done(user=teacher.user, lesson=lessons_of(course)[0])
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_each_kind_of_filed_hours_is_awarded(tree):
    course = make_course(
        institution=tree.institution, lessons=[LessonSpec(title="必学", body=[text_block()])],
        proposed_hours_online=Decimal(6), proposed_hours_centralised=Decimal(4),
    )
    teacher = make_teacher(school=tree.school_a1_1)
    enrol(teacher, course)
    lesson_mark_done(user=teacher.user, lesson=lessons_of(course)[0])
    awarded = dict(HoursEntry.objects.filter(teacher=teacher).values_list("kind", "hours"))
    assert awarded == {HoursKind.ONLINE: Decimal("6.0"), HoursKind.CENTRALISED: Decimal("4.0")}


def test_a_graded_lesson_below_the_minimum_score_holds_completion(tree):
    course = make_course(
        institution=tree.institution, lessons=[LessonSpec(title="测验", body=[text_block()])],
        completion_min_score=Decimal(60),
    )
    lesson = lessons_of(course)[0]
    lesson.graded = True
    lesson.save()
    teacher = make_teacher(school=tree.school_a1_1)
    enrolment = enrol(teacher, course)
    progress = lesson_mark_done(user=teacher.user, lesson=lesson)
    progress.score = Decimal(55)
    progress.save()
    assert enrolment_completion_check(enrolment=enrolment) is False
    assert not HoursEntry.objects.exists()
    progress.score = Decimal(80)
    progress.save()
    assert enrolment_completion_check(enrolment=enrolment) is True
    assert HoursEntry.objects.filter(teacher=teacher).count() == 1


def test_an_offline_session_lesson_is_done_once_the_teacher_signed_in(tree):
    block_id = str(uuid.uuid4())
    session_block = {
        "type": "offline_session", "id": block_id,
        "value": {"title": "集中研修", "starts_at": "2025-03-10T09:00:00", "ends_at": "2025-03-10T11:00:00",
                  "place": "县教师发展中心", "sign_in_required": True},
    }
    course = make_course(institution=tree.institution, lessons=[LessonSpec(title="集中研修", body=[session_block])])
    lesson = lessons_of(course)[0]
    teacher = make_teacher(school=tree.school_a1_1)
    enrolment = enrol(teacher, course)
    assert lesson_progress_update(enrolment=enrolment, lesson=lesson).status == ProgressStatus.IN_PROGRESS
    OfflineAttendance.objects.create(
        enrolment=enrolment, lesson=lesson, block_id=block_id, signed_in_at=timezone.now(), method=AttendanceMethod.CODE
    )
    assert lesson_progress_update(enrolment=enrolment, lesson=lesson).status == ProgressStatus.DONE
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_a_withdrawn_enrolment_is_never_completed(learner):
    lesson_mark_done(user=learner.user, lesson=learner.text_lesson)
    watch(learner, 30)
    learner.enrolment.status = EnrolmentStatus.WITHDRAWN
    learner.enrolment.save()
    assert enrolment_completion_check(enrolment=learner.enrolment) is False
    assert not HoursEntry.objects.exists()
