"""Every HR-API call, answered or refused, becomes one access-log row; ID numbers only masked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode

from django.http import HttpRequest

from lms.api import AccessAction, AccessChannel, Teacher, access_log_record, mask_id_number, normalise_id_number

from ..models import ApiClient

# Anything shaped like an 18-character ID number, wherever it appears in a path or query.
ID_NUMBER_LIKE = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")
ID_PARAMETERS = ("id_number",)


@dataclass
class AuditNote:
    """What a view learnt about the call, for its log row."""

    teacher: Teacher | None = None
    subject: str = ""
    object_count: int = 1


def _mask_id_like(text: str) -> str:
    return ID_NUMBER_LIKE.sub(lambda match: mask_id_number(match.group(0).upper()), text)


def mask_query_value(value: str) -> str:
    """A queried ID number as the log shows it, however malformed it was."""
    return mask_id_number(normalise_id_number(value))


def masked_path(request: HttpRequest) -> tuple[str, str]:
    """The request's path and query string with every ID number masked."""
    path = _mask_id_like(unquote(request.path))
    pairs = []
    for name, values in request.GET.lists():
        for value in values:
            pairs.append((name, mask_query_value(value) if name in ID_PARAMETERS else _mask_id_like(value)))
    return path, urlencode(pairs, safe="*")


def _log_request(request: HttpRequest) -> HttpRequest:
    """A stand-in request carrying only the masked path and the caller's address, for access_log_record."""
    path, query = masked_path(request)
    stand_in = HttpRequest()
    stand_in.path = path
    stand_in.META = {"QUERY_STRING": query, "REMOTE_ADDR": request.META.get("REMOTE_ADDR", "")}
    return stand_in


def api_call_record(*, request: HttpRequest, status_code: int, note: AuditNote) -> None:
    client: ApiClient | None = getattr(request, "hr_api_client", None)
    refused = status_code >= 400
    access_log_record(
        actor=client.service_user if client is not None else None,
        actor_label=getattr(request, "hr_api_actor_label", "") or "API: unknown key",
        action=AccessAction.REFUSED if refused else AccessAction.QUERY,
        teacher=note.teacher,
        subject=_mask_id_like(note.subject or (client.name if client is not None else "")),
        object_count=0 if refused else note.object_count,
        request=_log_request(request),
        channel=AccessChannel.API,
        status_code=status_code,
    )


def audit_note_for(view: Any) -> AuditNote:
    note = getattr(view, "audit", None)
    return note if isinstance(note, AuditNote) else AuditNote()
