"""Pages of bulk look-ups: the upload (checked in the request: a row-numbered report, or the job starts),
a job's progress with its JSON status, the result download, and a template file."""

from __future__ import annotations

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lms.api import AccessAction, AccessChannel, access_log_record

from ..models import BulkLookup, JobState
from .forms import BulkLookupForm
from .lookup import target_title_label
from .selectors import bulk_lookup_for, user_can_bulk_lookup
from .services import bulk_lookup_start
from .spreadsheet import MAX_PROBLEMS_SHOWN, MAX_ROWS, IdSheetProblems, id_sheet_read

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(request: HttpRequest) -> None:
    if not user_can_bulk_lookup(user=request.user):
        raise PermissionDenied(_("Only personnel officers and bureau administrators run bulk look-ups."))


def _lookup(request: HttpRequest, lookup_id: int) -> BulkLookup:
    """The requester's own job (any job for a superuser); anyone else's looks like no job at all."""
    _allowed(request)
    lookup = bulk_lookup_for(user=request.user, lookup_id=lookup_id)
    if lookup is None:
        raise Http404
    return lookup


def _rows_text(numbers: list[int]) -> str:
    shown = "、".join(str(number) for number in numbers[:20])
    return shown + ("…" if len(numbers) > 20 else "")


@login_required
def bulk_upload(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    form = BulkLookupForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet = id_sheet_read(name=upload.name, data=upload.read())
            lookup = bulk_lookup_start(
                user=request.user, name=upload.name, sheet=sheet, title=form.cleaned_data["title"],
                reason=form.cleaned_data["reason"], language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except IdSheetProblems as exc:
            problems = exc.sheet.problems
            form.add_error("file", exc.messages)
        except ValidationError as exc:
            form.add_error("title" if exc.code == "title" else "file", exc.messages)
        else:
            messages.success(request, _("The look-up of %(count)s ID numbers has started.") % {"count": lookup.total})
            if sheet.blank_rows:
                messages.info(request, _("Blank rows were skipped: %(rows)s.") % {"rows": _rows_text(sheet.blank_rows)})
            return redirect("certification:bulk_detail", lookup.pk)
    recent = BulkLookup.objects.filter(requested_by_id=request.user.pk)[:20]
    return render(request, "certification/bulk/upload.html", {
        "form": form, "recent": recent, "max_rows": f"{MAX_ROWS:,}",
        "problems": problems[:MAX_PROBLEMS_SHOWN] if problems else None,
        "problems_count": len(problems) if problems else 0, "problems_hidden": max(0, len(problems or []) - MAX_PROBLEMS_SHOWN),
    }, status=400 if form.errors else 200)


def _status(lookup: BulkLookup) -> dict[str, object]:
    ready = lookup.state == JobState.DONE and bool(lookup.result_path)
    return {
        "state": lookup.state, "state_label": str(lookup.get_state_display()), "done": lookup.done, "total": lookup.total,
        "found": lookup.found, "percent": lookup.percent, "error": lookup.error,
        "result_url": reverse("certification:bulk_result", args=[lookup.pk]) if ready else "",
    }


@login_required
def bulk_detail(request: HttpRequest, lookup_id: int) -> HttpResponse:
    lookup = _lookup(request, lookup_id)
    return render(request, "certification/bulk/detail.html", {
        "lookup": lookup, "status": _status(lookup), "title_label": target_title_label(lookup.title),
    })


@login_required
def bulk_status(request: HttpRequest, lookup_id: int) -> JsonResponse:
    return JsonResponse(_status(_lookup(request, lookup_id)))


@login_required
def bulk_result(request: HttpRequest, lookup_id: int) -> FileResponse:
    lookup = _lookup(request, lookup_id)
    path = settings.PRIVATE_ROOT / lookup.result_path if lookup.result_path else None
    if lookup.state != JobState.DONE or path is None or not path.exists():
        raise Http404
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Bulk look-up result: %(file)s") % {"file": lookup.original_name[:150]}
    access_log_record(
        actor=request.user, action=AccessAction.EXPORT, subject=subject[:200], object_count=lookup.found,  # type: ignore[arg-type]
        reason=lookup.reason, request=request, channel=AccessChannel.BULK,
    )
    return FileResponse(open(path, "rb"), content_type=XLSX, as_attachment=True, filename=f"bulk-lookup-{lookup.pk}.xlsx")


@login_required
def bulk_template(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    if request.GET.get("format") == "csv":
        response = HttpResponse("身份证号\r\n".encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = "attachment; filename=bulk-lookup-template.csv"
        return response
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "身份证号"
    sheet.append(["身份证号"])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["A"].number_format = "@"  # text: 18 digits do not survive as a number
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename=bulk-lookup-template.xlsx"
    return response

