"""H5P activities inside lessons: a teacher's statements reach the assessment engine only through an
active enrolment in the lesson's course, and the server-decided result updates the lesson's progress."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from assessments.api import ActivityResult, H5PActivity, StatementOutcome, h5p_activity_get, h5p_result, h5p_statement_record
from courses.models import Enrolment, EnrolmentStatus, LessonPage, LessonProgress, ProgressStatus
from courses.selectors.progress import ActivityRequirement, lesson_activity, lesson_course
from courses.services.progress import lesson_progress_update
from lms.api import Teacher, teacher_for_user


@dataclass(frozen=True)
class LessonActivity:
    enrolment: Enrolment
    teacher: Teacher
    requirement: ActivityRequirement
    activity: H5PActivity


@dataclass(frozen=True)
class ActivityStatementResult:
    outcome: StatementOutcome
    result: ActivityResult | None
    lesson_done: bool


def lesson_activity_for(*, user: User | AnonymousUser, lesson: LessonPage, block_id: str, studying: bool = True) -> LessonActivity:
    """The teacher's way into an H5P block: enrolled (still studying, when `studying`), and the block exists."""
    teacher = teacher_for_user(user=user) if user.is_authenticated else None
    course = lesson_course(lesson=lesson)
    enrolment = Enrolment.objects.filter(teacher=teacher, course=course).first() if teacher and course else None
    if teacher is None or enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN:
        raise PermissionDenied(_("Only teachers enrolled in this course can do its activities."))
    if studying and enrolment.status != EnrolmentStatus.ACTIVE:
        raise PermissionDenied(_("You have completed this course; answers are no longer recorded."))
    requirement = lesson_activity(lesson=lesson, block_id=block_id)
    activity = h5p_activity_get(activity_id=requirement.activity_id) if requirement else None
    if requirement is None or activity is None or not activity.playable:
        raise PermissionDenied(_("This activity is not part of the lesson."))
    return LessonActivity(enrolment=enrolment, teacher=teacher, requirement=requirement, activity=activity)


def lesson_activity_statement(
    *, user: User | AnonymousUser, lesson: LessonPage, block_id: str, body: bytes
) -> ActivityStatementResult:
    """Record one xAPI statement from a lesson's H5P block; a finished attempt updates the lesson."""
    access = lesson_activity_for(user=user, lesson=lesson, block_id=block_id)
    outcome = h5p_statement_record(
        activity=access.activity, teacher=access.teacher, body=body, context_ref=f"lesson:{lesson.pk}:{block_id}"
    )
    lesson_done = False
    if outcome.attempt is not None:
        progress: LessonProgress = lesson_progress_update(enrolment=access.enrolment, lesson=lesson)
        lesson_done = progress.status == ProgressStatus.DONE
    result = h5p_result(activity=access.activity, teacher_id=access.teacher.pk)
    return ActivityStatementResult(outcome=outcome, result=result, lesson_done=lesson_done)
