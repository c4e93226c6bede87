"""Quizzes in lessons: start an attempt, answer and submit in one form; the server keeps the clock and
marks every item, and the lesson shows each item's explanation."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.api import (
    QuizItem,
    quiz_attempt_current,
    quiz_attempt_items,
    quiz_attempt_latest_submitted,
    quiz_attempt_result,
    quiz_attempt_start,
    quiz_attempts_taken,
)
from courses.models import Enrolment, EnrolmentStatus, LessonPage
from courses.services.quizzes import lesson_quiz_for, lesson_quiz_submit


def _plain(value: Decimal | None) -> str:
    """2, 1.5, 66.7: a score without trailing zeros."""
    return format((value or Decimal(0)).normalize(), "f")


def _display(item: QuizItem, seed: str) -> dict[str, Any]:
    """What the page shows of an item: its stem and choices, never which are right."""
    key = item.key
    view: dict[str, Any] = {"id": item.pk, "type": item.item_type, "stem": item.stem, "points": item.points}
    if item.item_type in ("single", "multiple"):
        view["options"] = key.get("options", [])
    elif item.item_type == "fill_in":
        view["blanks"] = list(range(len(key.get("blanks", []))))
    elif item.item_type == "ordering":
        shuffled = list(key.get("items", []))
        random.Random(f"{seed}:{item.pk}").shuffle(shuffled)
        view["entries"] = shuffled
        view["positions"] = list(range(1, len(shuffled) + 1))
    elif item.item_type == "matching":
        view["lefts"] = list(key.get("pairs", {}).keys())
        view["rights"] = key.get("rights", [])
    return view


def quiz_block_context(*, lesson: LessonPage, block: Any, enrolment: Enrolment | None) -> dict[str, Any]:
    quiz = block.value.get("quiz")
    if enrolment is None or quiz is None:
        return {"open": False}
    teacher = enrolment.teacher
    attempt = quiz_attempt_current(quiz=quiz, teacher=teacher)
    latest = quiz_attempt_latest_submitted(quiz=quiz, teacher=teacher)
    taken = quiz_attempts_taken(quiz=quiz, teacher=teacher)
    return {
        "open": True,
        "quiz": quiz,
        "studying": enrolment.status == EnrolmentStatus.ACTIVE,
        "attempt": attempt,
        "items": [_display(item, attempt.seed) for item in quiz_attempt_items(attempt=attempt)] if attempt else [],
        "result": quiz_attempt_result(attempt=latest) if latest else None,
        "attempts_left": None if quiz.attempts_allowed is None else max(0, quiz.attempts_allowed - taken),
        "start_url": reverse("courses:quiz_start", args=[lesson.pk, block.id]),
        "submit_url": reverse("courses:quiz_submit", args=[lesson.pk, block.id]),
    }


def _response(item: QuizItem, form: QueryDict) -> Any:
    """The form's answer to one item in the shape marking expects; None when unanswered."""
    name = f"item-{item.pk}"
    if item.item_type == "single":
        return form.get(name) or None
    if item.item_type == "true_false":
        value = form.get(name)
        return None if value not in ("true", "false") else value == "true"
    if item.item_type == "multiple":
        return form.getlist(name) or None
    if item.item_type == "fill_in":
        return [form.get(f"{name}-{n}", "") for n in range(len(item.key.get("blanks", [])))]
    if item.item_type == "ordering":
        ranked = []
        for entry in item.key.get("items", []):
            try:
                ranked.append((int(form.get(f"{name}-{entry}", "")), entry))
            except ValueError:
                return None
        return [entry for _rank, entry in sorted(ranked)]
    if item.item_type == "matching":
        return {left: form.get(f"{name}-{left}", "") for left in item.key.get("pairs", {})}
    return None


def _back(lesson: LessonPage, block_id: str) -> HttpResponse:
    return redirect(f"{lesson.url}#quiz-{block_id}")


@require_POST
def quiz_start_view(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        access = lesson_quiz_for(user=request.user, lesson=lesson, block_id=block_id)
        quiz_attempt_start(quiz=access.quiz, teacher=access.teacher)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
    return _back(lesson, block_id)


@require_POST
def quiz_submit_view(request: HttpRequest, lesson_id: int, block_id: str) -> HttpResponse:
    """Save the answers (refused once time is up or for another attempt) and submit the attempt."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        access = lesson_quiz_for(user=request.user, lesson=lesson, block_id=block_id)
        submitted = lesson_quiz_submit(
            access=access, lesson=lesson, attempt_id=request.POST.get("attempt", ""),
            response_of=lambda item: _response(item, request.POST),
        )
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return _back(lesson, block_id)
    except ValidationError as invalid:
        messages.error(request, " ".join(invalid.messages))
        return _back(lesson, block_id)
    for message in submitted.refused:
        messages.error(request, message)
    attempt = submitted.result.attempt
    messages.success(request, _("Submitted: %(score)s of %(max)s (%(percent)s%%).") % {
        "score": _plain(attempt.score), "max": _plain(attempt.max_score), "percent": _plain(attempt.percent),
    })
    return _back(lesson, block_id)
