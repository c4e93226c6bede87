"""Annual review (年度审核): imported appraisal grades, versioned review rules, runs and outcomes."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.api import AppendOnlyModel

from .certificates import Certificate


class AppraisalGrade(models.TextChoices):
    """年度考核 grades, best first; the product imports them, it never invents one."""

    EXCELLENT = "excellent", _("Excellent")  # 优秀
    QUALIFIED = "qualified", _("Qualified")  # 合格
    BASIC = "basic", _("Basically qualified")  # 基本合格
    UNQUALIFIED = "unqualified", _("Unqualified")  # 不合格


APPRAISAL_RANK = {AppraisalGrade.EXCELLENT: 1, AppraisalGrade.QUALIFIED: 2, AppraisalGrade.BASIC: 3, AppraisalGrade.UNQUALIFIED: 4}


class AppraisalImport(models.Model):
    """One uploaded appraisal spreadsheet: all rows written, or none and a row-numbered report."""

    year = models.PositiveSmallIntegerField(_("year"))
    file_name = models.CharField(_("file"), max_length=200)
    rows = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)  # [{"row": 3, "message": "…"}]
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appraisal import")
        verbose_name_plural = _("appraisal imports")
        ordering = ["-uploaded_at"]


class AppraisalRecord(AppendOnlyModel):
    """A teacher's appraisal grade for a year; a correction is a later record (the latest counts)."""

    append_only_message = "Appraisal records are append-only."

    teacher = models.ForeignKey("lms.Teacher", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    grade = models.CharField(max_length=12, choices=AppraisalGrade.choices)
    source = models.ForeignKey(AppraisalImport, null=True, blank=True, on_delete=models.PROTECT, related_name="records")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("appraisal record")
        verbose_name_plural = _("appraisal records")
        indexes = [models.Index(fields=["teacher", "year", "id"], name="appraisal_teacher_year")]


class ReviewOutcome(models.TextChoices):
    RENEWED = "renewed", _("Renewed")
    WARNED = "warned", _("Warned")
    SUSPENDED = "suspended", _("Suspended")


class AnnualReviewRule(models.Model):
    """One version of the annual review rules; the run stores which version decided."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("effective from"))
    yearly_minimum_hours = models.DecimalField(_("minimum hours in the year"), max_digits=5, decimal_places=1, default=Decimal(24))
    outcome_excellent = models.CharField(_("outcome for 优秀"), max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.RENEWED)
    outcome_qualified = models.CharField(_("outcome for 合格"), max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.RENEWED)
    outcome_basic = models.CharField(_("outcome for 基本合格"), max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.WARNED)
    outcome_unqualified = models.CharField(_("outcome for 不合格"), max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.SUSPENDED)
    outcome_missing_grade = models.CharField(_("outcome when no grade was imported"), max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.WARNED)
    outcome_hours_short = models.CharField(_("outcome when hours fall short"), max_length=12, choices=ReviewOutcome.choices, default=ReviewOutcome.WARNED)
    warnings_before_suspension = models.PositiveSmallIntegerField(
        _("a warning in this many consecutive years suspends"), default=2, help_text=_("0 turns the rule off.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("annual review rules")
        verbose_name_plural = _("annual review rules")
        ordering = ["-effective_from", "-version"]

    def __str__(self) -> str:
        return f"v{self.version}"


class AnnualReviewRun(models.Model):
    """One run for a year over a region; a province or city run fans out into one child run per county."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey("lms.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"))
    rule = models.ForeignKey(AnnualReviewRule, on_delete=models.PROTECT, related_name="runs")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    counts = models.JSONField(default=dict)  # {"renewed": n, "warned": n, "suspended": n, "unchanged": n, "changed": n}
    error = models.TextField(blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("annual review run")
        verbose_name_plural = _("annual review runs")
        ordering = ["-created_at"]


class AnnualReviewOutcome(AppendOnlyModel):
    """Append-only: the decision for a certificate and a year. A re-run writes a new revision only when
    the inputs (hours, grade, earlier warnings, rule version) changed; the latest revision stands."""

    append_only_message = "Annual review outcomes are append-only."

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="review_outcomes")
    teacher = models.ForeignKey("lms.Teacher", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    revision = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(max_length=12, choices=ReviewOutcome.choices)
    reasons = models.JSONField(default=list)  # reason codes, e.g. ["hours_short", "appraisal_basic"]
    hours = models.DecimalField(max_digits=7, decimal_places=1)
    grade = models.CharField(max_length=12, blank=True)
    inputs = models.CharField(max_length=120)  # the inputs as one comparable string
    rule = models.ForeignKey(AnnualReviewRule, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(AnnualReviewRun, on_delete=models.PROTECT, related_name="outcomes")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("annual review outcome")
        verbose_name_plural = _("annual review outcomes")
        constraints = [
            models.UniqueConstraint(fields=["certificate", "year", "revision"], name="annual_outcome_unique_revision")
        ]
        indexes = [models.Index(fields=["teacher", "year"], name="annual_outcome_teacher_year")]
