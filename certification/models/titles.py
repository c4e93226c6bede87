"""Title-promotion (职称评审) rule sets: versioned data a province edits, one per target title."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.api import Education, Title

from .annual import AppraisalGrade
from .levels import CertificationLevel


class TitleRuleSet(models.Model):
    target_title = models.CharField(_("target title"), max_length=16, choices=Title.choices)
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("in force"), default=True)
    effective_from = models.DateField(_("effective from"))
    from_title = models.CharField(_("current title required"), max_length=16, choices=Title.choices)
    years_by_education = models.JSONField(
        _("years in the current title by education"), default=dict,
        help_text=_('e.g. {"bachelor": 5, "master": 4, "doctor": 2, "college": 6, "": 7} ("" when not recorded)'),
    )
    cycle_hours_min = models.DecimalField(
        _("hours in the current cycle, at least"), max_digits=6, decimal_places=1, default=Decimal(360)
    )
    min_level = models.ForeignKey(
        CertificationLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("minimum certification level"),
    )
    appraisal_years = models.PositiveSmallIntegerField(
        _("appraisals of the last … years"), default=5, validators=[MaxValueValidator(10)]
    )
    appraisal_min_grade = models.CharField(
        _("each at least"), max_length=12, choices=AppraisalGrade.choices, default=AppraisalGrade.QUALIFIED
    )
    appraisal_excellent_min = models.PositiveSmallIntegerField(_("of which 优秀, at least"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("title-promotion rules")
        verbose_name_plural = _("title-promotion rules")
        ordering = ["target_title", "-version"]
        constraints = [models.UniqueConstraint(fields=["target_title", "version"], name="title_rule_unique_version")]

    def __str__(self) -> str:
        return f"{self.get_target_title_display()} v{self.version}"

    def clean(self) -> None:
        years = self.years_by_education
        if not isinstance(years, dict) or not years:
            raise ValidationError({"years_by_education": _("A mapping of education level to years, e.g. {\"bachelor\": 5}.")})
        for education, value in years.items():
            if education not in Education.values:
                raise ValidationError({"years_by_education": _("Unknown education level: %(code)s") % {"code": education}})
            if not isinstance(value, int) or value < 0 or value > 40:
                raise ValidationError({"years_by_education": _("Years must be a whole number from 0 to 40.")})
        if self.from_title == self.target_title:
            raise ValidationError({"from_title": _("The current title must differ from the target title.")})
