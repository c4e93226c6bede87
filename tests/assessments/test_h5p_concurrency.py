"""PostgreSQL: statements racing for the same teacher count once each, numbered without gaps, within the limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from assessments.h5p.attempts import h5p_statement_record
from assessments.models import H5PAttempt, H5PStatement
from tests.assessments.h5p_fixtures import make_activity, province_admin, statement_bytes
from tests.concurrency import race
from tests.factories import build_tree, make_teacher

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]
THREADS = 6


def _setup(**settings):
    tree = build_tree()
    activity = make_activity(institution=tree.institution, approver=province_admin(tree), **settings)
    return activity, make_teacher(school=tree.school_a1_1)


def test_the_same_statement_sent_at_once_is_recorded_once():
    activity, teacher = _setup()
    body = statement_bytes(teacher=teacher, response="true")
    results = race([lambda: h5p_statement_record(activity=activity, teacher=teacher, body=body)] * THREADS)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, ValidationError) for r in results if isinstance(r, Exception)), results
    assert H5PStatement.objects.count() == 1 and H5PAttempt.objects.count() == 1


def test_different_statements_at_once_get_consecutive_attempt_numbers_within_the_limit():
    activity, teacher = _setup(attempts_allowed=4)
    bodies = [statement_bytes(teacher=teacher, response="true") for _ in range(THREADS)]
    race([lambda body=body: h5p_statement_record(activity=activity, teacher=teacher, body=body) for body in bodies])
    numbers = sorted(H5PAttempt.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4]
    assert H5PStatement.objects.count() == THREADS
