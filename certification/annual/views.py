"""Pages of the annual review for bureau administrators: appraisal imports (upload, reports, template) and
review runs (start for a region they administer, progress and counts, a run's outcomes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from lms.api import access_log_record

from ..access import regions_administered_by, user_can_administer_certificates
from ..models import AnnualReviewOutcome, ReviewOutcome
from .appraisals import appraisal_import, template_csv, template_xlsx
from .forms import AppraisalUploadForm, RunStartForm
from .run import annual_review_start, run_progress
from .selectors import (
    appraisal_imports_visible_to,
    outcome_counts,
    run_for,
    run_outcomes,
    runs_visible_to,
    with_reason_labels,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _admin_check(request: HttpRequest) -> None:
    if not user_can_administer_certificates(user=request.user):
        raise PermissionDenied(_("Only education bureau administrators run the annual review."))


@login_required
def appraisal_imports(request: HttpRequest) -> HttpResponse:
    _admin_check(request)
    form = AppraisalUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = appraisal_import(user=request.user, year=form.cleaned_data["year"], name=upload.name, data=upload.read())
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if result.problems:
                messages.error(request, _("Nothing was imported: %(count)s rows need correcting.") % {"count": len(result.problems)})
            else:
                messages.success(request, _("Imported %(rows)s rows; %(written)s grades recorded.") % {"rows": result.rows, "written": result.written})
            return redirect("certification:appraisal_import", result.pk)
    imports = appraisal_imports_visible_to(user=request.user)[:50]
    return render(request, "certification/annual/appraisals.html", {"form": form, "imports": imports}, status=400 if form.errors else 200)


@login_required
def appraisal_import_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    _admin_check(request)
    upload = get_object_or_404(appraisal_imports_visible_to(user=request.user), pk=import_id)
    return render(request, "certification/annual/appraisal_import.html", {"upload": upload})


@login_required
def appraisal_template(request: HttpRequest) -> HttpResponse:
    _admin_check(request)
    if request.GET.get("format") == "csv":
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = "attachment; filename=appraisal-template.csv"
    else:
        response = HttpResponse(template_xlsx(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = "attachment; filename=appraisal-template.xlsx"
    return response


@login_required
def review_runs(request: HttpRequest) -> HttpResponse:
    _admin_check(request)
    regions = regions_administered_by(user=request.user)
    form = RunStartForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            run = annual_review_start(year=form.cleaned_data["year"], region=form.cleaned_data["region"], by=request.user)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, _("The annual review has started."))
            return redirect("certification:annual_run", run.pk)
    runs = list(runs_visible_to(user=request.user)[:50])
    rows = [(run, run_progress(run)) for run in runs]
    return render(request, "certification/annual/runs.html", {"form": form, "rows": rows}, status=400 if form.errors else 200)


class _Counted:
    """A queryset whose size is already known (from the outcome counts): the paginator need not count
    a province's outcomes a second time."""

    def __init__(self, queryset: QuerySet[AnnualReviewOutcome], total: int) -> None:
        self.queryset, self.total = queryset, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key: slice) -> list[AnnualReviewOutcome]:
        return list(self.queryset[key])


@login_required
def review_run(request: HttpRequest, run_id: int) -> HttpResponse:
    _admin_check(request)
    run = run_for(user=request.user, run_id=run_id)
    if run is None:
        raise Http404
    outcome = request.GET.get("outcome", "")
    outcome = outcome if outcome in ReviewOutcome.values else ""
    counts = outcome_counts(run_outcomes(user=request.user, run=run))
    total = counts[outcome] if outcome else sum(counts.values())
    shown = _Counted(run_outcomes(user=request.user, run=run, outcome=outcome), total)
    page = Paginator(shown, 50).get_page(request.GET.get("page"))  # type: ignore[arg-type,var-annotated]
    page.object_list = with_reason_labels(list(page.object_list))
    access_log_record(actor=request.user, action="list", subject=_("annual review outcomes"), object_count=len(page.object_list), request=request)  # type: ignore[arg-type]
    return render(request, "certification/annual/run.html", {
        "run": run, "progress": run_progress(run), "page": page, "outcome": outcome,
        "children": run.children.select_related("region").order_by("region__path"),
        "outcomes": [(value, label, counts.get(value, 0)) for value, label in ReviewOutcome.choices],
    })
