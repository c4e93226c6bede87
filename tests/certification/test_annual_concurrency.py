"""PostgreSQL: two runs of the same county and year at once write one set of outcomes and one set of
status changes (the advisory lock makes the second wait, then find nothing new)."""

from __future__ import annotations

import pytest
from django.db import connection

from certification.annual.run import annual_review_county_run, annual_review_rule_for
from certification.models import AnnualReviewOutcome, AnnualReviewRun, CertificateEvent
from tests.certification.test_annual_run import YEAR, holder
from tests.certification_setup import cert_world
from tests.concurrency import race
from tests.factories import build_tree

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]
THREADS = 4


def test_runs_of_the_same_county_at_once_write_one_set_of_outcomes():
    tree = build_tree()
    world = cert_world(tree)
    certificates = [
        holder(world, tree.school_a1_1, "甲老师", grade="qualified"),
        holder(world, tree.school_a1_1, "乙老师", grade="basic"),
        holder(world, tree.school_a1_2, "丙老师", grade="unqualified"),
    ]
    rule = annual_review_rule_for(year=YEAR)
    runs = [AnnualReviewRun.objects.create(year=YEAR, region=tree.county_a1, rule=rule) for _ in range(THREADS)]
    results = race([lambda run=run: annual_review_county_run(run_id=run.pk) for run in runs])
    assert all(isinstance(r, AnnualReviewRun) and r.state == "done" for r in results), results
    assert AnnualReviewOutcome.objects.count() == len(certificates)
    assert sorted(r.counts["written"] for r in results) == [0] * (THREADS - 1) + [3]
    assert CertificateEvent.objects.filter(kind="suspended").count() == 1
    assert CertificateEvent.objects.filter(review_year=YEAR).count() == 3  # renewed, warned, suspended
