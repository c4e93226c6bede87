"""Celery tasks of review: thin, ids in, the services do the work."""

from __future__ import annotations

from celery import shared_task

__all__ = ["review_assign_pending", "review_deadlines_sweep"]


@shared_task(name="assessments.tasks.review_assign_pending", ignore_result=True)
def review_assign_pending(submission_ids: list[int] | None = None) -> None:
    from assessments.models import ReviewerPool
    from assessments.review.assign import review_assign
    from assessments.review.calibration import calibration_assign

    for pool in ReviewerPool.objects.filter(is_active=True):
        calibration_assign(pool=pool)
    review_assign(submission_ids=submission_ids)


@shared_task(name="assessments.tasks.review_deadlines_sweep", ignore_result=True)
def review_deadlines_sweep() -> None:
    from assessments.review.deadlines import review_deadlines_run

    review_deadlines_run()
