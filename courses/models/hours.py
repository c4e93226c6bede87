"""The hours ledger: append-only entries with who/when/why, counted by a versioned policy."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.api import AppendOnlyError, AppendOnlyModel


class HoursKind(models.TextChoices):
    ONLINE = "online", _("Online study")  # 网络研修
    CENTRALISED = "centralised", _("Centralised training")  # 集中培训
    SCHOOL_BASED = "school_based", _("School-based study")  # 校本研修
    RECOGNISED = "recognised", _("Recognised activity")  # 认定活动


class HoursSource(models.TextChoices):
    COURSE = "course", _("Course")
    SESSION = "session", _("Offline session")
    IMPORT = "import", _("Import")
    MANUAL = "manual", _("Manual recognition")


LedgerAppendOnlyError = AppendOnlyError


class HoursPolicy(models.Model):
    """One version of the hour rules; a new rule is a new version, never an edit of a used one."""

    name = models.CharField(_("name"), max_length=100)
    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("effective from"))
    cycle_years = models.PositiveSmallIntegerField(_("years per cycle"), default=5)
    cycle_start_year = models.PositiveSmallIntegerField(_("first year of a cycle"), default=2021)
    cycle_target_hours = models.DecimalField(_("hours per cycle"), max_digits=6, decimal_places=1, default=Decimal(360))
    yearly_minimum_hours = models.DecimalField(
        _("minimum hours per year"), max_digits=5, decimal_places=1, default=Decimal(24)
    )
    probation_target_hours = models.DecimalField(
        _("hours in probation"), max_digits=5, decimal_places=1, default=Decimal(120)
    )
    # {"recognised": "72"}: at most that many hours of the kind count toward one cycle.
    kind_caps = models.JSONField(_("caps per kind and cycle"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("hours policy")
        verbose_name_plural = _("hours policies")
        ordering = ["-effective_from", "-version"]
        constraints = [
            models.CheckConstraint(condition=models.Q(cycle_years__gte=1), name="hours_policy_cycle_years_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        if not isinstance(self.kind_caps, dict):
            raise ValidationError({"kind_caps": _("Caps must be a mapping of kind to hours.")})
        for kind, cap in self.kind_caps.items():
            if kind not in HoursKind.values:
                raise ValidationError({"kind_caps": _("Unknown kind of hours: %(kind)s") % {"kind": kind}})
            try:
                value = Decimal(str(cap))
            except Exception:
                value = Decimal(-1)
            if not value.is_finite() or value < 0:
                raise ValidationError({"kind_caps": _("A cap must be a number of hours, 0 or more.")})

    def caps(self) -> dict[str, Decimal]:
        return {kind: Decimal(str(cap)) for kind, cap in (self.kind_caps or {}).items()}

    def cycle_start_for(self, year: int) -> int:
        """The first year of the cycle that holds the year (2021–2025, 2026–2030, … by default)."""
        return self.cycle_start_year + ((year - self.cycle_start_year) // self.cycle_years) * self.cycle_years


class HoursEntry(AppendOnlyModel):
    """One line of the ledger. Corrections are reversing entries; rows are never changed or deleted."""

    append_only_message = "The hours ledger is append-only: record a reversing entry instead."

    # No index of its own: hours_entry_teacher_year_kind starts with the teacher.
    teacher = models.ForeignKey(
        "lms.Teacher",
        on_delete=models.PROTECT,
        related_name="hours_entries",
        verbose_name=_("teacher"),
        db_index=False,
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    kind = models.CharField(_("kind"), max_length=16, choices=HoursKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    source_type = models.CharField(_("source type"), max_length=16, choices=HoursSource.choices)
    source_ref = models.CharField(_("source reference"), max_length=200, blank=True)
    # The external source as written by whoever supplied the hours (an import's 来源 column).
    source_label = models.CharField(_("source"), max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=200, editable=False)
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("recognised by"),
    )
    recognised_at = models.DateTimeField(_("recognised at"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reverses"),
    )

    class Meta:
        verbose_name = _("hours entry")
        verbose_name_plural = _("hours entries")
        ordering = ["teacher", "-year", "-recognised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="hours_entry_unique_idempotency_key"),
            models.CheckConstraint(
                condition=(models.Q(reverses__isnull=True, hours__gt=0) | models.Q(reverses__isnull=False, hours__lt=0)),
                name="hours_entry_positive_unless_reversal",
            ),
        ]
        indexes = [
            # hours_totals: GROUP BY year, kind for one teacher reads only this index on PostgreSQL.
            models.Index(fields=["teacher", "year", "kind"], include=["hours"], name="hours_entry_teacher_year_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.teacher_id} · {self.year} · {self.get_kind_display()} · {self.hours}"


class HoursImportStatus(models.TextChoices):
    DONE = "done", _("Imported")
    REJECTED = "rejected", _("Rejected, nothing imported")


class HoursImport(models.Model):
    """One upload of external hours: who, which file, what happened, and the row report."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    filename = models.CharField(_("file"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=HoursImportStatus.choices)
    row_count = models.PositiveIntegerField(_("rows"), default=0)
    imported_count = models.PositiveIntegerField(_("imported"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    report = models.JSONField(_("report"), default=list)  # [{"row": 2, "id": "1101…", "ok": bool, "message": ""}]

    class Meta:
        verbose_name = _("hours import")
        verbose_name_plural = _("hours imports")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
