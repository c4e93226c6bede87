"""Reads of school-based sessions (校本研修) and offline-session blocks: who organises, reviews, attends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses.models import (
    Cohort,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    OfflineAttendance,
    SchoolSession,
    SessionAttendance,
    SessionStatus,
    page_course,
)
from courses.signin import as_aware, early_minutes
from lms.api import (
    ORGANISATION_MANAGER_ROLES,
    Organisation,
    Role,
    Teacher,
    jurisdiction_paths,
    schools_in_jurisdiction,
    user_has_role,
)

UserLike = User | AnonymousUser

# School administrators organise their school's sessions; administrators above may do it for them.
ORGANISER_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.COUNTY_ADMIN, Role.CITY_ADMIN, Role.PROVINCE_ADMIN})
# The county (or above) approves a school's sessions before their hours count.
REVIEWER_ROLES = ORGANISATION_MANAGER_ROLES
EDITABLE_STATUSES = (SessionStatus.SCHEDULED, SessionStatus.REJECTED)


def _prefix_filter(paths: Iterable[str], field: str) -> Q:
    condition = Q(pk__in=[])
    for prefix in paths:
        condition |= Q(**{f"{field}__startswith": prefix})
    return condition


def _covers(paths: list[str] | None, organisation: Organisation) -> bool:
    return paths is None or any(organisation.path.startswith(prefix) for prefix in paths)


def user_can_organise_sessions(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=ORGANISER_ROLES)


def user_can_review_sessions(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=REVIEWER_ROLES)


def user_can_organise_school(*, user: UserLike, school: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return _covers(jurisdiction_paths(user=user, roles=ORGANISER_ROLES), school)


def user_can_organise_session(*, user: UserLike, session: SchoolSession) -> bool:
    return user_can_organise_school(user=user, school=session.school)


def user_can_review_session(*, user: UserLike, session: SchoolSession) -> bool:
    if not user.is_authenticated:
        return False
    return _covers(jurisdiction_paths(user=user, roles=REVIEWER_ROLES), session.school)


def schools_organised_by(*, user: UserLike) -> QuerySet[Organisation]:
    return schools_in_jurisdiction(user=user, roles=ORGANISER_ROLES).filter(is_active=True).order_by("code")


def _with_counts(sessions: QuerySet[SchoolSession]) -> QuerySet[SchoolSession]:
    return sessions.select_related("school").annotate(
        attendee_count=Count("attendance", distinct=True),
        confirmed_count=Count("attendance", filter=Q(attendance__confirmed=True), distinct=True),
    )


def school_sessions_for_organiser(*, user: UserLike, status: str = "") -> QuerySet[SchoolSession]:
    if not user.is_authenticated:
        return SchoolSession.objects.none()
    paths = jurisdiction_paths(user=user, roles=ORGANISER_ROLES)
    sessions = SchoolSession.objects.all()
    if paths is not None:
        sessions = sessions.filter(_prefix_filter(paths, "school__path"))
    if status:
        sessions = sessions.filter(status=status)
    return _with_counts(sessions).order_by("-starts_at", "-pk")


def school_sessions_to_review(*, user: UserLike) -> QuerySet[SchoolSession]:
    if not user.is_authenticated:
        return SchoolSession.objects.none()
    paths = jurisdiction_paths(user=user, roles=REVIEWER_ROLES)
    sessions = SchoolSession.objects.filter(status=SessionStatus.SUBMITTED)
    if paths is not None:
        sessions = sessions.filter(_prefix_filter(paths, "school__path"))
    return _with_counts(sessions).order_by("submitted_at", "pk")


def school_sessions_open_for_sign_in(*, school_id: int, now: dt.datetime | None = None) -> QuerySet[SchoolSession]:
    """Sessions of the school whose sign-in window holds now: from start − early minutes to the end."""
    now = now or timezone.now()
    return SchoolSession.objects.filter(
        school_id=school_id,
        status=SessionStatus.SCHEDULED,
        starts_at__lte=now + dt.timedelta(minutes=early_minutes()),
        ends_at__gte=now,
    ).order_by("starts_at", "pk")


def school_sessions_for_teacher(*, teacher: Teacher) -> QuerySet[SchoolSession]:
    """The teacher's school's sessions, and any other they attended (before a transfer)."""
    attended = SessionAttendance.objects.filter(teacher=teacher).values("session_id")
    return (
        SchoolSession.objects.filter(Q(school_id=teacher.school_id) | Q(pk__in=attended))
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("school")
        .order_by("-starts_at", "-pk")
    )


def session_attendance(*, session: SchoolSession) -> QuerySet[SessionAttendance]:
    return (
        SessionAttendance.objects.filter(session=session)
        .select_related("teacher", "teacher__school")
        .defer("teacher__id_number_encrypted")
        .order_by("signed_in_at", "pk")
    )


def attendance_of(*, session: SchoolSession, teacher: Teacher) -> SessionAttendance | None:
    return SessionAttendance.objects.filter(session=session, teacher=teacher).first()


# Offline-session blocks of course lessons (集中培训).


@dataclass(frozen=True)
class OfflineBlock:
    lesson: LessonPage
    block_id: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    sign_in_required: bool


def offline_block_find(*, lesson: LessonPage, block_id: str) -> OfflineBlock | None:
    for child in lesson.body:
        if child.id == block_id and child.block_type == "offline_session":
            value = child.value
            if not value.get("starts_at") or not value.get("ends_at"):
                return None
            return OfflineBlock(
                lesson=lesson,
                block_id=block_id,
                title=value.get("title") or "",
                starts_at=as_aware(value["starts_at"]),
                ends_at=as_aware(value["ends_at"]),
                place=value.get("place") or "",
                sign_in_required=bool(value.get("sign_in_required")),
            )
    return None


def user_can_organise_offline_block(*, user: UserLike, lesson: LessonPage) -> bool:
    """A tutor of a cohort of the course, or an administrator over one of its cohorts or active teachers."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    course = page_course(lesson)
    if course is None:
        return False
    if Cohort.objects.filter(course_id=course.pk, tutors=user).exists():
        return True
    paths = jurisdiction_paths(user=user, roles=ORGANISER_ROLES)
    if not paths:
        return paths is None
    if Cohort.objects.filter(course_id=course.pk).filter(_prefix_filter(paths, "organisation__path")).exists():
        return True
    enrolments = Enrolment.objects.filter(course_id=course.pk, status=EnrolmentStatus.ACTIVE)
    return enrolments.filter(_prefix_filter(paths, "teacher__school__path")).exists()


def offline_attendance_count(*, lesson: LessonPage, block_id: str) -> int:
    return OfflineAttendance.objects.filter(lesson=lesson, block_id=block_id).count()


def offline_signed_in_blocks(*, enrolment: Enrolment, lesson: LessonPage) -> dict[str, OfflineAttendance]:
    """For the lesson page: block id → the teacher's sign-in at that block."""
    rows = OfflineAttendance.objects.filter(enrolment=enrolment, lesson=lesson)
    return {row.block_id: row for row in rows}
