"""Forms of the cohort pages: the shape of the input and the choosers, scoped to the actor; services hold the rules."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.selectors import courses_published
from courses.selectors.cohorts import cohort_organisations_for, cohort_schools_for, cohort_tutor_candidates
from lms.api import Organisation

# Past this many options a drop-down is unusable (a province has 20,000 schools): type the code instead.
CHOOSER_SELECT_LIMIT = 300


class CodeListInput(forms.TextInput):
    """Several codes in one box, separated by spaces, commas or 、."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return [part for part in re.split(r"[\s,，、;；]+", data.get(name, "")) if part]

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, (list, tuple)):
            return " ".join(str(v) for v in value)
        return super().format_value(value)


def _chooser(field: forms.ModelChoiceField, *, code_help: Any) -> None:
    """A drop-down for a short list; a code box (checked against the same scoped list) for a long one."""
    if field.queryset.count() > CHOOSER_SELECT_LIMIT:
        multiple = isinstance(field, forms.ModelMultipleChoiceField)
        field.widget = CodeListInput() if multiple else forms.TextInput()
        field.help_text = code_help


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(obj.depth - 1, 0)}{obj.name}（{obj.code}）"


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.title}"


class TutorChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        full_name = obj.get_full_name()
        return f"{full_name}（{obj.username}）" if full_name else obj.username


def _tutor_field(actor: Any) -> TutorChoiceField:
    field = TutorChoiceField(
        label=_("Tutors"), queryset=cohort_tutor_candidates(actor=actor), to_field_name="username",
        required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Reviewers and administrators inside your jurisdiction."),
    )
    _chooser(field, code_help=_("Enter the tutors' user names, separated by spaces."))
    return field


class CohortForm(forms.Form):
    name = forms.CharField(label=_("Cohort name"), max_length=200)
    course = CourseChoiceField(label=_("Course"), queryset=courses_published().none(), to_field_name="code")
    organisation = OrganisationChoiceField(label=_("Run by"), queryset=Organisation.objects.none(), to_field_name="code")
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        course = self.fields["course"]
        assert isinstance(course, forms.ModelChoiceField)
        course.queryset = courses_published().order_by("code")
        _chooser(course, code_help=_("Enter the course code."))
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = cohort_organisations_for(user=actor)
        _chooser(organisation, code_help=_("Enter the code of a school or bureau in your jurisdiction."))
        self.fields["tutors"] = _tutor_field(actor)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("A cohort cannot end before it starts."))
        return data


class CohortSchoolForm(forms.Form):
    school = OrganisationChoiceField(label=_("School"), queryset=Organisation.objects.none(), to_field_name="code")

    def __init__(self, *args: Any, actor: Any, cohort: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        school = self.fields["school"]
        assert isinstance(school, forms.ModelChoiceField)
        school.queryset = cohort_schools_for(user=actor, cohort=cohort)
        _chooser(school, code_help=_("Enter the school code."))


class CohortTutorsForm(forms.Form):
    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tutors"] = _tutor_field(actor)
