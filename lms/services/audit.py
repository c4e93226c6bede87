from __future__ import annotations

from django.contrib.auth.models import User
from django.http import HttpRequest

from lms.models import AccessChannel, AccessLog, Teacher


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def access_log_record(
    *,
    actor: User | None,
    action: str,
    teacher: Teacher | None = None,
    subject: str = "",
    object_count: int = 1,
    reason: str = "",
    request: HttpRequest | None = None,
    actor_label: str = "",
    channel: str = AccessChannel.PAGE,
    status_code: int | None = None,
) -> AccessLog:
    """Append one entry: who looked at or exported whose personal data, when and why.

    `channel` says how (page, bulk look-up, API, export); `status_code` the answer an API call got.
    Without a signed-in actor (a command-line bulk load) `actor_label` names what acted; one is required.
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    if actor is None and not actor_label:
        raise ValueError("an access-log entry needs an actor or an actor_label")
    entry = AccessLog(
        actor=actor,
        actor_username=actor.get_username() if actor is not None else actor_label[:150],
        action=action,
        teacher_id_ref=teacher.pk if teacher is not None else None,
        subject=subject or (str(teacher) if teacher is not None else ""),
        object_count=object_count,
        reason=reason[:500],
        path=(request.get_full_path()[:300] if request is not None else ""),
        ip_address=_client_ip(request),
        channel=channel,
        status_code=status_code,
    )
    entry.full_clean()
    entry.save()
    return entry
