"""Forms of the school-based session pages: the shape of the input only; the services hold the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from courses.models import RecordKind, SchoolSession
from lms.api import Organisation

# A select is fine for a county's schools; a province admin types the school's code instead.
SCHOOL_SELECT_LIMIT = 300
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )


class SchoolSessionForm(forms.Form):
    school = forms.ModelChoiceField(label=_("School"), queryset=Organisation.objects.none(), to_field_name="code")
    topic = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = _datetime_field(_("Starts at"))
    ends_at = _datetime_field(_("Ends at"))
    place = forms.CharField(label=_("Place"), max_length=200)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=1, min_value=Decimal("0.5"),
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )

    def __init__(self, *args: Any, schools: QuerySet[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school"]
        if schools is None:  # editing: the school stays as it is
            del self.fields["school"]
            return
        field.queryset = schools  # type: ignore[attr-defined]
        if schools.count() > SCHOOL_SELECT_LIMIT:
            field.widget = forms.TextInput(attrs={"placeholder": _("School code")})
            field.help_text = _("Type the school's official code.")
        elif schools.count() == 1:
            field.initial = schools.first().code  # type: ignore[union-attr]

    @classmethod
    def for_session(cls, session: SchoolSession, data: Any = None) -> SchoolSessionForm:
        from django.utils import timezone

        initial = {
            "topic": session.topic,
            "description": session.description,
            "starts_at": timezone.localtime(session.starts_at),
            "ends_at": timezone.localtime(session.ends_at),
            "place": session.place,
            "hours": session.hours,
        }
        return cls(data, initial=initial)


class SignInForm(forms.Form):
    code = forms.CharField(
        label=_("Sign-in code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True,
                                      "placeholder": "000000", "class": "sign-in-code-input"}),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return for correction"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class SessionRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RecordKind.choices)
    observed_lesson = forms.CharField(
        label=_("Lesson observed"), max_length=200, required=False,
        help_text=_("For an observation record: the lesson, class and teacher observed."),
    )
    text = forms.CharField(label=_("Record"), max_length=10000, widget=forms.Textarea(attrs={"rows": 6}))
