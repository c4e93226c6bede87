"""H5P activities inside lessons: a teacher's statements reach the assessment engine only through an
active enrolment in the lesson's course, and the server-decided result updates the lesson's progress.

The lesson page gives the player a signed claim (teacher, enrolment, lesson, block, activity) so that the
statement path — the busiest of an H5P lesson — reads the enrolment and the activity once each instead of
walking the page tree and the lesson's content again for every answer.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils.translation import gettext as _

from assessments.api import (
    ActivityResult,
    H5PActivity,
    StatementOutcome,
    h5p_activity_get,
    h5p_scoring_activity,
    h5p_statement_store,
)
from courses.models import Enrolment, EnrolmentStatus, LessonPage, LessonProgress, ProgressStatus
from courses.selectors.progress import ActivityRequirement, lesson_activity, lesson_course, lesson_requirements
from courses.services.progress import enrolment_completion_check, lesson_progress_update
from lms.api import Teacher, teacher_for_user

CLAIMS_SALT = "courses.h5p-activity"
CLAIMS_MAX_AGE = 12 * 3600


@dataclass(frozen=True)
class LessonActivity:
    enrolment: Enrolment
    teacher: Teacher
    requirement: ActivityRequirement
    activity: H5PActivity


@dataclass(frozen=True)
class ActivityClaims:
    """What the lesson page vouches for, signed: who answers which activity of which lesson."""

    user_id: int
    teacher_id: int
    enrolment_id: int
    lesson_id: int
    block_id: str
    activity_id: int
    required_to_pass: bool
    sole: bool  # the lesson's only counted requirement: its result alone decides the lesson


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


def activity_claims_sign(*, user_id: int, access: LessonActivity, lesson: LessonPage) -> str:
    requirements = lesson_requirements(lesson=lesson)
    # The activity alone decides the lesson: then each answer can update the lesson's progress directly.
    sole = (
        len(requirements.activities) == 1 and not requirements.quizzes
        and not any(v.required_seconds for v in requirements.videos)
        and not any(s.sign_in_required for s in requirements.sessions)
    )
    claims = ActivityClaims(
        user_id=user_id, teacher_id=access.teacher.pk, enrolment_id=access.enrolment.pk, lesson_id=lesson.pk,
        block_id=access.requirement.block_id, activity_id=access.activity.pk,
        required_to_pass=access.requirement.required_to_pass, sole=sole,
    )
    return signing.dumps(asdict(claims), salt=CLAIMS_SALT, compress=True)


def activity_claims_read(*, token: str, user_id: int | None, lesson_id: int, block_id: str) -> ActivityClaims:
    """The claims of a token the lesson page issued to this user for this block; PermissionDenied otherwise."""
    try:
        claims = ActivityClaims(**signing.loads(token, salt=CLAIMS_SALT, max_age=CLAIMS_MAX_AGE))
    except (signing.BadSignature, TypeError) as refused:
        raise PermissionDenied(_("This page has expired; reload it.")) from refused
    if claims.user_id != user_id or claims.lesson_id != lesson_id or claims.block_id != block_id:
        raise PermissionDenied(_("This page has expired; reload it."))
    return claims


# The enrolment (must be active) and the lesson's progress, read in one round trip.
_ENROLMENT_PROGRESS_SQL = f"""
SELECT e.status, lp.status, lp.score
  FROM {Enrolment._meta.db_table} e
  LEFT JOIN {LessonProgress._meta.db_table} lp ON lp.enrolment_id = e.id AND lp.lesson_id = %s
 WHERE e.id = %s AND e.teacher_id = %s"""


def _enrolment_progress(claims: ActivityClaims) -> tuple[str, str | None, Decimal | None] | None:
    with connection.cursor() as cursor:
        cursor.execute(_ENROLMENT_PROGRESS_SQL, [claims.lesson_id, claims.enrolment_id, claims.teacher_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0], row[1], None if row[2] is None else Decimal(str(row[2]))


def lesson_activity_statement(*, claims: ActivityClaims, body: bytes) -> ActivityStatementResult:
    """Record one xAPI statement from a lesson's H5P block; a finished attempt updates the lesson."""
    with transaction.atomic():
        found = _enrolment_progress(claims)
        if found is None or found[0] != EnrolmentStatus.ACTIVE:
            raise PermissionDenied(_("You have completed this course, or left it; answers are no longer recorded."))
        activity = h5p_scoring_activity(activity_id=claims.activity_id, teacher_id=claims.teacher_id)
        if activity is None or not activity.playable:
            raise PermissionDenied(_("This activity cannot be played."))
        outcome = h5p_statement_store(
            activity=activity, teacher_id=claims.teacher_id, body=body,
            context_ref=f"lesson:{claims.lesson_id}:{claims.block_id}",
        )
        lesson_done = (
            _lesson_follow(claims, outcome.result, progress=found[1:]) if outcome.attempt is not None else False
        )
    return ActivityStatementResult(outcome=outcome, result=outcome.result, lesson_done=lesson_done)


def _lesson_follow(
    claims: ActivityClaims, result: ActivityResult | None, *, progress: tuple[str | None, Decimal | None]
) -> bool:
    """Bring the lesson's progress up to the counted result; the full check only when it may change state."""
    status, score = progress
    if not claims.sole or status is None or result is None:
        return _lesson_follow_fully(claims)
    met = result.passed if claims.required_to_pass else result.completed
    if score != result.percent:
        LessonProgress.objects.filter(enrolment_id=claims.enrolment_id, lesson_id=claims.lesson_id).update(
            score=result.percent
        )
        if status == ProgressStatus.DONE:  # a better attempt may now reach the course's minimum score
            enrolment_completion_check(enrolment=Enrolment.objects.get(pk=claims.enrolment_id))
    if met and status != ProgressStatus.DONE:
        return _lesson_follow_fully(claims)
    return status == ProgressStatus.DONE


def _lesson_follow_fully(claims: ActivityClaims) -> bool:
    enrolment = Enrolment.objects.get(pk=claims.enrolment_id)
    lesson = LessonPage.objects.get(pk=claims.lesson_id)
    return lesson_progress_update(enrolment=enrolment, lesson=lesson).status == ProgressStatus.DONE
