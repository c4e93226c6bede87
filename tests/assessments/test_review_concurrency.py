"""PostgreSQL: submits racing hand the work in once; assignment runs racing give each role once; two
sessions saving the same review keep one; the two reviewers finishing at once decide once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from assessments.evidence.submissions import submission_submit
from assessments.models import CompetencyResult, Review, ReviewAssignment, Submission, SubmissionStatus
from assessments.review.assign import review_assign
from assessments.review.workflow import ReviewInput, review_save
from tests.concurrency import race
from tests.evidence_setup import evidence_world, upload_all
from tests.factories import build_tree, make_teacher

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]
THREADS = 6


def _world():
    tree = build_tree()
    homes = {"r0": tree.school_a2_1, "r1": tree.school_b1_1, "r2": tree.school_a1_2}
    return tree, evidence_world(tree, homes=homes)


def _pass(world, assignment: ReviewAssignment) -> ReviewInput:
    return ReviewInput("grade", {str(c.pk): "pass" for c in world.task.rubric.criteria.all()})


def test_submits_at_once_hand_in_once_and_assign_two_reviewers():
    _tree, world = _world()
    upload_all(world)
    results = race([lambda: submission_submit(task=world.task, teacher=world.teacher)] * THREADS)
    assert sum(isinstance(r, Submission) for r in results) == 1, results
    assert all(isinstance(r, (Submission, ValidationError)) for r in results), results
    assert ReviewAssignment.objects.count() == 2


def test_assignment_runs_at_once_give_each_role_once():
    tree, world = _world()
    teachers = [make_teacher(school=tree.school_a1_1, real_name=name) for name in ("赵老师", "钱老师", "孙老师")]
    for teacher in teachers:
        upload_all(world, teacher=teacher)
    Submission.objects.update(status=SubmissionStatus.SUBMITTED)  # handed in, not yet assigned
    race([review_assign] * THREADS)
    for submission in Submission.objects.all():
        roles = sorted(ReviewAssignment.objects.filter(submission=submission).values_list("role", flat=True))
        assert roles == ["first", "second"]


def test_the_same_review_saved_at_once_is_kept_once():
    _tree, world = _world()
    upload_all(world)
    submission = submission_submit(task=world.task, teacher=world.teacher)
    first = ReviewAssignment.objects.get(submission=submission, role="first")
    results = race([lambda: review_save(assignment_id=first.pk, reviewer_id=first.reviewer_id, data=_pass(world, first))] * THREADS)
    assert sum(isinstance(r, Review) for r in results) == 1, results
    assert all(isinstance(r, (Review, ValidationError)) for r in results), results
    assert Review.objects.count() == 1


def test_both_reviewers_finishing_at_once_decide_once():
    _tree, world = _world()
    upload_all(world)
    submission = submission_submit(task=world.task, teacher=world.teacher)
    pair = list(ReviewAssignment.objects.filter(submission=submission))
    race([lambda a=a: review_save(assignment_id=a.pk, reviewer_id=a.reviewer_id, data=_pass(world, a)) for a in pair])
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DECIDED
    assert CompetencyResult.objects.filter(submission=submission).count() == 1
