"""Celery task of the reports: thin, an id in, the service writes the long export."""

from __future__ import annotations

from celery import shared_task

__all__ = ["report_export_run"]


# No autoretry: a failed export records its error on the job; asking again is the requester's call.
@shared_task(name="certification.tasks.report_export_run", ignore_result=True)
def report_export_run(export_id: int) -> None:
    from certification.reports.services import report_export_run as run

    run(export_id=export_id)
