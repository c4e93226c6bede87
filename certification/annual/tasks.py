"""Celery tasks of the annual review: thin, ids in, the service does the work."""

from __future__ import annotations

from celery import shared_task

__all__ = ["annual_review_county", "annual_review_yearly"]


@shared_task(name="certification.tasks.annual_review_county")
def annual_review_county(run_id: int) -> None:
    from .run import annual_review_county_run

    annual_review_county_run(run_id=run_id)


@shared_task(name="certification.tasks.annual_review_yearly")
def annual_review_yearly() -> None:
    from .run import annual_review_yearly as start_yearly

    start_yearly()
