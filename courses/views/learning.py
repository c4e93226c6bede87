"""Lesson pages and the video player's endpoints: start a viewing, heartbeats, mark a lesson done."""

from __future__ import annotations

import json
import math
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from courses.models import Enrolment, EnrolmentStatus, LessonPage, ProgressStatus
from assessments.api import ActivityResult
from courses.selectors.progress import (
    ActivityRequirement,
    activity_results,
    course_lessons,
    course_modules,
    lesson_course,
    lesson_progress_by_lesson,
    lesson_requirements,
    lesson_requirements_met,
    offline_attendance,
    video_resume,
    video_seconds_credited,
)
from courses.services.progress import lesson_mark_done, lesson_progress_start, lesson_progress_update
from courses.services.watching import watch_heartbeat, watch_rules, watch_start
from courses.services.activities import LessonActivity
from courses.views.activities import h5p_player_config
from courses.views.quizzes import quiz_block_context
from lms.api import teacher_for_user

OPEN_STATUSES = (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED)


def _enrolment(request: Any, lesson: LessonPage) -> tuple[Any, Enrolment | None]:
    """The lesson's course and the user's enrolment in it, looked up once per request."""
    cached = getattr(request, "_lesson_enrolment", None)
    if cached is not None and cached[0] == lesson.pk:
        return cached[1], cached[2]
    course = lesson_course(lesson=lesson)
    teacher = teacher_for_user(user=request.user) if request.user.is_authenticated else None
    enrolment = Enrolment.objects.filter(teacher=teacher, course=course).first() if teacher and course else None
    request._lesson_enrolment = (lesson.pk, course, enrolment)
    return course, enrolment


def lesson_refusal(*, request: Any, lesson: Any) -> Any:
    """Only a teacher with an active or completed enrolment opens a lesson (editors preview in Wagtail)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    course, enrolment = _enrolment(request, lesson)
    if enrolment is not None and enrolment.status in OPEN_STATUSES:
        return None
    if enrolment is not None and enrolment.status == EnrolmentStatus.WITHDRAWN:
        reason = _("You have withdrawn from this course, so its lessons are closed to you.")
    else:
        reason = _("Only teachers enrolled in this course can open its lessons.")
    context = {"lesson": lesson, "course": course, "reason": reason}
    return render(request, "courses/learning/lesson_refused.html", context, status=403)


def _minutes(seconds: int) -> str:
    minutes = math.floor(seconds / 6) / 10  # never rounds up: shows only what was counted
    return f"{minutes:.1f}".removesuffix(".0")


def _video_progress(enrolment: Enrolment | None, lesson: LessonPage, block_id: str, required: int,
                    credited: dict[str, int]) -> dict[str, Any]:
    done_seconds = min(credited.get(block_id, 0), required) if required else credited.get(block_id, 0)
    resume = video_resume(enrolment=enrolment, lesson=lesson, block_id=block_id) if enrolment else None
    return {
        "credited": done_seconds,
        "required": required,
        "credited_minutes": _minutes(done_seconds),
        "required_minutes": _minutes(required),
        "percent": min(100, done_seconds * 100 // required) if required else 100,
        "done": done_seconds >= required,
        "position": resume.position if resume else 0,
        "furthest": resume.furthest if resume else 0,
    }


def _activity_progress(request: Any, enrolment: Enrolment | None, lesson: LessonPage, block: Any,
                       results: dict[str, ActivityResult]) -> dict[str, Any]:
    activity = block.value.get("activity")
    if enrolment is None or activity is None or not activity.playable:
        return {"playable": False}
    result = results.get(block.id)
    return {
        "playable": True,
        "config_id": f"h5p-config-{block.id}",
        "config": h5p_player_config(request=request, lesson=lesson, access=LessonActivity(
            enrolment=enrolment, teacher=enrolment.teacher, activity=activity,
            requirement=ActivityRequirement(
                block_id=block.id, title=block.value.get("title", ""), activity_id=activity.pk,
                required_to_pass=bool(block.value.get("required_to_pass")),
            ),
        )),
        "result": result,
        "passing_score": activity.passing_score,
        "attempts_allowed": activity.attempts_allowed,
        "done": result is not None and (result.passed if block.value.get("required_to_pass") else result.completed),
    }


def _blocks(request: Any, enrolment: Enrolment | None, lesson: LessonPage) -> list[dict[str, Any]]:
    credited = video_seconds_credited(enrolment=enrolment, lesson=lesson) if enrolment else {}
    attended = offline_attendance(enrolment=enrolment, lesson=lesson) if enrolment else {}
    results = activity_results(enrolment=enrolment, lesson=lesson) if enrolment else {}
    blocks = []
    for child in lesson.body:
        progress: dict[str, Any] = {}
        if child.block_type == "video":
            progress = _video_progress(enrolment, lesson, child.id, child.value.required_seconds(), credited)
        elif child.block_type == "offline_session":
            progress = {"signed_in_at": attended.get(child.id)}
        elif child.block_type == "h5p":
            progress = _activity_progress(request, enrolment, lesson, child, results)
        elif child.block_type == "quiz":
            progress = quiz_block_context(lesson=lesson, block=child, enrolment=enrolment)
        blocks.append({"block": child, "progress": progress})
    return blocks


def _outline(course: Any, lesson: LessonPage, enrolment: Enrolment | None) -> dict[str, Any]:
    lessons = course_lessons(course=course) if course else []
    done = {
        pk for pk, p in (lesson_progress_by_lesson(enrolment=enrolment) if enrolment else {}).items()
        if p.status == ProgressStatus.DONE
    }
    modules = []
    for module in course_modules(course=course) if course else []:
        items = [
            {"lesson": item, "done": item.pk in done, "current": item.pk == lesson.pk}
            for item in lessons if item.path.startswith(module.path)
        ]
        modules.append({"module": module, "lessons": items})
    index = next((i for i, item in enumerate(lessons) if item.pk == lesson.pk), None)
    return {
        "outline": modules,
        "previous_lesson": lessons[index - 1] if index else None,
        "next_lesson": lessons[index + 1] if index is not None and index + 1 < len(lessons) else None,
    }


def lesson_context(*, request: Any, lesson: Any) -> dict[str, Any]:
    course, enrolment = _enrolment(request, lesson)
    if enrolment is not None and enrolment.status not in OPEN_STATUSES:
        enrolment = None  # a Wagtail preview by someone not studying: content only
    active = enrolment is not None and enrolment.status == EnrolmentStatus.ACTIVE
    progress = None
    requirements = lesson_requirements(lesson=lesson)
    can_mark_done = False
    if enrolment is not None and active:
        lesson_progress_start(enrolment=enrolment, lesson=lesson)
        # Also picks up sign-ins recorded elsewhere since the last visit.
        progress = lesson_progress_update(enrolment=enrolment, lesson=lesson)
        can_mark_done = (
            progress.status != ProgressStatus.DONE and not requirements.counted
            and lesson_requirements_met(enrolment=enrolment, lesson=lesson)
        )
    elif enrolment is not None:
        progress = lesson_progress_by_lesson(enrolment=enrolment).get(lesson.pk)
    lesson_done = progress is not None and progress.status == ProgressStatus.DONE
    rules = watch_rules()
    context: dict[str, Any] = {
        "course": course,
        "enrolment": enrolment,
        "tracking": active,
        "lesson_progress": progress,
        "lesson_done": lesson_done,
        "lesson_counted": requirements.counted,
        "can_mark_done": can_mark_done,
        "lesson_blocks": _blocks(request, enrolment, lesson),
        "has_h5p": bool(requirements.activities) and enrolment is not None,
        "lesson_has_activities": bool(requirements.activities),
        "player_config": {
            "heartbeatUrl": reverse("courses:heartbeat"),
            "heartbeatSeconds": rules.heartbeat_seconds,
            "idleSeconds": rules.idle_seconds,
            "tracking": active,
            "messages": {
                "lessonDone": _("Done"),
                "requiredReached": _("The required minutes of this video are counted."),
                "skipAhead": _("Skipping ahead is not counted: watch on from where you left off."),
                "network": _("The server could not be reached; watch time is not being counted."),
                "counting": _("Watch time is being counted."),
                "paused": _("Paused: watch time is not counted."),
                "hidden": _("This tab is hidden: watch time is not counted."),
            },
        },
    }
    context.update(_outline(course, lesson, enrolment))
    return context


# --- endpoints ----------------------------------------------------------------------------------


def _live_lesson(lesson_id: int) -> LessonPage:
    return get_object_or_404(LessonPage.objects.live(), pk=lesson_id)


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"ok": False, "message": message}, status=status, json_dumps_params={"ensure_ascii": False})


@require_POST
def watch_start_view(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _error(_("Log in to have your watch time counted."), 403)
    lesson = _live_lesson(lesson_id)
    try:
        session = watch_start(user=request.user, lesson=lesson, block_id=block_id)
    except PermissionDenied as refusal:
        return _error(str(refusal), 403)
    except ValidationError as invalid:
        return _error(" ".join(invalid.messages), 400)
    return JsonResponse({
        "ok": True,
        "token": session.token,
        "position": session.position,
        "furthest": session.furthest,
        "block_credited": session.credited_before,
        "required": session.required_seconds,
    })


# Far beyond any real video or session (a block lasts at most 600 minutes), within the database's integers.
MAX_BEAT_NUMBER = 1_000_000


def _number(data: dict[str, Any], name: str, *, whole: bool = False) -> float:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(name)
    if not 0 <= value <= MAX_BEAT_NUMBER:
        raise ValueError(name)
    if whole and value != int(value):
        raise ValueError(name)
    return value


@csrf_exempt  # the credential is the unguessable session token bound to the teacher at start
@require_POST
def heartbeat_view(request: HttpRequest) -> HttpResponse:
    try:
        data = json.loads(request.body)
        token = data["token"]
        if not isinstance(token, str) or not 0 < len(token) <= 64:
            raise ValueError("token")
        seq = int(_number(data, "seq", whole=True))
        position = _number(data, "position")
        played = _number(data, "played")
    except (ValueError, KeyError, TypeError):
        return _error(_("A heartbeat needs a session token, a sequence number, a position and the seconds played."), 400)
    result = watch_heartbeat(token=token, seq=seq, position=position, played=played)
    body = {
        "ok": result.accepted,
        "credited": result.credited,
        "block_credited": result.block_credited,
        "required": result.required_seconds,
        "furthest": result.furthest,
        "reason": result.refused_reason,
        "message": result.message,
        "lesson_done": result.lesson_done,
    }
    return JsonResponse(body, status=200 if result.accepted else 409, json_dumps_params={"ensure_ascii": False})


@require_POST
def lesson_done_view(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = _live_lesson(lesson_id)
    if not request.user.is_authenticated:
        return redirect_to_login(lesson.url or "/")
    try:
        lesson_mark_done(user=request.user, lesson=lesson)
    except (PermissionDenied, ValidationError) as refusal:
        text = " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
        messages.error(request, text)
    else:
        messages.success(request, _("Lesson marked as done."))
    return redirect(lesson.url or "/")
