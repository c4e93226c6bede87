"""The bureau's approval form: approve a course and file its hours (课程备案)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm

HOURS_FIELD = {"required": False, "min_value": Decimal(0), "max_value": Decimal(999), "decimal_places": 1}


class CourseApprovalForm(TaskStateCommentForm):
    """Approve and file the hours; a blank field confirms the institution's proposal."""

    hours_online = forms.DecimalField(label=_("online hours"), **HOURS_FIELD)
    hours_centralised = forms.DecimalField(label=_("centralised hours"), **HOURS_FIELD)
    hours_school_based = forms.DecimalField(label=_("school-based hours"), **HOURS_FIELD)
