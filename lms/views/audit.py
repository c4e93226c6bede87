"""Browsing the access log and Wagtail's admin action log (province administrators)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry, PageLogEntry

from lms.models import AccessAction
from lms.selectors import access_log_entries, user_can_browse_audit

PAGE_SIZE = 50


def _require_auditor(request: HttpRequest) -> None:
    if not user_can_browse_audit(user=request.user):
        raise PermissionDenied(_("Only province administrators may browse the audit logs."))


def _parse_day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filter_common(entries: QuerySet, request: HttpRequest, *, user_field: str, time_field: str) -> QuerySet:
    who = request.GET.get("who", "").strip()
    action = request.GET.get("action", "").strip()
    since = _parse_day(request.GET.get("since", ""))
    until = _parse_day(request.GET.get("until", ""))
    if who:
        entries = entries.filter(**{f"{user_field}__icontains": who})
    if action:
        entries = entries.filter(action=action)
    if since:
        entries = entries.filter(**{f"{time_field}__date__gte": since})
    if until:
        entries = entries.filter(**{f"{time_field}__date__lte": until})
    return entries


@login_required
def access_log_list(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    entries = _filter_common(
        access_log_entries(user=request.user), request, user_field="actor_username", time_field="at"
    )
    subject = request.GET.get("subject", "").strip()
    if subject:
        entries = entries.filter(subject__icontains=subject)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lms/audit_access.html",
        {"page": page, "actions": AccessAction.choices, "filters": request.GET},
    )


@login_required
def admin_action_list(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    source = PageLogEntry if request.GET.get("kind") == "pages" else ModelLogEntry
    entries = _filter_common(
        source.objects.select_related("user", "content_type").order_by("-timestamp", "-id"),
        request,
        user_field="user__username",
        time_field="timestamp",
    )
    actions = sorted(set(source.objects.values_list("action", flat=True).distinct()))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lms/audit_admin.html",
        {"page": page, "actions": actions, "filters": request.GET, "kind": request.GET.get("kind", "models")},
    )
