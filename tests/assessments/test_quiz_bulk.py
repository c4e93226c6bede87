"""Marking quiz attempts in bulk: the same results as submitting one attempt, each attempt marked once, and
the sweep that submits attempts whose time (and the grace) ran out while leaving running ones alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, JSONField, Q, Value
from django.utils import timezone

from assessments.models import AttemptStatus, FrameworkNode, Quiz, QuizAnswer, QuizAttempt, QuizItem, QuizItemResult
from assessments.quizzes.bulk import quiz_attempts_expired_ids, quiz_attempts_mark
from assessments.quizzes.services import (
    DEADLINE_GRACE,
    quiz_answer_save,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_item_create,
)
from assessments.quizzes.tasks import quiz_attempts_expire_sweep, quiz_attempts_mark_batch
from assessments.services import framework_2_0_core_ensure
from tests.concurrency import race
from tests.factories import build_tree, make_teacher

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 11, 9, 0, tzinfo=dt.timezone.utc)
T1 = T0 + dt.timedelta(minutes=12)
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"
)

CLEARED = object()  # an answer row holding JSON null (not something quiz_answer_save writes): unanswered
# (type, key, points, first set of responses, second set); None = never answered. The first set has one of
# each kind of mark: right, wrong, partly right, not answered.
A1_ITEMS = [
    ("single", {"options": ["A", "B", "C"], "correct": "B"}, Decimal(1), "C", "B"),
    ("multiple", {"options": ["A", "B", "C", "D"], "correct": ["A", "C"], "scoring": "partial"}, Decimal(2), ["A"], []),
    ("true_false", {"correct": True}, Decimal(1), True, CLEARED),
    ("fill_in", {"blanks": [["演示文稿", "PPT"], ["微课"]]}, Decimal(3), ["ｐｐｔ", " 微课 "], ["幻灯片", ""]),
]
A3_ITEMS = [
    ("ordering", {"items": ["a", "b", "c"], "scoring": "partial"}, Decimal(1), ["b", "a", "c"], ["a", "b", "c"]),
    ("matching", {"pairs": {"l1": "r1", "l2": "r2"}, "rights": ["r1", "r2"]}, Decimal("1.5"), {"l1": "r1", "l2": None},
     {"l2": "r1", "l1": "r2"}),
    ("single", {"options": ["A", "B"], "correct": "A"}, Decimal(1), None, "B"),
    ("true_false", {"correct": False}, Decimal(1), None, None),
]
RESULT_FIELDS = ("item_id", "position", "competency_code", "response", "score", "max_score", "correct", "explanation",
                 "detail")
ATTEMPT_FIELDS = ("status", "submitted_at", "score", "max_score", "percent", "passed")


def _bank(tree) -> tuple[Quiz, dict[int, object], dict[int, object]]:
    """A quiz drawing all eight items (every item type) and the two sets of responses to them."""
    framework_2_0_core_ensure()
    responses: dict[int, object] = {}
    others: dict[int, object] = {}
    for code, specs in (("A1", A1_ITEMS), ("A3", A3_ITEMS)):
        competency = FrameworkNode.objects.get(code=code, framework__is_current=True)
        for n, (item_type, key, points, response, other) in enumerate(specs):
            item = quiz_item_create(institution=tree.institution, item_type=item_type, stem=f"{code} 题 {n}", key=key,
                                    competency=competency, points=points)
            responses[item.pk], others[item.pk] = response, other
    quiz = Quiz.objects.create(
        institution=tree.institution, title="批量阅卷", time_limit_minutes=20, pass_mark=Decimal(60),
        rules=[{"competency": "A1", "count": 4}, {"competency": "A3", "count": 4}],
    )
    return quiz, responses, others


@pytest.fixture
def bank(tree):
    return _bank(tree)


def _attempts(quiz: Quiz, school, count: int, *, now: dt.datetime = T0):
    """`count` attempts started by new teachers, all with the first one's drawn items in its order."""
    attempts = []
    drawn: list[int] = []
    for n in range(count):
        teacher = make_teacher(school=school, real_name="批量老师" + "甲乙丙丁戊己庚辛壬癸子丑寅卯"[n])
        attempt = quiz_attempt_start(quiz=quiz, teacher=teacher, now=now)
        drawn = drawn or attempt.item_ids
        QuizAttempt.objects.filter(pk=attempt.pk).update(item_ids=drawn)
        attempt.refresh_from_db()
        attempts.append((attempt, teacher))
    return attempts


def _answer(attempt: QuizAttempt, teacher, responses: dict[int, object], now: dt.datetime = T0) -> None:
    for item_id in attempt.item_ids:
        response = responses[item_id]
        if response is CLEARED:
            QuizAnswer.objects.create(attempt=attempt, item_id=item_id, response=Value(None, JSONField()),
                                      answered_at=now)
        elif response is not None:
            quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=item_id, response=response, now=now)


def _results(attempt: QuizAttempt) -> list[tuple]:
    """The attempt's item results, and whether each response is SQL NULL (JSON null reads as None too)."""
    rows = QuizItemResult.objects.filter(attempt=attempt).order_by("position")
    null = ExpressionWrapper(Q(response__isnull=True), output_field=BooleanField())
    return list(rows.annotate(sql_null=null).values_list(*RESULT_FIELDS, "sql_null"))


def _attempt_fields(attempt: QuizAttempt) -> tuple:
    attempt.refresh_from_db()
    return tuple(getattr(attempt, field) for field in ATTEMPT_FIELDS)


def test_bulk_marking_records_exactly_what_submitting_one_attempt_records(bank, tree):
    quiz, responses, others = bank
    # Twins answer alike: one of each pair is submitted alone, the other marked in one batch with the rest
    # (two pairs share their answers, so the batch marks repeated responses too).
    answer_sets = [responses, others, responses, {item_id: None for item_id in responses}]
    twins = []
    for answers in answer_sets:
        (single, single_teacher), (bulk, bulk_teacher) = _attempts(quiz, tree.school_a1_1, 2)
        _answer(single, single_teacher, answers)
        _answer(bulk, bulk_teacher, answers)
        quiz_attempt_submit(attempt=single, teacher=single_teacher, now=T1)
        twins.append((single, bulk))

    assert quiz_attempts_mark(attempt_ids=[bulk.pk for _single, bulk in twins], now=T1) == 4

    for single, bulk in twins:
        assert _results(bulk) == _results(single)
        assert len(_results(bulk)) == 8
        assert _attempt_fields(bulk) == _attempt_fields(single)
    # single 0/1, multiple 1/2, true/false 1/1, fill-in 3/3, ordering 0.33/1, matching 0.75/1.5, two unanswered.
    assert _attempt_fields(twins[0][1]) == (
        AttemptStatus.SUBMITTED, T1, Decimal("6.08"), Decimal("11.5"), Decimal("52.9"), False)


def test_attempts_already_submitted_are_skipped_and_never_marked_twice(bank, tree):
    quiz, responses, _others = bank
    (done, done_teacher), (open_, _teacher) = _attempts(quiz, tree.school_a1_1, 2)
    quiz_attempt_submit(attempt=done, teacher=done_teacher, now=T0 + dt.timedelta(minutes=1))
    before = _results(done), _attempt_fields(done)

    assert quiz_attempts_mark(attempt_ids=[done.pk, open_.pk], now=T1) == 1
    assert quiz_attempts_mark(attempt_ids=[done.pk, open_.pk], now=T1 + dt.timedelta(minutes=1)) == 0

    assert (_results(done), _attempt_fields(done)) == before
    assert QuizItemResult.objects.filter(attempt=open_).count() == 8
    assert _attempt_fields(open_)[:2] == (AttemptStatus.SUBMITTED, T1)
    assert quiz_attempts_mark(attempt_ids=[], now=T1) == 0


def test_unanswered_items_score_zero_and_still_get_a_result_row(bank, tree):
    quiz, _responses, _others = bank
    [(attempt, _teacher)] = _attempts(quiz, tree.school_a1_1, 1)

    quiz_attempts_mark(attempt_ids=[attempt.pk], now=T1)

    rows = QuizItemResult.objects.filter(attempt=attempt).order_by("position")
    assert [r.item_id for r in rows] == attempt.item_ids
    assert all(r.score == 0 and not r.correct and r.response is None and r.detail == [] and r.explanation for r in rows)
    assert _attempt_fields(attempt)[2:] == (Decimal(0), Decimal("11.5"), Decimal("0.0"), False)


def test_expired_ids_are_those_past_the_deadline_and_the_grace(bank, tree):
    quiz, _responses, _others = bank
    [(attempt, _teacher)] = _attempts(quiz, tree.school_a1_1, 1)
    end = attempt.deadline + DEADLINE_GRACE

    assert quiz_attempts_expired_ids(now=end, limit=10) == []
    assert quiz_attempts_expired_ids(now=end + dt.timedelta(microseconds=1), limit=10) == [attempt.pk]
    assert quiz_attempts_expired_ids(now=end + dt.timedelta(microseconds=1), limit=0) == []


def test_the_sweep_submits_only_attempts_past_deadline_and_grace(bank, tree):
    quiz, _responses, _others = bank
    untimed = Quiz.objects.create(institution=tree.institution, title="不限时", pass_mark=Decimal(60), rules=quiz.rules)
    now = timezone.now()
    started = {  # the quiz allows 20 minutes
        "expired": now - dt.timedelta(minutes=30),
        "also_expired": now - dt.timedelta(minutes=25),
        "in_grace": now - dt.timedelta(minutes=20, seconds=1),
        "running": now - dt.timedelta(minutes=5),
    }
    attempts = {name: _attempts(quiz, tree.school_a1_1, 1, now=at)[0][0] for name, at in started.items()}
    attempts["untimed"] = _attempts(untimed, tree.school_a1_1, 1, now=now - dt.timedelta(days=2))[0][0]

    assert quiz_attempts_expire_sweep.delay(batch_size=1).get() == 2  # tasks run eagerly in tests

    status = {name: QuizAttempt.objects.get(pk=a.pk).status for name, a in attempts.items()}
    assert status == {"expired": AttemptStatus.SUBMITTED, "also_expired": AttemptStatus.SUBMITTED,
                      "in_grace": AttemptStatus.IN_PROGRESS, "running": AttemptStatus.IN_PROGRESS,
                      "untimed": AttemptStatus.IN_PROGRESS}
    assert QuizItemResult.objects.filter(attempt__in=[attempts["expired"], attempts["also_expired"]]).count() == 16
    assert not QuizItemResult.objects.filter(attempt__status=AttemptStatus.IN_PROGRESS).exists()


def test_an_attempt_that_cannot_be_marked_holds_back_none_of_its_batch(bank, tree):
    quiz, responses, _others = bank
    (broken, broken_teacher), (fine, _teacher) = _attempts(quiz, tree.school_a1_1, 2)
    true_false = next(i for i in broken.item_ids if responses[i] is True)
    quiz_answer_save(attempt_id=broken.pk, teacher=broken_teacher, item_id=true_false, response=True, now=T0)
    QuizItem.objects.filter(pk=true_false).update(key={})  # unreadable once answered

    assert quiz_attempts_mark_batch.delay([broken.pk, fine.pk]).get() == 1

    assert QuizAttempt.objects.get(pk=broken.pk).status == AttemptStatus.IN_PROGRESS
    assert not QuizItemResult.objects.filter(attempt=broken).exists()
    assert QuizAttempt.objects.get(pk=fine.pk).status == AttemptStatus.SUBMITTED


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_bulk_marks_of_the_same_ids_mark_each_attempt_once():
    tree = build_tree()
    quiz, responses, _others = _bank(tree)
    attempts = _attempts(quiz, tree.school_a1_1, 12)
    for attempt, teacher in attempts[:6]:
        _answer(attempt, teacher, responses)
    ids = [attempt.pk for attempt, _teacher in attempts]

    results = race([lambda: quiz_attempts_mark(attempt_ids=ids, now=T1)] * 4)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 12
    assert QuizItemResult.objects.filter(attempt_id__in=ids).count() == 12 * 8
    assert not QuizAttempt.objects.filter(pk__in=ids, status=AttemptStatus.IN_PROGRESS).exists()


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bulk_mark_racing_a_teachers_submit_marks_the_attempt_once():
    tree = build_tree()
    quiz, responses, _others = _bank(tree)
    [(attempt, teacher)] = _attempts(quiz, tree.school_a1_1, 1)
    _answer(attempt, teacher, responses)

    results = race([lambda: quiz_attempts_mark(attempt_ids=[attempt.pk], now=T1),
                    lambda: quiz_attempt_submit(attempt=attempt, teacher=teacher, now=T1)] * 3)

    assert not [r for r in results if isinstance(r, Exception)], results
    assert QuizItemResult.objects.filter(attempt=attempt).count() == 8
