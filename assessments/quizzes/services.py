"""Writes on the item bank and quiz attempts. The server keeps the clock: an answer after the deadline, for
another attempt or for an item the attempt did not draw is refused; submitting marks every drawn item
(assessments.quizzes.marking) and records each item's result once."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import AttemptStatus, FrameworkNode, Quiz, QuizAnswer, QuizAttempt, QuizItem, QuizItemResult
from assessments.quizzes.draw import DrawError, DrawRule, PoolItem, draw_items
from assessments.quizzes.marking import (
    AnswerKeyError,
    CompetencyResult,
    MarkedItem,
    ResponseError,
    key_check,
    mark_item,
    response_check,
    roll_up,
)
from assessments.review.results import competency_results_from_quiz
from lms.api import Organisation, Teacher

# An answer that left the browser just before the deadline still counts.
DEADLINE_GRACE = dt.timedelta(seconds=5)


def quiz_item_create(
    *, institution: Organisation, item_type: str, stem: str, key: dict[str, Any], competency: FrameworkNode,
    points: Decimal = Decimal(1), difficulty: int = 3, explanation: str = "", user: Any = None,
) -> QuizItem:
    try:
        key_check(item_type, key)
    except AnswerKeyError as invalid:
        raise ValidationError({"key": str(invalid)}) from invalid
    item = QuizItem(
        institution=institution, item_type=item_type, stem=stem, key=key, competency=competency, points=points,
        difficulty=difficulty, explanation=explanation, created_by=user if getattr(user, "pk", None) else None,
    )
    item.full_clean()
    item.save()
    return item


def _rules(quiz: Quiz) -> list[DrawRule]:
    return [DrawRule(competency=r["competency"], count=int(r["count"]), difficulty=r.get("difficulty")) for r in quiz.rules]


def _pool(quiz: Quiz) -> list[PoolItem]:
    codes = {rule["competency"] for rule in quiz.rules}
    rows = QuizItem.objects.filter(
        institution_id=quiz.institution_id, is_active=True, competency__code__in=codes
    ).values_list("pk", "competency__code", "difficulty")
    return [PoolItem(id=pk, competency=code, difficulty=difficulty) for pk, code, difficulty in rows]


@transaction.atomic
def quiz_attempt_start(*, quiz: Quiz, teacher: Teacher, now: dt.datetime | None = None) -> QuizAttempt:
    """The attempt in progress, or a new one with freshly drawn items; refused when no attempt is left."""
    now = now or timezone.now()
    current = QuizAttempt.objects.filter(quiz=quiz, teacher=teacher, status=AttemptStatus.IN_PROGRESS).first()
    if current is not None:
        if current.deadline is None or now <= current.deadline + DEADLINE_GRACE:
            return current
        quiz_attempt_submit(attempt=current, teacher=teacher, now=now)  # time ran out: mark what was saved
    taken = QuizAttempt.objects.filter(quiz=quiz, teacher=teacher).count()
    if quiz.attempts_allowed is not None and taken >= quiz.attempts_allowed:
        raise ValidationError(_("No attempts left for this quiz."))
    seed = secrets.token_hex(16)
    try:
        item_ids = draw_items(pool=_pool(quiz), rules=_rules(quiz), seed=seed)
    except DrawError as short:
        raise ValidationError(str(short)) from short
    deadline = now + dt.timedelta(minutes=quiz.time_limit_minutes) if quiz.time_limit_minutes else None
    try:
        with transaction.atomic():
            return QuizAttempt.objects.create(
                quiz=quiz, teacher=teacher, number=taken + 1, seed=seed, item_ids=item_ids, started_at=now,
                deadline=deadline,
            )
    except IntegrityError:  # another start for this teacher won the race: theirs is the attempt
        return QuizAttempt.objects.get(quiz=quiz, teacher=teacher, status=AttemptStatus.IN_PROGRESS)


def _attempt_locked(attempt_id: int, teacher: Teacher) -> QuizAttempt:
    attempt = QuizAttempt.objects.select_for_update().filter(pk=attempt_id).first()
    if attempt is None or attempt.teacher_id != teacher.pk:
        raise PermissionDenied(_("This attempt is not yours."))
    return attempt


@transaction.atomic
def quiz_answer_save(
    *, attempt_id: int, teacher: Teacher, item_id: int, response: Any, now: dt.datetime | None = None
) -> QuizAnswer:
    now = now or timezone.now()
    attempt = _attempt_locked(attempt_id, teacher)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise ValidationError(_("This attempt has been submitted; its answers can no longer change."))
    if attempt.deadline is not None and now > attempt.deadline + DEADLINE_GRACE:
        raise ValidationError(_("Time is up: answers after the time limit are not accepted."))
    if item_id not in attempt.item_ids:
        raise ValidationError(_("This question is not part of your attempt."))
    item = QuizItem.objects.get(pk=item_id)
    try:
        response_check(item.item_type, item.key, response)
    except ResponseError as invalid:
        raise ValidationError(str(invalid)) from invalid
    answer, _created = QuizAnswer.objects.update_or_create(
        attempt=attempt, item=item, defaults={"response": response, "answered_at": now}
    )
    return answer


@dataclass(frozen=True)
class AttemptResult:
    attempt: QuizAttempt
    items: list[QuizItemResult]
    competencies: list[CompetencyResult]


def _percent(score: Decimal, maximum: Decimal) -> Decimal:
    return (score * 100 / maximum).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if maximum else Decimal(0)


@dataclass(frozen=True)
class ItemToMark:
    """What marking needs of one item."""

    item_type: str
    key: Any
    points: Decimal
    competency_code: str


class ItemMark(NamedTuple):
    """One drawn item of an attempt, marked: its position (from 1) and the response (None when unanswered)."""

    position: int
    item_id: int
    competency_code: str
    response: Any
    mark: MarkedItem


@dataclass(frozen=True)
class AttemptMarking:
    items: list[ItemMark]
    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool


def item_mark(item_id: int, item: ItemToMark, response: Any) -> MarkedItem:
    return mark_item(item_id=item_id, item_type=item.item_type, key=item.key, response=response, points=item.points)


def attempt_marking(
    *, item_ids: Sequence[int], items: Mapping[int, ItemToMark], responses: Mapping[int, Any], pass_mark: Decimal,
    mark: Callable[[int, ItemToMark, Any], MarkedItem] = item_mark,
) -> AttemptMarking:
    """Every drawn item marked in order (unanswered ones score 0) and the totals: the one rule of
    quiz_attempt_submit and of the bulk path (assessments.quizzes.bulk, which passes a remembering `mark`)."""
    marks = []
    for position, item_id in enumerate(item_ids, start=1):
        item = items[item_id]
        response = responses.get(item_id)
        marks.append(ItemMark(position, item_id, item.competency_code, response, mark(item_id, item, response)))
    score = sum((m.mark.score for m in marks), Decimal(0))
    maximum = sum((m.mark.max_score for m in marks), Decimal(0))
    percent = _percent(score, maximum)
    return AttemptMarking(items=marks, score=score, max_score=maximum, percent=percent, passed=percent >= pass_mark)


@transaction.atomic
def quiz_attempt_submit(*, attempt: QuizAttempt, teacher: Teacher, now: dt.datetime | None = None) -> AttemptResult:
    """Mark every drawn item (unanswered ones score 0) and close the attempt. Submitting twice changes nothing."""
    now = now or timezone.now()
    attempt = _attempt_locked(attempt.pk, teacher)
    if attempt.status == AttemptStatus.SUBMITTED:
        return quiz_attempt_result(attempt=attempt)
    items = QuizItem.objects.in_bulk(attempt.item_ids)
    competency_codes = dict(
        FrameworkNode.objects.filter(pk__in={i.competency_id for i in items.values()}).values_list("pk", "code")
    )
    to_mark = {
        pk: ItemToMark(item.item_type, item.key, item.points, competency_codes[item.competency_id])
        for pk, item in items.items()
    }
    responses = dict(QuizAnswer.objects.filter(attempt=attempt).values_list("item_id", "response"))
    marking = attempt_marking(
        item_ids=attempt.item_ids, items=to_mark, responses=responses, pass_mark=attempt.quiz.pass_mark
    )
    results = [
        QuizItemResult(
            attempt=attempt, item=items[m.item_id], position=m.position, competency_code=m.competency_code,
            response=m.response, score=m.mark.score, max_score=m.mark.max_score, correct=m.mark.correct,
            explanation=m.mark.explanation, detail=list(m.mark.detail),
        )
        for m in marking.items
    ]
    QuizItemResult.objects.bulk_create(results)
    attempt.status, attempt.submitted_at = AttemptStatus.SUBMITTED, now
    attempt.score, attempt.max_score, attempt.percent = marking.score, marking.max_score, marking.percent
    attempt.passed = marking.passed
    attempt.save(update_fields=["status", "submitted_at", "score", "max_score", "percent", "passed"])
    competency_results_from_quiz(attempt_ids=[attempt.pk], now=now)
    competencies = roll_up((m.mark, m.competency_code) for m in marking.items)
    return AttemptResult(attempt=attempt, items=results, competencies=competencies)


def quiz_attempt_result(*, attempt: QuizAttempt) -> AttemptResult:
    """A submitted attempt's marking as recorded: per item with its explanation, and per competency."""
    items = list(QuizItemResult.objects.filter(attempt=attempt).select_related("item"))
    marked = [
        (MarkedItem(item_id=r.item_id, score=r.score, max_score=r.max_score, correct=r.correct,
                    explanation=r.explanation, detail=tuple(r.detail)), r.competency_code)
        for r in items
    ]
    return AttemptResult(attempt=attempt, items=items, competencies=roll_up(marked))


def quiz_attempt_current(*, quiz: Quiz, teacher: Teacher) -> QuizAttempt | None:
    return QuizAttempt.objects.filter(quiz=quiz, teacher=teacher, status=AttemptStatus.IN_PROGRESS).first()


def quiz_attempt_latest_submitted(*, quiz: Quiz, teacher: Teacher) -> QuizAttempt | None:
    return (
        QuizAttempt.objects.filter(quiz=quiz, teacher=teacher, status=AttemptStatus.SUBMITTED)
        .order_by("-number").first()
    )


def quiz_passed(*, quiz_id: int, teacher_id: int) -> bool:
    """Whether any submitted attempt reached the pass mark (the best attempt counts)."""
    return QuizAttempt.objects.filter(
        quiz_id=quiz_id, teacher_id=teacher_id, status=AttemptStatus.SUBMITTED, passed=True
    ).exists()


def quiz_best_percent(*, quiz_id: int, teacher_id: int) -> Decimal | None:
    best = (
        QuizAttempt.objects.filter(quiz_id=quiz_id, teacher_id=teacher_id, status=AttemptStatus.SUBMITTED)
        .order_by("-percent").values_list("percent", flat=True).first()
    )
    return best


def quiz_attempt_items(*, attempt: QuizAttempt) -> list[QuizItem]:
    """The attempt's items in the order drawn (the page shows their stems and options, never their keys)."""
    items = QuizItem.objects.in_bulk(attempt.item_ids)
    return [items[pk] for pk in attempt.item_ids]


def quiz_get(*, quiz_id: int) -> Quiz | None:
    return Quiz.objects.filter(pk=quiz_id).first()


def quiz_attempts_taken(*, quiz: Quiz, teacher: Teacher) -> int:
    return QuizAttempt.objects.filter(quiz=quiz, teacher=teacher).count()
