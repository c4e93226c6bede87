"""A course's page: what it is, its hours and audience, its outline, and the enrolment panel.

The panel only shows the state and posts to courses:enrol / courses:withdraw; the enrolment
services decide, and their refusals come back as messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from courses.models import CourseHours, CoursePage, Enrolment, EnrolmentStatus, LessonPage, LessonProgress, ModulePage
from courses.selectors import course_seats_left, enrolment_for, enrolment_window_state
from courses.views.catalog_cards import stage_labels, subject_labels, window_badge
from lms.api import Teacher, teacher_for_user

STUDYING = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


@dataclass
class LessonLine:
    lesson: LessonPage
    status: str  # not_started / in_progress / done (LessonProgress), "" when not enrolled
    url: str | None  # only for enrolled teachers


@dataclass
class ModuleOutline:
    module: ModulePage
    lessons: list[LessonLine] = field(default_factory=list)


@dataclass
class PrerequisiteLine:
    course: CoursePage
    url: str | None
    completed: bool | None  # None: no teacher to ask about


@dataclass
class EnrolPanel:
    """anonymous, not_teacher, enrolled, completed, not_published, not_open, closed, prerequisites, full or can_enrol
    (in the order the enrolment service checks them)."""

    state: str
    enrolment: Enrolment | None = None
    continue_url: str | None = None
    withdrawn_before: bool = False


def _outline(course: CoursePage, *, enrolment: Enrolment | None, request: Any) -> list[ModuleOutline]:
    """Live modules and lessons in tree order; lesson links and progress only for a studying teacher."""
    modules = {m.path: ModuleOutline(module=m) for m in ModulePage.objects.child_of(course).live().order_by("path")}
    studying = enrolment is not None and enrolment.status in STUDYING
    progress: dict[int, str] = {}
    if studying:
        progress = dict(LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_id", "status"))
    lessons = LessonPage.objects.descendant_of(course).live().order_by("path").defer_streamfields()
    for lesson in lessons:
        outline = modules.get(lesson.path[: -LessonPage.steplen])
        if outline is None:
            continue
        outline.lessons.append(LessonLine(
            lesson=lesson,
            status=progress.get(lesson.pk, "not_started") if studying else "",
            url=lesson.get_url(request) if studying else None,
        ))
    return list(modules.values())


def _continue_url(outline: list[ModuleOutline]) -> str | None:
    """The first required lesson not done yet, else the first lesson."""
    lines = [line for module in outline for line in module.lessons]
    for line in lines:
        if line.lesson.required and line.status != "done":
            return line.url
    return lines[0].url if lines else None


def _prerequisites(course: CoursePage, *, teacher: Teacher | None, request: Any) -> list[PrerequisiteLine]:
    required = list(course.prerequisites.all().order_by("title"))
    completed: set[int] = set()
    if teacher is not None and required:
        completed = set(
            Enrolment.objects.filter(
                teacher=teacher, course__in=[c.pk for c in required], status=EnrolmentStatus.COMPLETED
            ).values_list("course_id", flat=True)
        )
    return [
        PrerequisiteLine(
            course=c, url=c.get_url(request) if c.live else None,
            completed=(c.pk in completed) if teacher is not None else None,
        )
        for c in required
    ]


def _panel(
    *, user: Any, teacher: Teacher | None, enrolment: Enrolment | None, published: bool, window: str,
    prerequisites_missing: bool, seats_left: int | None, continue_url: str | None,
) -> EnrolPanel:
    if not user.is_authenticated:
        return EnrolPanel(state="anonymous")
    if enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE:
        return EnrolPanel(state="enrolled", enrolment=enrolment, continue_url=continue_url)
    if enrolment is not None and enrolment.status == EnrolmentStatus.COMPLETED:
        return EnrolPanel(state="completed", enrolment=enrolment, continue_url=continue_url)
    withdrawn = enrolment is not None
    if teacher is None:
        state = "not_teacher"
    elif not published:
        state = "not_published"
    elif window != "open":
        state = window
    elif prerequisites_missing:
        state = "prerequisites"
    elif seats_left == 0:
        state = "full"
    else:
        state = "can_enrol"
    return EnrolPanel(state=state, enrolment=enrolment, withdrawn_before=withdrawn)


def course_context(*, request: Any, course: CoursePage) -> dict[str, Any]:
    saved = course.pk is not None  # an unsaved page is being previewed in the admin
    filed = CourseHours.objects.filter(course_id=course.pk).first() if saved else None
    user = getattr(request, "user", None) or AnonymousUser()
    teacher = teacher_for_user(user=user) if user.is_authenticated else None
    enrolment = enrolment_for(teacher=teacher, course=course) if teacher is not None and saved else None
    seats_left = course_seats_left(course=course) if saved else course.seats
    window = enrolment_window_state(course=course, now=timezone.now())
    outline = _outline(course, enrolment=enrolment, request=request) if saved else []
    prerequisites = _prerequisites(course, teacher=teacher, request=request) if saved else []
    return {
        "filed_hours": filed,
        "stage_labels": stage_labels(course.audience_stages),
        "subject_labels": subject_labels(course.audience_subjects),
        "capability_points": list(course.capability_points.all().order_by("position", "code")),
        "seats_left": seats_left,
        "window": window,
        "badge": window_badge(window=window, seats_left=seats_left),
        "prerequisites": prerequisites,
        "outline": outline,
        "lesson_count": sum(len(m.lessons) for m in outline),
        "teacher": teacher,
        "enrolment": enrolment,
        "panel": _panel(
            user=user, teacher=teacher, enrolment=enrolment,
            published=bool(course.live and filed is not None), window=window, seats_left=seats_left,
            prerequisites_missing=any(line.completed is False for line in prerequisites),
            continue_url=_continue_url(outline),
        ),
    }
