"""Reads of courses, scoped by jurisdiction where people are involved."""

from .catalog import course_pages_user_can_approve, courses_published, user_can_approve_course_page
from .enrolment import course_seats_left, course_seats_taken, enrolment_for
from .hours import (
    cycle_totals_for_teachers,
    hours_imports_by,
    hours_ledger,
    hours_policies,
    hours_policy_current,
    hours_totals,
)
from .progress import (
    lesson_requirements,
    lesson_requirements_met,
    video_resume,
    video_seconds_credited,
)


__all__ = [
    "course_pages_user_can_approve",
    "course_seats_left",
    "course_seats_taken",
    "courses_published",
    "enrolment_for",
    "cycle_totals_for_teachers",
    "hours_imports_by",
    "hours_ledger",
    "hours_policies",
    "hours_policy_current",
    "hours_totals",
    "user_can_approve_course_page",
    "lesson_requirements",
    "lesson_requirements_met",
    "video_resume",
    "video_seconds_credited",
]
