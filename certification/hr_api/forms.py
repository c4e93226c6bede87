"""Forms of the API-key pages: issuing a key (jurisdiction, scopes, rate) and revoking one with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from lms.api import Organisation

from ..models import ApiScope
from .keys import MAX_RATE_PER_MINUTE


class ApiClientIssueForm(forms.Form):
    name = forms.CharField(label=_("System"), max_length=200, help_text=_("e.g. 甲一县人事管理系统"))
    contact = forms.CharField(label=_("Contact"), max_length=200, required=False, help_text=_("Who runs the system: name and telephone."))
    organisation = forms.ModelChoiceField(label=_("Jurisdiction"), queryset=Organisation.objects.none())
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)
    rate_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1, max_value=MAX_RATE_PER_MINUTE, initial=120)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = regions  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Name the system."))
        return name


class ApiClientRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason for revoking the key."))
        return reason
