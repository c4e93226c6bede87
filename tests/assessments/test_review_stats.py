"""Reviewer quality on a hand-checked example.

Six submissions, first reviewer A on all; second reviewer B on 1–4, C on 5–6; J adjudicates 3 and 5:

    #  A  second  J
    1  E  E(B)
    2  P  P(B)
    3  P  F(B)    P
    4  F  F(B)
    5  E  P(C)    E
    6  P  P(C)

Pool: agreement 4/6; marginals A = E2 P3 F1, second = E1 P3 F2, so pₑ = (2·1 + 3·3 + 1·2)/36 = 13/36,
pₒ = 24/36 and κ = (24 − 13)/(36 − 13) = 11/23. B: pairs (E,E) (P,P) (F,P) (F,F): agreement 3/4,
pₑ = (1·1 + 1·2 + 2·1)/16 = 5/16, κ = (12 − 5)/(16 − 5) = 7/11; overturned once in one adjudication.
C: pairs (P,E) (P,P): agreement 1/2, pₑ = 2/4 = pₒ so κ = 0; overturned 1/1. A: overturned 0/2.
Adjudication overturned 2 of 4 judgements in the pool.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import Review, ReviewAssignment, Submission, SubmissionStatus
from assessments.review.stats import cohen_kappa, exact_agreement, pool_quality
from lms.api import Role
from tests.evidence_setup import evidence_world
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.timezone.utc)
E, P, F = "excellent", "pass", "fail"
TABLE = [(E, E, "rev_b", None), (P, P, "rev_b", None), (P, F, "rev_b", P), (F, F, "rev_b", None), (E, P, "rev_c", E), (P, P, "rev_c", None)]


def test_kappa_of_the_textbook_example():
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    assert exact_agreement(pairs) == pytest.approx(0.7)
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([]) is None
    assert cohen_kappa([("y", "y"), ("y", "y")]) is None  # all one category: chance agreement is 1


def _review(world, submission, username: str, role: str, level: str, hours: int) -> None:
    assignment = ReviewAssignment.objects.create(
        submission=submission, reviewer=world.reviewers[username], pool=world.pool, role=role, status="done",
        assigned_at=T0, due_at=T0 + dt.timedelta(days=7), completed_at=T0 + dt.timedelta(hours=hours),
    )
    Review.objects.create(assignment=assignment, decision="grade", level=level, created_at=assignment.completed_at)


@pytest.fixture
def example(tree):
    world = evidence_world(tree, homes={"rev_a": tree.school_a2_1, "rev_b": tree.school_b1_1, "rev_c": tree.school_a1_2, "rev_j": tree.school_b1_1})
    for n, (first, second, second_by, judged) in enumerate(TABLE):
        teacher = make_teacher(school=tree.school_a1_1, real_name="教师" + "甲乙丙丁戊己"[n])
        sub = Submission.objects.create(task=world.task, teacher=teacher, school=tree.school_a1_1, blind_code=f"EX{n}",
                                        status=SubmissionStatus.DECIDED)
        _review(world, sub, "rev_a", "first", first, hours=2 * (n + 1))
        _review(world, sub, second_by, "second", second, hours=10)
        if judged:
            _review(world, sub, "rev_j", "adjudicator", judged, hours=1)
    return world


def test_pool_and_reviewer_figures_match_the_hand_count(example):
    quality = pool_quality(pool=example.pool)
    assert quality.pairs == 6
    assert quality.agreement == pytest.approx(4 / 6)
    assert quality.kappa == pytest.approx(11 / 23)
    assert (quality.overturned, quality.adjudicated) == (2, 4)
    rows = {r.username: r for r in quality.reviewers}
    assert rows["rev_a"].agreement == pytest.approx(4 / 6) and rows["rev_a"].kappa == pytest.approx(11 / 23)
    assert rows["rev_b"].agreement == pytest.approx(3 / 4) and rows["rev_b"].kappa == pytest.approx(7 / 11)
    assert rows["rev_c"].agreement == pytest.approx(1 / 2) and rows["rev_c"].kappa == pytest.approx(0)
    assert (rows["rev_a"].overturned, rows["rev_a"].adjudicated) == (0, 2)
    assert (rows["rev_b"].overturned, rows["rev_b"].adjudicated) == (1, 1)
    assert (rows["rev_c"].overturned, rows["rev_c"].adjudicated) == (1, 1)
    assert rows["rev_a"].median_hours == pytest.approx(7)  # 2, 4, 6, 8, 10, 12 hours
    assert rows["rev_j"].pairs == 0 and rows["rev_j"].reviews == 2


def test_administrators_see_the_figures_and_others_do_not(example, client, tree):
    admin = make_user("prov_admin", role=Role.PROVINCE_ADMIN, organisation=tree.province)
    client.force_login(admin)
    page = client.get(reverse("assessments:review_quality")).content.decode()
    assert "0.48" in page and "0.64" in page and "1/1" in page and "67%" in page
    outsider = make_user("county_b", role=Role.COUNTY_ADMIN, organisation=tree.county_b1)
    client.force_login(outsider)
    assert "rev_b" not in client.get(reverse("assessments:review_quality")).content.decode()
    client.force_login(example.reviewers["rev_b"])
    assert client.get(reverse("assessments:review_quality")).status_code == 403
