"""The hour rules as data: every version listed; province administrators publish a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from courses.forms import HoursPolicyForm
from courses.models import HoursPolicy
from courses.selectors import hours_policies, hours_policy_current
from courses.services import hours_policy_publish, user_can_edit_hours_policy
from lms.api import user_can_view_teachers


@login_required
def hours_policy(request: HttpRequest) -> HttpResponse:
    can_edit = user_can_edit_hours_policy(user=request.user)
    if not (can_edit or user_can_view_teachers(user=request.user)):
        raise PermissionDenied(_("You have no role that covers the hour rules."))
    current = hours_policy_current()
    status = 200
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("Only province administrators may change the hour rules."))
        form = HoursPolicyForm(request.POST, instance=HoursPolicy())
        if form.is_valid():
            try:
                policy = hours_policy_publish(actor=request.user, policy=form.save())
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                messages.success(request, _("Hours policy version %(version)s published.") % {"version": policy.version})
                return redirect("courses:hours_policy")
        status = 400
    elif can_edit:
        template = HoursPolicy(**{f.attname: getattr(current, f.attname) for f in HoursPolicy._meta.concrete_fields
                                  if f.attname not in ("id", "version", "created_at", "created_by_id")})
        form = HoursPolicyForm(instance=template)
    context = {"policies": hours_policies(), "current": current, "form": form}
    return render(request, "courses/hours_policy.html", context, status=status)
