"""Quizzes: items drawn per competency (reproducibly), the server's clock, marking explained per item and
rolled up per competency; bad answers refused with nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from assessments.models import AttemptStatus, FrameworkNode, Quiz, QuizAnswer, QuizItem, QuizItemResult
from assessments.quizzes.draw import draw_items
from assessments.quizzes.services import (
    _pool,
    _rules,
    quiz_answer_save,
    quiz_attempt_result,
    quiz_attempt_start,
    quiz_attempt_submit,
    quiz_item_create,
)
from assessments.services import framework_2_0_core_ensure
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 5, 11, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def bank(tree):
    framework_2_0_core_ensure()
    a1 = FrameworkNode.objects.get(code="A1", framework__is_current=True)
    a3 = FrameworkNode.objects.get(code="A3", framework__is_current=True)
    for n in range(4):
        quiz_item_create(institution=tree.institution, item_type="true_false", stem=f"学情分析判断 {n}",
                         key={"correct": n % 2 == 0}, competency=a1)
    for n in range(3):
        quiz_item_create(institution=tree.institution, item_type="single", stem=f"演示文稿单选 {n}",
                         key={"options": ["A", "B", "C"], "correct": "B"}, competency=a3, points=Decimal(2))
    quiz = Quiz.objects.create(
        institution=tree.institution, title="能力点自测", time_limit_minutes=20, attempts_allowed=2,
        pass_mark=Decimal(60), rules=[{"competency": "A1", "count": 2}, {"competency": "A3", "count": 2}],
    )
    return quiz, make_teacher(school=tree.school_a1_1, real_name="吴老师")


def _right_answer(item: QuizItem):
    return item.key["correct"]


def test_an_item_with_a_broken_key_is_refused_and_not_saved(tree):
    framework_2_0_core_ensure()
    a1 = FrameworkNode.objects.get(code="A1", framework__is_current=True)
    with pytest.raises(ValidationError):
        quiz_item_create(institution=tree.institution, item_type="single", stem="?",
                         key={"options": ["A", "B"], "correct": "Z"}, competency=a1)
    assert not QuizItem.objects.exists()


def test_an_attempt_draws_per_competency_reproducibly_and_keeps_the_servers_deadline(bank):
    quiz, teacher = bank
    attempt = quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0)
    items = QuizItem.objects.in_bulk(attempt.item_ids)
    assert sorted(items[i].competency.code for i in attempt.item_ids) == ["A1", "A1", "A3", "A3"]
    assert draw_items(pool=_pool(quiz), rules=_rules(quiz), seed=attempt.seed) == attempt.item_ids
    assert attempt.deadline == T0 + dt.timedelta(minutes=20)
    assert quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0 + dt.timedelta(minutes=5)).pk == attempt.pk


def test_submitting_marks_every_item_explains_it_and_rolls_up_per_competency(bank):
    quiz, teacher = bank
    attempt = quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0)
    items = QuizItem.objects.in_bulk(attempt.item_ids)
    a1_items = [i for i in attempt.item_ids if items[i].competency.code == "A1"]
    a3_items = [i for i in attempt.item_ids if items[i].competency.code == "A3"]
    quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=a1_items[0], response=_right_answer(items[a1_items[0]]), now=T0)
    quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=a3_items[0], response="B", now=T0)
    quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=a3_items[1], response="C", now=T0)
    result = quiz_attempt_submit(attempt=attempt, teacher=teacher, now=T0 + dt.timedelta(minutes=3))
    attempt.refresh_from_db()
    # A1: 1 of 2 points (one right, one unanswered); A3: 2 of 4 (one right at 2 points, one wrong).
    assert (attempt.score, attempt.max_score, attempt.percent, attempt.passed) == (
        Decimal(3), Decimal(6), Decimal("50.0"), False)
    by_code = {c.competency: c for c in result.competencies}
    assert (by_code["A1"].score, by_code["A1"].max_score) == (Decimal(1), Decimal(2))
    assert (by_code["A3"].score, by_code["A3"].max_score, by_code["A3"].correct) == (Decimal(2), Decimal(4), 1)
    assert QuizItemResult.objects.filter(attempt=attempt).count() == 4
    assert all(r.explanation for r in result.items)
    again = quiz_attempt_submit(attempt=attempt, teacher=teacher, now=T0 + dt.timedelta(minutes=4))
    assert [r.pk for r in again.items] == [r.pk for r in quiz_attempt_result(attempt=attempt).items]
    assert QuizItemResult.objects.filter(attempt=attempt).count() == 4


def test_an_answer_after_the_time_limit_is_refused_and_changes_nothing(bank):
    quiz, teacher = bank
    attempt = quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0)
    late = T0 + dt.timedelta(minutes=21)
    with translation.override("en"), pytest.raises(ValidationError, match="Time is up"):
        quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=attempt.item_ids[0], response=True, now=late)
    assert not QuizAnswer.objects.exists()


def test_answers_for_someone_elses_attempt_or_an_item_not_drawn_are_refused(bank, tree):
    quiz, teacher = bank
    attempt = quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0)
    other = make_teacher(school=tree.school_a1_1, real_name="郑老师")
    with pytest.raises(PermissionDenied):
        quiz_answer_save(attempt_id=attempt.pk, teacher=other, item_id=attempt.item_ids[0], response=True, now=T0)
    not_drawn = QuizItem.objects.exclude(pk__in=attempt.item_ids).first()
    with pytest.raises(ValidationError):
        quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=not_drawn.pk, response=True, now=T0)
    single = next(i for i in attempt.item_ids if QuizItem.objects.get(pk=i).item_type == "single")
    with pytest.raises(ValidationError):
        quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=single, response="Z", now=T0)
    assert not QuizAnswer.objects.exists()


def test_answers_after_submitting_are_refused(bank):
    quiz, teacher = bank
    attempt = quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0)
    quiz_attempt_submit(attempt=attempt, teacher=teacher, now=T0)
    with pytest.raises(ValidationError):
        quiz_answer_save(attempt_id=attempt.pk, teacher=teacher, item_id=attempt.item_ids[0], response=True, now=T0)


def test_an_expired_attempt_is_marked_when_the_next_starts_and_the_attempt_limit_holds(bank):
    quiz, teacher = bank
    first = quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0)
    second = quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0 + dt.timedelta(hours=1))
    first.refresh_from_db()
    assert first.status == AttemptStatus.SUBMITTED and first.score == Decimal(0)
    assert second.pk != first.pk and second.number == 2
    quiz_attempt_submit(attempt=second, teacher=teacher, now=T0 + dt.timedelta(hours=1))
    with translation.override("en"), pytest.raises(ValidationError, match="No attempts left"):
        quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0 + dt.timedelta(hours=2))


def test_a_quiz_asking_for_more_items_than_the_bank_has_says_which_competency(bank):
    quiz, teacher = bank
    quiz.rules = [{"competency": "A3", "count": 5}]
    quiz.save()
    with pytest.raises(ValidationError) as refused:
        quiz_attempt_start(quiz=quiz, teacher=teacher, now=T0)
    assert "A3" in " ".join(refused.value.messages)
