"""Long report exports: started for a node of the requester's jurisdiction, written by a Celery job with
progress, downloadable only by whoever asked for it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _, override

from lms.api import Organisation

from ..access import UserLike
from ..models import JobState, ReportExport
from .build import ReportFilters, ReportNodeUnknown, authorised_node
from .export import rows_xlsx_write
from .teacher_rows import teacher_export_chunks, teacher_export_headers, teacher_export_plan, teacher_export_teachers

TEACHER_EXPORT = "teachers"
EXPORT_FOLDER = "report_exports"


def _params(filters: ReportFilters, language: str) -> dict[str, Any]:
    return {"stage": filters.stage, "subject": filters.subject, "year": filters.year, "language": language}


def _filters(params: dict[str, Any]) -> ReportFilters:
    year = params.get("year")
    return ReportFilters(stage=params.get("stage") or "", subject=params.get("subject") or "", year=int(year) if year else None)


def report_export_start(
    *, user: UserLike, node: Organisation, filters: ReportFilters, language: str = "zh-hans", queue: bool = True
) -> ReportExport:
    """Record the job (how many teachers it will write) and queue it once the record is committed."""
    node = authorised_node(user=user, node=node)
    total = teacher_export_teachers(user=user, node=node, filters=filters).count()
    export = ReportExport.objects.create(
        requested_by=user, organisation=node, report=TEACHER_EXPORT, params=_params(filters, language), total=total,
    )
    if queue:
        from .tasks import report_export_run as task

        transaction.on_commit(lambda: task.delay(export.pk))
    return export


def _progress(export_id: int) -> Any:
    def update(done: int) -> None:
        ReportExport.objects.filter(pk=export_id).update(done=done)

    return update


def report_export_run(*, export_id: int, today: dt.date | None = None) -> ReportExport:
    """Write the teacher-by-teacher workbook; a finished job is left alone (a retried task does nothing),
    a failure is recorded on the job for the requester to see."""
    export = ReportExport.objects.select_related("requested_by", "organisation").get(pk=export_id)
    if export.state == JobState.DONE:
        return export
    ReportExport.objects.filter(pk=export.pk).update(state=JobState.RUNNING, done=0, error="")
    relative = f"{EXPORT_FOLDER}/{export.pk}.xlsx"
    filters = _filters(export.params)
    try:
        with override(export.params.get("language") or settings.LANGUAGE_CODE):
            node = authorised_node(user=export.requested_by, node=export.organisation)
            plan = teacher_export_plan(filters=filters, today=today or timezone.localdate())
            teachers = teacher_export_teachers(user=export.requested_by, node=node, filters=filters)
            written = rows_xlsx_write(
                path=Path(settings.PRIVATE_ROOT) / relative, sheet=node.name,
                headers=teacher_export_headers(plan=plan), chunks=teacher_export_chunks(teachers=teachers, plan=plan),
                progress=_progress(export.pk),
            )
    except ReportNodeUnknown:
        return _failed(export, _("The area is no longer in your jurisdiction."))
    except Exception as error:  # recorded on the job; the requester sees it on the progress page
        return _failed(export, f"{type(error).__name__}: {error}")
    ReportExport.objects.filter(pk=export.pk).update(
        state=JobState.DONE, done=written, total=written, file_path=relative, finished_at=timezone.now(),
    )
    export.refresh_from_db()
    return export


def _failed(export: ReportExport, message: str) -> ReportExport:
    ReportExport.objects.filter(pk=export.pk).update(state=JobState.FAILED, error=message[:2000], finished_at=timezone.now())
    export.refresh_from_db()
    return export


def report_exports_of(*, user: UserLike) -> QuerySet[ReportExport]:
    """The requester's own exports, newest first: nobody else sees them."""
    if not user.is_authenticated:
        return ReportExport.objects.none()
    return ReportExport.objects.filter(requested_by=user).select_related("organisation")


def report_export_for(*, user: UserLike, export_id: int) -> ReportExport | None:
    return report_exports_of(user=user).filter(pk=export_id).first()


def report_export_path(export: ReportExport) -> Path | None:
    if export.state != JobState.DONE or not export.file_path:
        return None
    path = Path(settings.PRIVATE_ROOT) / export.file_path
    return path if path.is_file() else None

