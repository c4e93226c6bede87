"""Forms of the personnel look-up: the one search box and the reason for revealing an ID number."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .search import QUERY_MAX_LENGTH


class PersonnelSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, 18-character ID number or certificate number"), required=False, strip=True,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": QUERY_MAX_LENGTH, "autocomplete": "off"}),
    )


class RevealForm(forms.Form):
    # The service checks the minimum and logs; the form only bounds what reaches the log.
    reason = forms.CharField(
        label=_("Reason for viewing the full ID number"), required=False, strip=True, max_length=500,
        widget=forms.TextInput(attrs={"minlength": 4, "required": True, "autocomplete": "off"}),
    )
