"""Celery task of bulk look-ups: thin, the job's id in, the service does the work (and records failure)."""

from __future__ import annotations

from celery import shared_task

__all__ = ["bulk_lookup_answer"]


@shared_task(name="certification.tasks.bulk_lookup_answer", ignore_result=True)
def bulk_lookup_answer(lookup_id: int) -> None:
    from .services import bulk_lookup_run

    bulk_lookup_run(lookup_id=lookup_id)
