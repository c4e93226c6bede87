"""The bureau's approval form: approve a course and file its hours (课程备案)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.forms import TaskStateCommentForm

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

def hours_field(label: str | StrPromise) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, min_value=Decimal(0), max_value=Decimal(999), decimal_places=1)


class CourseApprovalForm(TaskStateCommentForm):
    """Approve and file the hours; a blank field confirms the institution's proposal."""

    hours_online = hours_field(_("online hours"))
    hours_centralised = hours_field(_("centralised hours"))
    hours_school_based = hours_field(_("school-based hours"))
