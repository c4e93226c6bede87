"""Reads of enrolment: seats, a teacher's enrolment in a course."""

from __future__ import annotations

from courses.models import CoursePage, Enrolment, EnrolmentStatus
from lms.api import Teacher

# Seats are for self-enrolment; cohorts an administrator runs are arranged outside them.
SEAT_TAKING = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


def course_seats_taken(*, course: CoursePage) -> int:
    return Enrolment.objects.filter(course=course, cohort__isnull=True, status__in=SEAT_TAKING).count()


def course_seats_left(*, course: CoursePage) -> int | None:
    """None when the course has no limit."""
    if course.seats is None:
        return None
    return max(course.seats - course_seats_taken(course=course), 0)


def enrolment_for(*, teacher: Teacher, course: CoursePage) -> Enrolment | None:
    return Enrolment.objects.filter(teacher=teacher, course=course).first()
