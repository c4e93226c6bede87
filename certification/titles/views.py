"""Title-promotion pages: the jurisdiction report (with its Excel download), one teacher's explained
check, and a teacher's own."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.api import Organisation, OrganisationKind, Title, access_log_record, teacher_for_user

from ..access import teachers_readable_by, user_can_read_certificates
from .report import TitleReport, title_report, title_report_regions, title_report_rows, title_report_teachers, title_report_xlsx
from .rules import title_check_labels, title_eligibility_all, title_rule_in_force, title_targets_in_force

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGION_KINDS = (OrganisationKind.PROVINCE, OrganisationKind.CITY, OrganisationKind.COUNTY)


def _region_for(request: HttpRequest, raw: str) -> tuple[Organisation | None, str]:
    """The chosen region if the user reads it; an error message otherwise."""
    if not raw:
        return None, ""
    region = title_report_regions(user=request.user).filter(pk=int(raw)).first() if raw.isdigit() else None
    if region is None:
        return None, _("Choose a region inside your jurisdiction.")
    return region, ""


@login_required
def title_report_page(request: HttpRequest) -> HttpResponse:
    if not user_can_read_certificates(user=request.user):
        raise PermissionDenied(_("Only administrators and personnel officers see title-promotion eligibility of a jurisdiction."))
    today = timezone.localdate()
    targets = title_targets_in_force(today=today)
    target, raw_region = request.GET.get("target", ""), request.GET.get("region", "")
    region, error = _region_for(request, raw_region)
    context: dict[str, object] = {
        "targets": [(value, label) for value, label in Title.choices if value in targets], "target": target,
        "regions": title_report_regions(user=request.user).filter(kind__in=REGION_KINDS).order_by("path"),
        "region": region, "raw_region": raw_region, "error": error,
    }
    if target and target not in Title.values:
        context["error"] = _("Choose a target title from the list.")
    if not target or context["error"]:
        return render(request, "certification/titles/report.html", context, status=400 if context["error"] else 200)
    rule = title_rule_in_force(target_title=target, today=today)
    context["rule"] = rule
    context["target_label"] = dict(Title.choices)[target]
    if rule is None:
        return render(request, "certification/titles/report.html", context)
    if request.GET.get("format") == "xlsx":
        return _xlsx(request, target=target, region=region)
    teachers = title_report_teachers(user=request.user, rule=rule, region=region).select_related("school").order_by("school__path", "real_name", "pk")
    page = Paginator(teachers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = title_report_rows(teachers=list(page.object_list), rule=rule, today=today)
    access_log_record(
        actor=request.user,  # type: ignore[arg-type]
        action="list", subject=_("title-promotion eligibility"), object_count=len(rows), request=request,
    )
    context.update({
        "page": page, "rows": rows, "count": page.paginator.count, "labels": title_check_labels(rule=rule, today=today),
        "query": urlencode({"target": target, "region": region.pk if region else ""}),
    })
    return render(request, "certification/titles/report.html", context)


def _xlsx(request: HttpRequest, *, target: str, region: Organisation | None) -> HttpResponse:
    with translation.override("zh-hans"):  # the workbook goes to a personnel office: Chinese headers and figures
        report: TitleReport = title_report(user=request.user, target_title=target, region=region)
        body = title_report_xlsx(report)
    access_log_record(
        actor=request.user,  # type: ignore[arg-type]
        action="export", subject=_("title-promotion eligibility"), object_count=len(report.rows),
        request=request,
    )
    name = f"title-eligibility-{target}-{report.today.isoformat()}.xlsx"
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def title_teacher(request: HttpRequest, teacher_id: int) -> HttpResponse:
    """One teacher's check per target title; a teacher outside the user's jurisdiction is not found."""
    teacher = get_object_or_404(teachers_readable_by(user=request.user).select_related("school"), pk=teacher_id)
    if teacher.user_id != request.user.pk:
        access_log_record(
            actor=request.user,  # type: ignore[arg-type]
            action="view", teacher=teacher, subject=_("title-promotion eligibility"), request=request,
        )
    results = title_eligibility_all(teacher=teacher)
    return render(request, "certification/titles/teacher.html", {"teacher": teacher, "results": results, "own": False})


@login_required
def title_mine(request: HttpRequest) -> HttpResponse:
    teacher = teacher_for_user(user=request.user)
    if teacher is None:
        raise Http404(_("You have no teacher record."))
    results = title_eligibility_all(teacher=teacher)
    return render(request, "certification/titles/teacher.html", {"teacher": teacher, "results": results, "own": True})
