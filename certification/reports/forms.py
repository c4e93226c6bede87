"""The filters every report page takes: stage, subject and, where it applies, a cycle or a year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.api import HoursPolicy, hours_policy_current
from lms.api import SchoolStage, Subject

from . import sql
from .build import ReportFilters, cycle_years_for

INDICATOR_YEARS = 10  # how far back the indicator's last year may be chosen


def year_choices(*, kind: str, today: dt.date) -> list[tuple[int, str]] | None:
    """The cycles (completion), last years (indicator) or review years (annual) offered; None: no year."""
    if kind in ("completion", "indicator"):
        try:
            policy: HoursPolicy | None = hours_policy_current(on=today)
        except HoursPolicy.DoesNotExist:
            policy = None
        if policy is None:
            return []
        if kind == "indicator":
            return [(year, str(year)) for year in range(today.year, today.year - INDICATOR_YEARS, -1)]
        current = policy.cycle_start_for(today.year)
        starts = range(current, min(policy.cycle_start_year, current) - 1, -policy.cycle_years)
        return [(start, "%d–%d" % cycle_years_for(policy=policy, year=start)) for start in starts]
    if kind == "annual":
        years = sql.outcome_years() or [today.year - 1]
        return [(year, str(year)) for year in years]
    return None


class ReportFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("School stage"), required=False)
    subject = forms.ChoiceField(label=_("Subject"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, years: list[tuple[int, str]] | None, year_label: Any = None, year_empty: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._choices("stage", [("", _("All stages")), *SchoolStage.choices])
        self._choices("subject", [("", _("All subjects")), *Subject.choices])
        if years is None:
            del self.fields["year"]
        else:
            self._choices("year", [("", year_empty or _("Current")), *years])
            if year_label is not None:
                self.fields["year"].label = year_label

    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(stage=data.get("stage") or "", subject=data.get("subject") or "", year=data.get("year"))
