"""Import of external hours: upload, row report on the page, report download."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from courses.forms import HoursImportForm
from courses.selectors import hours_imports_by
from courses.services import hours_import_run, user_can_record_hours
from courses.services.hours_import import HEADERS, MAX_ROWS, hours_import_report_csv, hours_import_template_csv


def _require_recorder(request: HttpRequest) -> None:
    if not user_can_record_hours(user=request.user):
        raise PermissionDenied(_("Only administrators may import hours."))


def _page(request: HttpRequest, form: HoursImportForm, *, status: int = 200) -> HttpResponse:
    context = {
        "form": form,
        "headers": "、".join(HEADERS),
        "max_rows": MAX_ROWS,
        "imports": hours_imports_by(user=request.user)[:10],
    }
    return render(request, "courses/hours_import.html", context, status=status)


@login_required
def hours_import(request: HttpRequest) -> HttpResponse:
    _require_recorder(request)
    if request.method != "POST":
        return _page(request, HoursImportForm())
    form = HoursImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        record = hours_import_run(uploader=request.user, name=upload.name, stream=upload)
    except ValidationError as exc:
        form.add_error("file", exc.messages)
        return _page(request, form, status=400)
    return redirect("courses:hours_import_result", import_id=record.pk)


def _own_import(request: HttpRequest, import_id: uuid.UUID):
    record = hours_imports_by(user=request.user).filter(pk=import_id).first()
    if record is None:
        raise Http404(_("No such import."))
    return record


@login_required
def hours_import_result(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    _require_recorder(request)
    return render(request, "courses/hours_import_result.html", {"record": _own_import(request, import_id)})


@login_required
def hours_import_report(request: HttpRequest, import_id: uuid.UUID) -> HttpResponse:
    _require_recorder(request)
    record = _own_import(request, import_id)
    response = HttpResponse(hours_import_report_csv(record), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hours-import-{record.pk}.csv"'
    return response


@login_required
def hours_import_template(request: HttpRequest) -> HttpResponse:
    _require_recorder(request)
    response = HttpResponse(hours_import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hours-import-template.csv"'
    return response
