"""Celery tasks of the certificate PDFs: the cohort batch (issue, then one merged PDF for printing)."""

from __future__ import annotations

from celery import shared_task

__all__ = ["certificate_batch_run"]


# No autoretry: a failed batch records its error on the row, and running it again is the administrator's call.
@shared_task(name="certification.tasks.certificate_batch_run", ignore_result=True)
def certificate_batch_run(batch_id: int) -> None:
    from certification.pdf.batch import certificate_batch_run as run

    run(batch_id=batch_id)
