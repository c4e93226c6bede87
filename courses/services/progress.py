"""Per-lesson progress and course completion; completion awards the course's filed hours once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

import courses.log_actions_learning  # noqa: F401  (registers the learning log actions)
from courses.models import (
    CourseHours,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    HoursKind,
    HoursSource,
    LessonPage,
    LessonProgress,
    ProgressStatus,
)
from courses.selectors.progress import (
    LessonRequirements,
    activity_results,
    course_lessons,
    lesson_course,
    lesson_progress_by_lesson,
    lesson_requirements,
    lesson_requirements_met,
    lesson_activity_score,
)
from courses.services.hours import hours_award
from lms.api import teacher_for_user

# The filed hours of each kind and the ledger kind they are awarded as.
FILED_KINDS = (
    ("online", HoursKind.ONLINE),
    ("centralised", HoursKind.CENTRALISED),
    ("school_based", HoursKind.SCHOOL_BASED),
)


def _progress_locked(enrolment: Enrolment, lesson: LessonPage, now: dt.datetime) -> LessonProgress:
    progress, _created = LessonProgress.objects.select_for_update().get_or_create(
        enrolment=enrolment, lesson=lesson,
        defaults={"status": ProgressStatus.IN_PROGRESS, "started_at": now},
    )
    return progress


@transaction.atomic
def lesson_progress_start(*, enrolment: Enrolment, lesson: LessonPage, now: dt.datetime | None = None) -> LessonProgress:
    """The teacher opened the lesson or pressed play: not started → in progress."""
    now = now or timezone.now()
    progress = _progress_locked(enrolment, lesson, now)
    if progress.status == ProgressStatus.NOT_STARTED:
        progress.status, progress.started_at = ProgressStatus.IN_PROGRESS, progress.started_at or now
        progress.save(update_fields=["status", "started_at"])
    return progress


@transaction.atomic
def lesson_progress_update(
    *, enrolment: Enrolment, lesson: LessonPage, now: dt.datetime | None = None
) -> LessonProgress:
    """Mark the lesson done once its counted requirements (video minutes, sign-ins, H5P results) are met,
    and keep its score at the server-decided H5P result.

    Idempotent: call it after a video reaches its minutes, a sign-in is recorded or an H5P attempt is
    scored. A lesson with nothing counted (text, documents) is done only when the teacher marks it
    (lesson_mark_done).
    """
    now = now or timezone.now()
    progress = _progress_locked(enrolment, lesson, now)
    if enrolment.status != EnrolmentStatus.ACTIVE:
        return progress
    requirements = lesson_requirements(lesson=lesson)
    score_changed = _score_update(progress, enrolment, lesson, requirements)
    if progress.status == ProgressStatus.DONE:
        if score_changed:  # a better attempt may now reach the course's minimum score
            enrolment_completion_check(enrolment=enrolment, now=now)
        return progress
    if requirements.counted and lesson_requirements_met(enrolment=enrolment, lesson=lesson):
        _done(progress, now)
        enrolment_completion_check(enrolment=enrolment, now=now)
    return progress


def _score_update(
    progress: LessonProgress, enrolment: Enrolment, lesson: LessonPage, requirements: LessonRequirements
) -> bool:
    if not requirements.activities and not requirements.quizzes:
        return False
    results = activity_results(enrolment=enrolment, lesson=lesson)
    score = lesson_activity_score(requirements=requirements, results=results, teacher_id=enrolment.teacher_id)
    if score == progress.score:
        return False
    progress.score = score
    progress.save(update_fields=["score"])
    return True


def _done(progress: LessonProgress, now: dt.datetime) -> None:
    progress.status, progress.completed_at = ProgressStatus.DONE, now
    progress.started_at = progress.started_at or now
    progress.save(update_fields=["status", "completed_at", "started_at"])


@transaction.atomic
def lesson_mark_done(
    *, user: User | AnonymousUser, lesson: LessonPage, now: dt.datetime | None = None
) -> LessonProgress:
    """The teacher says they have read the lesson; refused while its videos or sign-ins are outstanding."""
    now = now or timezone.now()
    teacher = teacher_for_user(user=user)
    course = lesson_course(lesson=lesson)
    enrolment = Enrolment.objects.filter(teacher=teacher, course=course).first() if teacher and course else None
    if enrolment is None:
        raise PermissionDenied(_("You are not enrolled in this course."))
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise PermissionDenied(_("You are no longer studying this course."))
    if not lesson_requirements_met(enrolment=enrolment, lesson=lesson):
        raise ValidationError(
            _("This lesson is done when its videos have been watched for the required minutes and its sessions attended.")
        )
    progress = _progress_locked(enrolment, lesson, now)
    if progress.status != ProgressStatus.DONE:
        _done(progress, now)
        enrolment_completion_check(enrolment=enrolment, now=now)
    return progress


def _scores_reached(course: CoursePage, lessons: list[LessonPage], progress: dict[int, LessonProgress]) -> bool:
    if course.completion_min_score is None:
        return True
    for lesson in lessons:
        if lesson.graded:
            score = progress[lesson.pk].score if lesson.pk in progress else None
            if score is None or score < course.completion_min_score:
                return False
    return True


@transaction.atomic
def enrolment_completion_check(*, enrolment: Enrolment, now: dt.datetime | None = None) -> bool:
    """Complete the enrolment when every required lesson is done and every graded score reaches the
    course minimum; award the filed hours. Safe to run twice or concurrently: the enrolment row is
    locked and each award is idempotent by its key."""
    now = now or timezone.now()
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return False
    course = CoursePage.objects.get(pk=enrolment.course_id)
    if enrolment.status == EnrolmentStatus.ACTIVE:
        lessons = course_lessons(course=course)
        progress = lesson_progress_by_lesson(enrolment=enrolment)
        required = [lesson for lesson in lessons if lesson.required]
        all_done = all(
            lesson.pk in progress and progress[lesson.pk].status == ProgressStatus.DONE for lesson in required
        )
        if not lessons or not all_done or not _scores_reached(course, lessons, progress):
            return False
        enrolment.status, enrolment.completed_at = EnrolmentStatus.COMPLETED, now
        enrolment.save(update_fields=["status", "completed_at"])
        log(instance=enrolment, action="courses.enrolment_completed", user=None,
            data={"course": course.pk, "teacher": enrolment.teacher_id})
    _award_course_hours(enrolment=enrolment, course=course)
    return True


def _award_course_hours(*, enrolment: Enrolment, course: CoursePage) -> None:
    filed = CourseHours.objects.filter(course=course).first()
    if filed is None:
        return
    completed_at = enrolment.completed_at or timezone.now()
    year = timezone.localtime(completed_at).year
    for field, kind in FILED_KINDS:
        hours = getattr(filed, field) or Decimal(0)
        if hours > 0:
            hours_award(
                teacher_id=enrolment.teacher_id, hours=hours, kind=kind, year=year,
                source_type=HoursSource.COURSE, source_ref=f"course:{course.pk}",
                idempotency_key=f"course:{course.pk}:teacher:{enrolment.teacher_id}:{kind}",
                recognised_by=None, source_label=f"{course.code} {course.title}",
            )
