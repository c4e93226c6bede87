"""Forms of the annual review pages: an appraisal upload, starting a run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms.api import Organisation

from ..models import ReviewOutcome
from .spreadsheet import MAX_BYTES


def _year_choices() -> list[tuple[int, int]]:
    this_year = timezone.localdate().year
    return [(year, year) for year in range(this_year, this_year - 10, -1)]


class AppraisalUploadForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        help_text=_("Columns 身份证号, 姓名 (optional check), 年度, 考核结果 (优秀 / 合格 / 基本合格 / 不合格)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:  # refused by its declared size, before it is read
            raise forms.ValidationError(_("The file is too large; the limit is 5 MB. Split it into smaller files."))
        return upload


class RunStartForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=_year_choices)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["region"].queryset = regions.order_by("path")  # type: ignore[attr-defined]


class OutcomeFilterForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), required=False, choices=[("", _("All")), *ReviewOutcome.choices])
