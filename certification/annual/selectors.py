"""Reads of the annual review, scoped by jurisdiction: runs, a run's outcomes, a teacher's own outcomes."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from ..access import regions_administered_by, teachers_administered_by
from ..models import AnnualReviewOutcome, AnnualReviewRun, AppraisalGrade, AppraisalImport, ReviewOutcome


REASON_LABELS = {
    "hours_short": _("Yearly hours below the minimum"),
    "appraisal_missing": _("No appraisal grade"),
    "appraisal_excellent": _("Appraisal: excellent"),
    "appraisal_qualified": _("Appraisal: qualified"),
    "appraisal_basic": _("Appraisal: basically qualified"),
    "appraisal_unqualified": _("Appraisal: unqualified"),
    "repeated_warning": _("Warned in consecutive years"),
}


def reason_labels(codes: list[str]) -> list[str]:
    return [str(REASON_LABELS.get(code, code)) for code in codes or []]


def with_reason_labels(rows: list[AnnualReviewOutcome]) -> list[AnnualReviewOutcome]:
    """Each row gets `reason_labels` (its reason codes in words) and `grade_label`, for templates."""
    for row in rows:
        row.reason_labels = reason_labels(row.reasons)  # type: ignore[attr-defined]
        row.grade_label = AppraisalGrade(row.grade).label if row.grade in AppraisalGrade.values else ""  # type: ignore[attr-defined]
    return rows


def _latest_revisions(outcomes: QuerySet[AnnualReviewOutcome]) -> QuerySet[AnnualReviewOutcome]:
    newer = AnnualReviewOutcome.objects.filter(
        certificate=OuterRef("certificate"), year=OuterRef("year"), revision__gt=OuterRef("revision")
    )
    return outcomes.filter(~Exists(newer))


def runs_visible_to(*, user: Any) -> QuerySet[AnnualReviewRun]:
    """Top-level runs over a region the user administers (a county admin sees their county's child runs too)."""
    regions = regions_administered_by(user=user)
    return (
        AnnualReviewRun.objects.filter(region__in=regions.values("id"))
        .filter(Q(parent__isnull=True) | ~Q(parent__region__in=regions.values("id")))
        .select_related("region", "rule", "parent")
    )


def run_for(*, user: Any, run_id: int) -> AnnualReviewRun | None:
    regions = regions_administered_by(user=user)
    return AnnualReviewRun.objects.filter(pk=run_id, region__in=regions.values("id")).select_related("region", "rule").first()


def run_outcomes(*, user: Any, run: AnnualReviewRun, outcome: str = "") -> QuerySet[AnnualReviewOutcome]:
    """The decisions this run (and its county runs) wrote, for teachers now in the run's region — which
    `run_for` only returns when the user administers it. Each row says whether a later revision
    superseded it. A re-run with unchanged inputs wrote nothing, so shows nothing."""
    runs = [run.pk, *run.children.values_list("pk", flat=True)]
    shown = AnnualReviewOutcome.objects.filter(run_id__in=runs, teacher__school__path__startswith=run.region.path)
    if not user.is_superuser:
        shown = shown.filter(teacher__in=teachers_administered_by(user=user).values("id"))
    if outcome in ReviewOutcome.values:
        shown = shown.filter(outcome=outcome)
    newer = AnnualReviewOutcome.objects.filter(
        certificate=OuterRef("certificate"), year=OuterRef("year"), revision__gt=OuterRef("revision")
    )
    return shown.annotate(superseded=Exists(newer)).select_related("certificate__level", "teacher__school").order_by("pk")


def outcome_counts(outcomes: QuerySet[AnnualReviewOutcome]) -> dict[str, int]:
    counts = dict.fromkeys(ReviewOutcome.values, 0)
    for row in outcomes.order_by().values("outcome").annotate(n=Count("id")):
        counts[row["outcome"]] = row["n"]
    return counts


def annual_outcomes_for_teacher(*, teacher_id: int) -> list[AnnualReviewOutcome]:
    """A teacher's standing review decisions (latest revision per certificate and year), newest year first,
    each with `reason_labels`; the caller checks who may see them."""
    rows = list(
        _latest_revisions(AnnualReviewOutcome.objects.filter(teacher_id=teacher_id))
        .select_related("certificate__level", "rule")
        .order_by("-year", "certificate__level__rank")
    )
    return with_reason_labels(rows)


def appraisal_imports_visible_to(*, user: Any) -> QuerySet[AppraisalImport]:
    """The user's own uploads (everyone's for a superuser): an import names teachers only in its report."""
    imports = AppraisalImport.objects.select_related("uploaded_by")
    return imports if user.is_superuser else imports.filter(uploaded_by=user)
