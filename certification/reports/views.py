"""Report pages: the viewer's nodes, each report for one node with drill-down and breadcrumb, its Excel
export, and the long teacher-by-teacher export as a job with progress. Outside the jurisdiction is a 404,
like an unknown node; a user without a report role gets 403."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_POST

from lms.api import AccessAction, AccessChannel, Organisation, access_log_record

from .build import REPORTS, ReportFilters
from .export import report_xlsx
from .forms import ReportFilterForm, year_choices
from .scope import report_breadcrumb, report_default_node, report_node, report_roots, user_can_see_reports
from .services import report_export_for, report_export_path, report_export_start, report_exports_of

REPORT_PAGES = (
    ("completion", "certification:report_completion"),
    ("indicator", "certification:report_indicator"),
    ("levels", "certification:report_levels"),
    ("annual", "certification:report_annual"),
    ("trends", "certification:report_trends"),
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _check(request: HttpRequest) -> None:
    if not user_can_see_reports(user=request.user):
        raise PermissionDenied(_("Only education administrators and personnel officers see reports."))


def _node(request: HttpRequest, raw: str | None) -> Organisation:
    node = report_default_node(user=request.user) if not raw else report_node(user=request.user, node_id=raw)
    if node is None:
        raise Http404(_("No such area in your jurisdiction."))
    return node


def _year_texts(kind: str) -> tuple[str | None, str | None]:
    return {
        "completion": (_("Cycle"), _("Current cycle")),
        "indicator": (_("Last year counted"), _("This year")),
        "annual": (_("Review year"), _("Latest")),
    }.get(kind, (None, None))


@login_required
def report_home(request: HttpRequest) -> HttpResponse:
    _check(request)
    roots = report_roots(user=request.user)
    return render(request, "certification/reports/home.html", {
        "roots": roots, "pages": REPORT_PAGES, "exports": report_exports_of(user=request.user)[:20],
    })


def _report_page(request: HttpRequest, kind: str) -> HttpResponse:
    _check(request)
    node = _node(request, request.GET.get("node"))
    today = timezone.localdate()
    year_label, year_empty = _year_texts(kind)
    form = ReportFilterForm(
        request.GET, years=year_choices(kind=kind, today=today), year_label=year_label, year_empty=year_empty,
    )
    context = {
        "kind": kind, "node": node, "form": form, "pages": REPORT_PAGES, "page_url": request.path,
        "breadcrumb": report_breadcrumb(user=request.user, node=node),
    }
    if not form.is_valid():
        return render(request, "certification/reports/report.html", context, status=400)
    filters = form.filters()
    report = REPORTS[kind](user=request.user, node=node, filters=filters, today=today)
    subject = _("Report: %(report)s · %(node)s") % {"report": report.title, "node": node.name}
    if request.GET.get("format") == "xlsx":
        access_log_record(
            actor=request.user, action=AccessAction.EXPORT, subject=subject,  # type: ignore[arg-type]
            object_count=report.teachers, request=request, channel=AccessChannel.EXPORT,
        )
        response = HttpResponse(report_xlsx(report), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="report-{kind}-{node.code}.xlsx"'
        return response
    access_log_record(
        actor=request.user, action=AccessAction.LIST, subject=subject, object_count=report.teachers,  # type: ignore[arg-type]
        request=request, channel=AccessChannel.PAGE,
    )
    filter_query = urlencode({key: value for key, value in (
        ("stage", filters.stage), ("subject", filters.subject), ("year", filters.year or ""),
    ) if value})
    context.update(report=report, filter_query=filter_query, filters=filters)
    return render(request, "certification/reports/report.html", context)


@login_required
def report_completion(request: HttpRequest) -> HttpResponse:
    return _report_page(request, "completion")


@login_required
def report_indicator(request: HttpRequest) -> HttpResponse:
    return _report_page(request, "indicator")


@login_required
def report_levels(request: HttpRequest) -> HttpResponse:
    return _report_page(request, "levels")


@login_required
def report_annual(request: HttpRequest) -> HttpResponse:
    return _report_page(request, "annual")


@login_required
def report_trends(request: HttpRequest) -> HttpResponse:
    return _report_page(request, "trends")


@login_required
@require_POST
def report_export_begin(request: HttpRequest) -> HttpResponse:
    """Start the teacher-by-teacher export of a node (with the page's filters); the job runs after commit."""
    _check(request)
    node = _node(request, request.POST.get("node"))
    form = ReportFilterForm(request.POST, years=year_choices(kind="completion", today=timezone.localdate()))
    if not form.is_valid():
        return render(request, "certification/reports/report.html", {
            "kind": "completion", "node": node, "form": form, "pages": REPORT_PAGES,
            "page_url": reverse("certification:report_completion"),
            "breadcrumb": report_breadcrumb(user=request.user, node=node),
        }, status=400)
    export = report_export_start(user=request.user, node=node, filters=form.filters(), language=get_language() or "zh-hans")
    return redirect("certification:report_export_detail", export.pk)


@login_required
def report_export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    _check(request)
    export = report_export_for(user=request.user, export_id=export_id)
    if export is None:
        raise Http404
    if request.GET.get("format") == "json":
        return JsonResponse({"state": export.state, "done": export.done, "total": export.total, "percent": export.percent})
    filters = ReportFilters(stage=export.params.get("stage") or "", subject=export.params.get("subject") or "")
    return render(request, "certification/reports/export.html", {"export": export, "filters": filters})


@login_required
def report_export_file(request: HttpRequest, export_id: int) -> FileResponse:
    """Only the requester downloads; each download is logged as an export of that many teachers' data."""
    _check(request)
    export = report_export_for(user=request.user, export_id=export_id)
    path = report_export_path(export) if export is not None else None
    if export is None or path is None:
        raise Http404
    access_log_record(
        actor=request.user, action=AccessAction.EXPORT, object_count=export.done, request=request,  # type: ignore[arg-type]
        subject=_("Teacher report export: %(node)s") % {"node": export.organisation.name}, channel=AccessChannel.EXPORT,
    )
    return FileResponse(
        open(path, "rb"), content_type=XLSX, as_attachment=True, filename=f"teachers-{export.organisation.code}-{export.pk}.xlsx"
    )
