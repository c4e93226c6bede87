"""The public face of courses: other apps call only these functions."""

from __future__ import annotations

from courses.demo import CoursesDemoResult, courses_demo_seed
from courses.data import CycleHours, HoursTotals, TeacherCycleHours
from courses.models import HoursEntry, HoursKind, HoursPolicy, HoursSource
from courses.selectors import cycle_totals_for_teachers, hours_policy_current, hours_totals
from courses.services import hours_award, hours_reverse

__all__ = [
    "CoursesDemoResult",
    "courses_demo_seed",
    "CycleHours",
    "HoursEntry",
    "HoursKind",
    "HoursPolicy",
    "HoursSource",
    "HoursTotals",
    "TeacherCycleHours",
    "cycle_totals_for_teachers",
    "hours_award",
    "hours_policy_current",
    "hours_reverse",
    "hours_totals",
]
