"""Forms of certificate administration: status changes, manual issue, cohort batches."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.api import Organisation

from .models import CertificationLevel, ReasonCode

STATUS_ACTIONS = (
    ("suspend", _("Suspend")),
    ("reinstate", _("Reinstate")),
    ("revoke", _("Revoke")),
)


class StatusChangeForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=STATUS_ACTIONS)
    reason_code = forms.ChoiceField(label=_("Reason"), choices=[("", "—"), *ReasonCode.choices])
    reason_text = forms.CharField(label=_("Details"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    effective_on = forms.DateField(label=_("Effective on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class BatchForm(forms.Form):
    level = forms.ModelChoiceField(label=_("Level"), queryset=CertificationLevel.objects.none())
    school = forms.ModelChoiceField(label=_("School"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = CertificationLevel.objects.filter(is_active=True).order_by("rank")  # type: ignore[attr-defined]
        self.fields["school"].queryset = schools  # type: ignore[attr-defined]
