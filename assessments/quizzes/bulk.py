"""Marking many quiz attempts at once, set-based: the sweep that submits attempts whose time ran out
(assessments.quizzes.tasks) marks them in batches here.

A batch is one transaction and a handful of statements whatever its size: the attempts still in progress
are locked (rows another worker holds are skipped, so no attempt is marked twice), their items, answers
and pass marks read in three queries, every drawn item marked in Python by the same rule as
quiz_attempt_submit (services.attempt_marking; each distinct response to an item is marked once per
batch), the item results written by COPY (bulk_create off PostgreSQL) and the attempts closed by one
UPDATE."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from assessments.models import AttemptStatus, Quiz, QuizAnswer, QuizAttempt, QuizItem, QuizItemResult
from assessments.quizzes.marking import MarkedItem
from assessments.review.results import competency_results_from_quiz
from assessments.quizzes.services import DEADLINE_GRACE, ItemToMark, attempt_marking, item_mark

# QuizItemResult's columns in the order _marked_rows gives them.
_RESULT_COLUMNS = (
    "attempt_id", "item_id", "position", "competency_code", "response", "score", "max_score", "correct",
    "explanation", "detail",
)
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


class _Attempt(NamedTuple):
    id: int
    quiz_id: int
    item_ids: list[int]


class _Closed(NamedTuple):
    """An attempt's totals, written back to it when it is closed."""

    id: int
    score: Decimal
    max_score: Decimal
    percent: Decimal
    passed: bool


@dataclass(frozen=True)
class _Sources:
    """Everything a batch's marking reads, loaded once per batch."""

    items: dict[int, ItemToMark]
    responses: dict[int, dict[int, str]]  # attempt id → item id → the response as JSON text
    pass_marks: dict[int, Decimal]  # quiz id → pass mark


class _MarkMemo:
    """Marks each distinct (item, response) of a batch once and encodes its detail once: across a batch's
    attempts most responses to an item repeat (the same option, the same words in a blank). Safe because
    mark_item is pure and a batch runs in one language. Responses come and stay as JSON text."""

    def __init__(self) -> None:
        self._marks: dict[tuple[int, str | None], MarkedItem] = {}
        self.details: dict[int, str] = {}  # id() of a remembered mark → its detail as JSON text

    def __call__(self, item_id: int, item: ItemToMark, response: str | None) -> MarkedItem:
        marked = self._marks.get((item_id, response))
        if marked is None:
            decoded = None if response is None else json.loads(response)
            marked = self._marks[item_id, response] = item_mark(item_id, item, decoded)
            self.details[id(marked)] = _json(list(marked.detail))
        return marked


def quiz_attempts_expired_ids(*, now: dt.datetime, limit: int) -> list[int]:
    """Attempts still in progress whose deadline plus DEADLINE_GRACE has passed (the moment
    quiz_answer_save starts refusing answers), lowest id first."""
    return list(
        QuizAttempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=now - DEADLINE_GRACE)
        .order_by("pk").values_list("pk", flat=True)[:limit]
    )


def quiz_attempts_mark(*, attempt_ids: Sequence[int], now: dt.datetime | None = None) -> int:
    """Mark and submit those of attempt_ids still in progress, exactly as quiz_attempt_submit would; the
    number marked. Attempts already submitted, or being marked by another worker right now, are left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        attempts = _attempts_lock(attempt_ids)
        if not attempts:
            return 0
        sources = _sources_load(attempts)
        closed: list[_Closed] = []
        _results_write(_marked_rows(attempts, sources, closed))
        _attempts_close(closed, now=now)
        competency_results_from_quiz(attempt_ids=[a.id for a in attempts], now=now)
    return len(attempts)


def _attempts_lock(attempt_ids: Sequence[int]) -> list[_Attempt]:
    """Lock the attempts still in progress; rows another transaction holds are skipped, not waited for.
    A row submitted meanwhile fails the status test when PostgreSQL re-reads it after the lock."""
    rows = (
        QuizAttempt.objects.select_for_update(skip_locked=True)
        .filter(pk__in=list(attempt_ids), status=AttemptStatus.IN_PROGRESS)
        .order_by("pk").values_list("pk", "quiz_id", "item_ids")
    )
    return [_Attempt(pk, quiz_id, item_ids) for pk, quiz_id, item_ids in rows]


def _sources_load(attempts: Sequence[_Attempt]) -> _Sources:
    item_ids = {item_id for attempt in attempts for item_id in attempt.item_ids}
    items = {
        pk: ItemToMark(item_type=item_type, key=key, points=points, competency_code=code)
        for pk, item_type, key, points, code in QuizItem.objects.filter(pk__in=item_ids).values_list(
            "pk", "item_type", "key", "points", "competency__code"
        )
    }
    responses: dict[int, dict[int, str]] = defaultdict(dict)
    answers = QuizAnswer.objects.filter(attempt_id__in=[a.id for a in attempts]).annotate(
        text=Cast("response", output_field=TextField())
    )
    for attempt_id, item_id, text in answers.values_list("attempt_id", "item_id", "text"):
        if text != "null":  # a saved None is unanswered, as quiz_attempt_submit reads it
            responses[attempt_id][item_id] = text
    pass_marks = dict(Quiz.objects.filter(pk__in={a.quiz_id for a in attempts}).values_list("pk", "pass_mark"))
    return _Sources(items=items, responses=responses, pass_marks=pass_marks)


def _marked_rows(attempts: Iterable[_Attempt], sources: _Sources, closed: list[_Closed]) -> Iterator[tuple[Any, ...]]:
    """The result rows (in _RESULT_COLUMNS order, response and detail as JSON text) of every attempt, marked
    one attempt at a time so that a big batch never holds all its rows; each attempt's totals go to `closed`."""
    memo, no_answers = _MarkMemo(), dict[int, str]()
    for attempt in attempts:
        marking = attempt_marking(
            item_ids=attempt.item_ids, items=sources.items, responses=sources.responses.get(attempt.id, no_answers),
            pass_mark=sources.pass_marks[attempt.quiz_id], mark=memo,
        )
        closed.append(_Closed(attempt.id, marking.score, marking.max_score, marking.percent, marking.passed))
        for m in marking.items:
            yield (
                attempt.id, m.item_id, m.position, m.competency_code, m.response, m.mark.score, m.mark.max_score,
                m.mark.correct, m.mark.explanation, memo.details[id(m.mark)],
            )


def _results_write(rows: Iterable[tuple[Any, ...]]) -> None:
    if connection.vendor == "postgresql":
        _results_copy(rows)
        return
    results = []
    for row in rows:
        fields = dict(zip(_RESULT_COLUMNS, row))
        fields["response"] = None if fields["response"] is None else json.loads(fields["response"])
        fields["detail"] = json.loads(fields["detail"])
        results.append(QuizItemResult(**fields))
    QuizItemResult.objects.bulk_create(results, batch_size=1000)


def _results_copy(rows: Iterable[tuple[Any, ...]]) -> None:
    """COPY on the transaction's own connection (None → NULL, as the JSONField stores it)."""
    statement = f"COPY {QuizItemResult._meta.db_table} ({', '.join(_RESULT_COLUMNS)}) FROM STDIN"
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _attempts_close(closed: Sequence[_Closed], *, now: dt.datetime) -> None:
    if connection.vendor == "postgresql":
        _attempts_close_postgresql(closed, now=now)
        return
    QuizAttempt.objects.bulk_update(
        [
            QuizAttempt(pk=c.id, status=AttemptStatus.SUBMITTED, submitted_at=now, score=c.score,
                        max_score=c.max_score, percent=c.percent, passed=c.passed)
            for c in closed
        ],
        ["status", "submitted_at", "score", "max_score", "percent", "passed"], batch_size=500,
    )


def _attempts_close_postgresql(closed: Sequence[_Closed], *, now: dt.datetime) -> None:
    """One UPDATE joined to the totals passed as five arrays: five parameters whatever the batch size."""
    table = QuizAttempt._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS a SET status = %s, submitted_at = %s, score = t.score, max_score = t.max_score, "
            f"percent = t.percent, passed = t.passed "
            f"FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[], %s::boolean[]) "
            f"AS t(id, score, max_score, percent, passed) WHERE a.id = t.id",
            [
                AttemptStatus.SUBMITTED.value, now, [c.id for c in closed], [c.score for c in closed],
                [c.max_score for c in closed], [c.percent for c in closed], [c.passed for c in closed],
            ],
        )
