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
from .school_sessions import (
    OfflineBlock,
    offline_attendance_count,
    offline_block_find,
    offline_signed_in_blocks,
    school_sessions_for_organiser,
    school_sessions_for_teacher,
    school_sessions_open_for_sign_in,
    school_sessions_to_review,
    user_can_organise_offline_block,
    user_can_organise_session,
    user_can_organise_sessions,
    user_can_review_session,
    user_can_review_sessions,
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
    "OfflineBlock",
    "offline_attendance_count",
    "offline_block_find",
    "offline_signed_in_blocks",
    "school_sessions_for_organiser",
    "school_sessions_for_teacher",
    "school_sessions_open_for_sign_in",
    "school_sessions_to_review",
    "user_can_organise_offline_block",
    "user_can_organise_session",
    "user_can_organise_sessions",
    "user_can_review_session",
    "user_can_review_sessions",
]
