"""What a course card and the course page show, computed once in Python: a card in the template is
a few plain lookups (twenty cards used to take 25 ms of template work on the catalog page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.models import CoursePage, DeliveryMode
from courses.selectors import catalog_seats_left, enrolment_window_state
from lms.vocab import SchoolStage, Subject

SUMMARY_CHARS = 120
_STAGES: dict[str, Any] = dict(SchoolStage.choices)  # lazy labels: translated when shown
_SUBJECTS: dict[str, Any] = dict(Subject.choices)


def stage_labels(codes: Any) -> list[str]:
    """Translated labels of the stored stage codes; an unknown code is shown as it is."""
    return [str(_STAGES.get(code, code)) for code in (codes or [])]


def subject_labels(codes: Any) -> list[str]:
    return [str(_SUBJECTS.get(code, code)) for code in (codes or [])]


def hours_text(hours: Decimal) -> str:
    """10.0 → "10", 12.5 → "12.5" (as the floatformat:"-1" filter shows them)."""
    return str(floatformat(hours, -1))


def window_badge(*, window: str, seats_left: int | None) -> tuple[str, str]:
    """(css class, label) of the enrolment state shown on cards and course pages."""
    if window == "not_open":
        return "window-soon", _("Enrolment not yet open")
    if window == "closed":
        return "window-closed", _("Enrolment closed")
    if seats_left == 0:
        return "window-full", _("No seats left")
    return "window-open", _("Open for enrolment")


def seats_text(seats_left: int | None) -> str:
    if seats_left is None:
        return _("No seat limit")
    return ngettext("%(left)s seat left", "%(left)s seats left", seats_left) % {"left": seats_left}


def _short_date(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def deadline_text(course: CoursePage, window: str) -> str:
    if window == "open" and course.enrol_closes_at:
        return _("Closes %(when)s") % {"when": _short_date(course.enrol_closes_at)}
    if window == "not_open" and course.enrol_opens_at:
        return _("Opens %(when)s") % {"when": _short_date(course.enrol_opens_at)}
    return ""


@dataclass
class CourseCard:
    """One result in a course list, ready to print."""

    url: str
    title: str
    code: str
    provider: str
    mode: str
    mode_label: str
    summary: str
    stages: list[str]
    subjects: list[str]
    points: list[tuple[str, str]]  # (code, name)
    hours: str
    badge: tuple[str, str]  # (css class, label)
    seats: str
    deadline: str


def _names(choices: Any) -> dict[str, str]:
    """A vocabulary's labels in the active language, translated once for a whole list of cards."""
    return {value: str(label) for value, label in choices.choices}


def course_cards(*, courses: list[CoursePage], request: Any) -> list[CourseCard]:
    """Cards for courses loaded by catalog_courses_load (provider, filed hours and capability points there)."""
    seats = catalog_seats_left(courses=courses)
    now = timezone.now()
    stages, subjects, modes = _names(SchoolStage), _names(Subject), _names(DeliveryMode)
    badges: dict[tuple[str, bool], tuple[str, str]] = {}
    cards = []
    for course in courses:
        window, left = enrolment_window_state(course=course, now=now), seats[course.pk]
        badge_key = (window, left == 0)
        if badge_key not in badges:
            badges[badge_key] = window_badge(window=window, seats_left=left)
        cards.append(CourseCard(
            url=course.get_url(request) or "", title=course.title, code=course.code, provider=course.provider.name,
            mode=course.delivery_mode, mode_label=modes.get(course.delivery_mode, course.delivery_mode),
            summary=Truncator(course.summary).chars(SUMMARY_CHARS),
            stages=[stages.get(code, code) for code in course.audience_stages or []],
            subjects=[subjects.get(code, code) for code in course.audience_subjects or []],
            points=[(point.code, point.name) for point in course.capability_points.all()],
            hours=hours_text(course.filed_hours.total), badge=badges[badge_key],
            seats=seats_text(left), deadline=deadline_text(course, window),
        ))
    return cards
