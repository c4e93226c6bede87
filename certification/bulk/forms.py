"""The bulk look-up upload form: the file (refused by its declared size before it is read), the target
title whose eligibility the result shows, and the reason the access log records."""

from __future__ import annotations

from typing import Any

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from lms.api import Title

from ..titles.rules import title_targets_in_force
from .spreadsheet import MAX_BYTES


class BulkLookupForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet of ID numbers (.xlsx or .csv)"),
        help_text=_("One ID number per row, in a column headed 身份证号 (or a single column); at most 50,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    title = forms.ChoiceField(label=_("Eligibility for the title"), required=False)
    reason = forms.CharField(
        label=_("Reason for the look-up"), max_length=500,
        help_text=_("Recorded in the access log with every teacher looked up, e.g. 2026年职称评审资格审核."),
        widget=forms.TextInput(attrs={"size": 60}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        targets = title_targets_in_force()
        labels = dict(Title.choices)
        self.fields["title"].choices = [("", _("(none: no eligibility columns)")), *((t, labels[t]) for t in targets)]  # type: ignore[attr-defined]
        if targets:
            self.fields["title"].initial = targets[0]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large; the limit is %(limit)s. Split it into smaller files.") % {"limit": filesizeformat(MAX_BYTES)}
            )
        return upload

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError(_("Give the reason for this look-up; it is recorded in the access log."))
        return reason
