"""Reads for a teacher's dashboard: courses with progress, upcoming sessions and deadlines."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from courses.models import (
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    ProgressStatus,
    SchoolSession,
    SessionStatus,
)
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
    enrolments = list(
        Enrolment.objects.filter(teacher=teacher)
        .exclude(status=EnrolmentStatus.WITHDRAWN)
        .select_related("course", "course__provider", "course__filed_hours", "cohort")
        .order_by("status", "-enrolled_at")
    )
    done = dict(
        LessonProgress.objects.filter(enrolment__in=enrolments, status=ProgressStatus.DONE, lesson__required=True)
        .values_list("enrolment_id")
        .annotate(n=Count("id"))
    )
    result = []
    for enrolment in enrolments:
        required = LessonPage.objects.live().descendant_of(enrolment.course).filter(required=True).count()
        result.append(CourseProgress(enrolment, done.get(enrolment.pk, 0), required))
    return result


def my_upcoming(*, teacher: Teacher, progress: list[CourseProgress], limit: int = 8) -> list[Upcoming]:
    now = timezone.now()
    items: list[Upcoming] = []
    sessions = SchoolSession.objects.filter(
        Q(school_id=teacher.school_id), ends_at__gte=now
    ).exclude(status=SessionStatus.CANCELLED).order_by("starts_at")[:limit]
    items += [Upcoming(s.starts_at, s.topic, s.place, "school_session", "") for s in sessions]
    for item in progress:
        enrolment = item.enrolment
        if enrolment.status != EnrolmentStatus.ACTIVE:
            continue
        for lesson in LessonPage.objects.live().descendant_of(enrolment.course):
            for block in lesson.body:
                if block.block_type == "offline_session" and block.value["ends_at"] and block.value["ends_at"] >= now:
                    items.append(Upcoming(block.value["starts_at"], block.value["title"], block.value["place"],
                                          "offline_session", lesson.url or ""))
        if enrolment.cohort and enrolment.cohort.ends_on and enrolment.cohort.ends_on >= now.date():
            end = dt.datetime.combine(enrolment.cohort.ends_on, dt.time(23, 59), tzinfo=timezone.get_current_timezone())
            items.append(Upcoming(end, enrolment.course.title, enrolment.cohort.name, "deadline", enrolment.course.url or ""))
    return sorted(items, key=lambda u: u.when)[:limit]
