"""Certification levels and their versioned requirements: rules are data an administrator edits."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class CompetencyLevel(models.TextChoices):
    PASS = "pass", _("Pass or better")  # 合格及以上
    EXCELLENT = "excellent", _("Excellent")  # 优秀


class CertificationLevel(models.Model):
    """初级 / 中级 / 高级, or whatever a province defines; rank orders them (1 is the lowest)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), validators=[MinValueValidator(1)], help_text=_("1 is the lowest level."))
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("certification level")
        verbose_name_plural = _("certification levels")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name

    def current_rule(self) -> LevelRule | None:
        return self.rules.filter(is_active=True).order_by("-version").first()


class LevelRule(models.Model):
    """One version of a level's requirements. A version that decided anything is never edited: a change
    is a new version (the admin's “save as a new version”), and each decision stores the version it used."""

    level = models.ForeignKey(CertificationLevel, on_delete=models.PROTECT, related_name="rules", verbose_name=_("level"))
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("in force"), default=True)
    effective_from = models.DateField(_("effective from"))
    framework_code = models.CharField(_("framework code"), max_length=40, default="2.0")
    framework_version = models.PositiveIntegerField(_("framework version"), default=1)
    competencies_min = models.PositiveSmallIntegerField(_("competencies passed, at least"), default=3)
    competency_level = models.CharField(
        _("at the level"), max_length=12, choices=CompetencyLevel.choices, default=CompetencyLevel.PASS
    )
    competencies_required = models.JSONField(
        _("competencies required by code"), default=list, blank=True, help_text=_('e.g. ["A1", "A3"]')
    )
    dimensions_required = models.JSONField(
        _("dimensions to cover"), default=list, blank=True,
        help_text=_('Dimension codes that each need at least one passed competency, e.g. ["LA", "ID"].'),
    )
    environments_required = models.JSONField(
        _("environments or tiers to cover"), default=list, blank=True,
        help_text=_('Environment or tier codes that each need at least one passed competency, e.g. ["A", "B"].'),
    )
    hours_window_years = models.PositiveSmallIntegerField(
        _("hours counted over the last … years"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    hours_total_min = models.DecimalField(_("hours in the window, at least"), max_digits=6, decimal_places=1, default=Decimal(50))
    hours_by_kind_min = models.JSONField(
        _("hours per kind, at least"), default=dict, blank=True, help_text=_('e.g. {"online": 20, "school_based": 25}')
    )
    prerequisite = models.ForeignKey(
        CertificationLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("prerequisite level"),
    )
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("level requirements")
        verbose_name_plural = _("level requirements")
        ordering = ["level__rank", "-version"]
        constraints = [models.UniqueConstraint(fields=["level", "version"], name="level_rule_unique_version")]

    def __str__(self) -> str:
        return f"{self.level} v{self.version}"

    def clean(self) -> None:
        from courses.api import HoursKind

        errors: dict[str, str] = {}
        for field in ("competencies_required", "dimensions_required", "environments_required"):
            value = getattr(self, field)
            if not isinstance(value, list) or not all(isinstance(code, str) and code.strip() for code in value):
                errors[field] = str(_("A list of codes, e.g. [\"A1\", \"A3\"]."))
        kinds = self.hours_by_kind_min
        if not isinstance(kinds, dict):
            errors["hours_by_kind_min"] = str(_("A mapping of kind to hours."))
        else:
            for kind, hours in kinds.items():
                if kind not in HoursKind.values:
                    errors["hours_by_kind_min"] = str(_("Unknown kind of hours: %(kind)s") % {"kind": kind})
                    break
                try:
                    ok = Decimal(str(hours)) >= 0
                except Exception:
                    ok = False
                if not ok:
                    errors["hours_by_kind_min"] = str(_("Hours must be a number, 0 or more."))
                    break
        if self.prerequisite_id and self.level_id and self.prerequisite_id == self.level_id:
            errors["prerequisite"] = str(_("A level cannot be its own prerequisite."))
        if errors:
            raise ValidationError(errors)

    def kind_minimums(self) -> dict[str, Decimal]:
        return {kind: Decimal(str(hours)) for kind, hours in (self.hours_by_kind_min or {}).items()}

    def is_used(self) -> bool:
        return self.certificates.exists() or self.decisions.exists()


class EligibilityDecision(models.Model):
    """An issuance decision (issued or refused) with the rule version and the explanation it gave."""

    teacher = models.ForeignKey("lms.Teacher", on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(LevelRule, on_delete=models.PROTECT, related_name="decisions")
    eligible = models.BooleanField()
    explanation = models.JSONField(default=list)
    mode = models.CharField(max_length=12)
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("eligibility decision")
        verbose_name_plural = _("eligibility decisions")
        indexes = [models.Index(fields=["teacher", "decided_at"], name="cert_decision_teacher")]
