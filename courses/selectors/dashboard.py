"""Reads for a teacher's dashboard: courses with progress, upcoming sessions and deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import (
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    SchoolSession,
    SessionStatus,
)
from courses.selectors.cohorts import lessons_done_count, lessons_total_subquery
from lms.api import Teacher


@dataclass(frozen=True)
class CourseProgress:
    enrolment: Enrolment
    lessons_done: int
    lessons_required: int

    @property
    def percent(self) -> int:
        if self.lessons_required == 0:
            return 100 if self.enrolment.status == EnrolmentStatus.COMPLETED else 0
        return min(100, self.lessons_done * 100 // self.lessons_required)


@dataclass(frozen=True)
class Upcoming:
    when: dt.datetime
    title: str
    place: str
    kind: str  # "school_session" | "offline_session" | "deadline"
    url: str


def my_course_progress(*, teacher: Teacher) -> list[CourseProgress]:
    """Active first, then completed; withdrawn enrolments are left out."""
    enrolments = (
        Enrolment.objects.filter(teacher=teacher)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("course", "course__provider", "course__filed_hours", "cohort")
        .annotate(
            required_done=lessons_done_count(required_only=True),
            required_total=Coalesce(lessons_total_subquery(required_only=True), 0),
        )
        .order_by("status", "-enrolled_at")
    )
    return [CourseProgress(e, e.required_done, e.required_total) for e in enrolments]


def _offline_sessions_ahead(active: list[Enrolment], now: dt.datetime) -> list[Upcoming]:
    """Face-to-face sessions still to come in the lessons of these courses (one query for all of them)."""
    if not active:
        return []
    in_courses = Q(pk__in=[])
    for enrolment in active:
        in_courses |= Q(path__startswith=enrolment.course.path)
    found = []
    for lesson in LessonPage.objects.live().filter(in_courses, body__icontains="offline_session"):
        for block in lesson.body:
            if block.block_type == "offline_session" and block.value["ends_at"] and block.value["ends_at"] >= now:
                found.append(Upcoming(block.value["starts_at"], block.value["title"], block.value["place"],
                                      "offline_session", lesson.url or ""))
    return found


def my_upcoming(*, teacher: Teacher, progress: list[CourseProgress], limit: int = 8) -> list[Upcoming]:
    now = timezone.now()
    sessions = SchoolSession.objects.filter(
        school_id=teacher.school_id, ends_at__gte=now
    ).exclude(status=SessionStatus.CANCELLED).order_by("starts_at")[:limit]
    items = [Upcoming(s.starts_at, s.topic, s.place, "school_session", "") for s in sessions]
    active = [item.enrolment for item in progress if item.enrolment.status == EnrolmentStatus.ACTIVE]
    items += _offline_sessions_ahead(active, now)
    for enrolment in active:
        if enrolment.cohort and enrolment.cohort.ends_on and enrolment.cohort.ends_on >= now.date():
            end = dt.datetime.combine(enrolment.cohort.ends_on, dt.time(23, 59), tzinfo=timezone.get_current_timezone())
            items.append(Upcoming(end, enrolment.course.title, enrolment.cohort.name, "deadline", enrolment.course.url or ""))
    return sorted(items, key=lambda u: u.when)[:limit]
