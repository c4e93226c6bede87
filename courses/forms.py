"""Forms of the hours pages: the shape of the input only; the services hold the rules."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import HoursKind, HoursPolicy


class HoursRecogniseForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours"), max_digits=6, decimal_places=1, min_value=Decimal("0.1"))
    kind = forms.ChoiceField(label=_("Kind"), choices=HoursKind.choices, initial=HoursKind.RECOGNISED)
    year = forms.IntegerField(label=_("Year"), initial=lambda: timezone.localdate().year)
    note = forms.CharField(label=_("Activity recognised"), max_length=500)
    # A resubmitted form carries the same key, so it records nothing twice.
    request_key = forms.CharField(widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex, max_length=64)


class HoursReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, min_length=2)


class HoursImportForm(forms.Form):
    file = forms.FileField(label=_("File (.csv or .xlsx)"))


class HoursPolicyForm(forms.ModelForm):
    class Meta:
        model = HoursPolicy
        fields = [
            "name",
            "effective_from",
            "cycle_years",
            "cycle_start_year",
            "cycle_target_hours",
            "yearly_minimum_hours",
            "probation_target_hours",
        ]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        caps = self.instance.caps() if self.instance else {}
        for kind, label in HoursKind.choices:
            self.fields[f"cap_{kind}"] = forms.DecimalField(
                label=_("Cap per cycle: %(kind)s") % {"kind": label},
                required=False,
                min_value=Decimal(0),
                max_digits=6,
                decimal_places=1,
                initial=caps.get(kind),
            )

    def save(self, commit: bool = False) -> HoursPolicy:
        policy = super().save(commit=False)
        policy.kind_caps = {
            kind: str(self.cleaned_data[f"cap_{kind}"])
            for kind in HoursKind.values
            if self.cleaned_data.get(f"cap_{kind}") is not None
        }
        return policy
