"""Roster import pages (花名册导入): upload, template download, status with progress, row report."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from lms.models import RosterImport
from lms.roster import (
    FINAL_STATUSES,
    import_progress,
    progress_json,
    recent_roster_imports,
    report_lines,
    roster_import_for,
    roster_import_submit,
    roster_private_path,
    roster_upload_limit,
    template_csv,
    template_xlsx,
)
from lms.roster.columns import OPTIONAL_HEADERS, REQUIRED_HEADERS
from lms.roster.forms import RosterUploadForm
from lms.selectors import schools_in_jurisdiction, user_can_manage_roster

REPORT_PREVIEW_LINES = 20
_MULTIPART_SLACK = 64 * 1024  # form fields and boundaries around the file


def _require_roster_manager(request: HttpRequest) -> None:
    if not user_can_manage_roster(user=request.user):
        raise PermissionDenied(_("Only school, county, city and province administrators may import rosters."))


class _SizeLimitHandler(FileUploadHandler):
    """Stops reading the upload as soon as it passes the limit, whatever the request claimed."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _too_large(request: HttpRequest) -> HttpResponse:
    message = _("The file is too large; the limit is %(limit)s. Split it into smaller files.") % {
        "limit": filesizeformat(roster_upload_limit())
    }
    return _upload_page(request, RosterUploadForm(), error=message, status=413)


def _upload_page(
    request: HttpRequest, form: RosterUploadForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "form": form,
        "error": error,
        "imports": recent_roster_imports(user=request.user),
        "limit": filesizeformat(roster_upload_limit()),
        "required_headers": "、".join(REQUIRED_HEADERS),
        "optional_headers": "、".join(OPTIONAL_HEADERS),
    }
    return render(request, "lms/roster_upload.html", context, status=status)


@csrf_exempt  # checked by _receive_upload, after the size check: the body must not be parsed first
@login_required
def roster_upload(request: HttpRequest) -> HttpResponse:
    _require_roster_manager(request)
    if request.method != "POST":
        return _upload_page(request, RosterUploadForm())
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > roster_upload_limit() + _MULTIPART_SLACK:
        return _too_large(request)
    limiter = _SizeLimitHandler(request, roster_upload_limit())
    request.upload_handlers.insert(0, limiter)
    return _receive_upload(request, limiter)


@csrf_protect
def _receive_upload(request: HttpRequest, limiter: _SizeLimitHandler) -> HttpResponse:
    form = RosterUploadForm(request.POST, request.FILES)
    if limiter.exceeded:
        return _too_large(request)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    try:
        record = roster_import_submit(
            uploader=request.user, upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"]
        )
    except ValidationError as exc:
        form.add_error("file", exc)
        return _upload_page(request, form, status=400)
    return redirect("lms:roster_status", import_id=record.pk)


@login_required
def roster_template(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_roster_manager(request)
    school_code = schools_in_jurisdiction(user=request.user).order_by("path").values_list("code", flat=True).first()
    extra = {"school_code": school_code} if school_code else {}
    if fmt == "xlsx":
        body = template_xlsx(**extra)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "csv":
        body = template_csv(**extra)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404(_("No such template."))
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="roster-template.{fmt}"'
    return response


def _visible_import(request: HttpRequest, import_id: uuid.UUID) -> RosterImport:
    _require_roster_manager(request)
    record = roster_import_for(user=request.user, import_id=import_id)
    if record is None:
        raise Http404(_("No such import of yours."))
    return record


@login_required
def roster_status(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    record = _visible_import(request, import_id)
    finished = record.status in FINAL_STATUSES
    context = {
        "record": record,
        "progress": import_progress(record),
        "finished": finished,
        "problems": report_lines(roster_private_path(record.report_path), limit=REPORT_PREVIEW_LINES)
        if finished and record.report_path and record.error_count
        else [],
        "progress_url": reverse("lms:roster_progress", kwargs={"import_id": record.pk}),
    }
    return render(request, "lms/roster_status.html", context)


@never_cache
@login_required
def roster_progress(request: HttpRequest, import_id: uuid.UUID) -> JsonResponse:
    record = _visible_import(request, import_id)
    body = progress_json(record)
    body["report_url"] = reverse("lms:roster_report", kwargs={"import_id": record.pk}) if body["has_report"] else ""
    return JsonResponse(body)


@login_required
def roster_report(request: HttpRequest, import_id: uuid.UUID) -> FileResponse:
    record = _visible_import(request, import_id)
    path = roster_private_path(record.report_path) if record.report_path else None
    if path is None or not path.is_file():
        raise Http404(_("This import has no report yet."))
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"roster-report-{str(record.pk)[:8]}.csv",
        content_type="text/csv; charset=utf-8",
    )
