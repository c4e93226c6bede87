"""With a real broker and worker (CI's PostgreSQL stage): submitting evidence queues the assignment, the
worker gives it two reviewers; the deadline sweep on the worker gives an overdue review to someone else."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import pytest

from assessments.evidence.submissions import submission_submit
from assessments.models import ReviewAssignment, SubmissionStatus
from assessments.review.tasks import review_deadlines_sweep
from tests.evidence_setup import evidence_world, upload_all
from tests.factories import build_tree

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not os.environ.get("CELERY_WORKER_RUNNING"), reason="needs a real Celery worker (the PostgreSQL run of .ci/run)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _wait(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_the_worker_assigns_submitted_work_and_reassigns_overdue_reviews(real_celery_worker, settings):
    settings.PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", "/tmp/lms-test-private"))
    tree = build_tree()
    world = evidence_world(tree, homes={"r1": tree.school_a2_1, "r2": tree.school_b1_1, "r3": tree.school_a1_2})
    upload_all(world)
    submission = submission_submit(task=world.task, teacher=world.teacher)
    assert _wait(lambda: ReviewAssignment.objects.filter(submission=submission, status="open").count() == 2)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.IN_REVIEW
    late = ReviewAssignment.objects.filter(submission=submission).first()
    ReviewAssignment.objects.filter(pk=late.pk).update(due_at=late.assigned_at - dt.timedelta(minutes=1))
    review_deadlines_sweep.delay()
    assert _wait(lambda: ReviewAssignment.objects.filter(submission=submission, reviewer__username="r3", status="open").exists())
    late.refresh_from_db()
    assert late.status == "reassigned"
