"""Celery tasks of lms: thin, ids in, the service does the work."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="lms.tasks.roster_import_run", ignore_result=True)
def roster_import_run(import_id: str) -> None:
    from lms.roster import roster_import_run as run

    run(import_id=import_id)
