"""Browsing the access log (bureaus: their jurisdiction; personnel officers: their own queries) and
Wagtail's administrator-action log (province administrators)."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry, PageLogEntry

from lms.cells import formula_safe
from lms.models import AccessAction, AccessChannel, AccessLog
from lms.selectors import access_log_entries, user_can_browse_access_log, user_can_browse_audit
from lms.services import access_log_record

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000


def _require_auditor(request: HttpRequest) -> None:
    if not user_can_browse_audit(user=request.user):
        raise PermissionDenied(_("Only province administrators may browse the audit logs."))


def _require_access_log_reader(request: HttpRequest) -> None:
    if not user_can_browse_access_log(user=request.user):
        raise PermissionDenied(_("Only bureau administrators and personnel officers may browse the access log."))


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


def _filtered_access_log(request: HttpRequest) -> QuerySet[AccessLog]:
    entries = _filter_common(
        access_log_entries(user=request.user), request, user_field="actor_username", time_field="at"
    )
    subject = request.GET.get("subject", "").strip()
    channel = request.GET.get("channel", "").strip()
    reason = request.GET.get("reason", "").strip()
    if subject:
        entries = entries.filter(subject__icontains=subject)
    if channel:
        entries = entries.filter(channel=channel)
    if reason:
        entries = entries.filter(reason__icontains=reason)
    if request.GET.get("refused"):
        entries = entries.filter(status_code__gte=400)
    return entries


def _filter_errors(request: HttpRequest) -> list[str]:
    errors = []
    for key, label in (("since", _("From")), ("until", _("To"))):
        raw = request.GET.get(key, "")
        if raw and _parse_day(raw) is None:
            errors.append(_("%(field)s is not a date (YYYY-MM-DD); it was ignored.") % {"field": label})
    return errors


@login_required
def access_log_list(request: HttpRequest) -> HttpResponse:
    _require_access_log_reader(request)
    page = Paginator(_filtered_access_log(request), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "lms/audit_access.html",
        {
            "page": page,
            "actions": AccessAction.choices,
            "channels": AccessChannel.choices,
            "filters": request.GET,
            "filter_errors": _filter_errors(request),
            "query_string": request.GET.urlencode(),
            "can_browse_admin_log": user_can_browse_audit(user=request.user),
        },
    )


def _export_header() -> list[str]:
    return [
        _("Time"), _("Who"), _("Action"), _("How"), _("Whose data"), _("Records"), _("Reason"),
        _("Page or call"), _("HTTP status"), "IP",
    ]


def _export_rows(entries: QuerySet[AccessLog]) -> Iterator[list[str]]:
    actions = dict(AccessAction.choices)
    channels = dict(AccessChannel.choices)
    yield _export_header()
    for entry in entries.iterator(chunk_size=5000):
        yield [
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            formula_safe(entry.actor_username),
            str(actions.get(entry.action, entry.action)),
            str(channels.get(entry.channel, entry.channel)),
            formula_safe(entry.subject),  # free text: a search, a file name, a reason typed by someone
            str(entry.object_count),
            formula_safe(entry.reason),
            formula_safe(entry.path),
            "" if entry.status_code is None else str(entry.status_code),
            entry.ip_address or "",
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def access_log_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as CSV (UTF-8 with BOM, opens in Excel); the export itself is logged."""
    _require_access_log_reader(request)
    entries = _filtered_access_log(request).order_by("at", "id")
    count = entries.count()
    if count > EXPORT_LIMIT:
        return HttpResponse(
            _("%(count)s entries match; narrow the filter to at most %(limit)s to export.")
            % {"count": count, "limit": EXPORT_LIMIT},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    access_log_record(
        actor=request.user,
        action=AccessAction.EXPORT,
        subject=_("Access log export"),
        object_count=count,
        request=request,
        channel=AccessChannel.EXPORT,
    )
    writer = csv.writer(_Echo())
    lines = (writer.writerow(row) for row in _export_rows(entries))
    response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response


def _with_bom(lines: Iterator[str]) -> Iterator[str]:
    yield "\ufeff"
    yield from lines


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
