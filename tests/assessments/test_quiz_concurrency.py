"""PostgreSQL: starts racing for the same teacher open one attempt; submits racing mark it once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from assessments.models import FrameworkNode, Quiz, QuizAttempt, QuizItemResult
from assessments.quizzes.services import quiz_attempt_start, quiz_attempt_submit, quiz_item_create
from assessments.services import framework_2_0_core_ensure
from tests.concurrency import race
from tests.factories import build_tree, make_teacher

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]
THREADS = 6


def _quiz():
    tree = build_tree()
    framework_2_0_core_ensure()
    a1 = FrameworkNode.objects.get(code="A1", framework__is_current=True)
    for n in range(3):
        quiz_item_create(institution=tree.institution, item_type="true_false", stem=f"判断 {n}",
                         key={"correct": True}, competency=a1)
    quiz = Quiz.objects.create(institution=tree.institution, title="测验", pass_mark=Decimal(60),
                               rules=[{"competency": "A1", "count": 2}])
    return quiz, make_teacher(school=tree.school_a1_1)


def test_starts_at_once_open_one_attempt():
    quiz, teacher = _quiz()
    results = race([lambda: quiz_attempt_start(quiz=quiz, teacher=teacher)] * THREADS)
    assert all(isinstance(r, QuizAttempt) for r in results), results
    assert len({r.pk for r in results}) == 1 and QuizAttempt.objects.count() == 1


def test_submits_at_once_mark_the_attempt_once():
    quiz, teacher = _quiz()
    attempt = quiz_attempt_start(quiz=quiz, teacher=teacher)
    results = race([lambda: quiz_attempt_submit(attempt=attempt, teacher=teacher)] * THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert QuizItemResult.objects.filter(attempt=attempt).count() == 2
