"""The organiser's projector page: the current code in big digits and its QR, refreshed by polling."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from courses.signin import code_seconds, current_code, qr_svg, sign_in_opens_at, token_make

POLL_SECONDS = 10


@dataclass(frozen=True)
class DisplaySubject:
    """What is shown: a school-based session or an offline-session block of a lesson."""

    title: str
    subtitle: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    secret: str
    token_kind: str
    token_ref: str
    signed_in: int
    code_url: str
    back_url: str
    instructions: str  # where teachers type the code
    accepting: bool = True  # False once the session is cancelled or submitted


def _state(subject: DisplaySubject, now: dt.datetime) -> str:
    if not subject.accepting:
        return "closed"
    if now < sign_in_opens_at(subject.starts_at):
        return "before"
    return "open" if now <= subject.ends_at else "closed"


def _state_text(subject: DisplaySubject, state: str) -> str:
    local = timezone.localtime
    if state == "before":
        return _("Sign-in opens at %(time)s.") % {"time": local(sign_in_opens_at(subject.starts_at)).strftime("%H:%M")}
    if state == "closed":
        return _("Sign-in has closed.")
    return subject.instructions


def code_payload(request: HttpRequest, subject: DisplaySubject, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    state = _state(subject, now)
    payload: dict[str, Any] = {
        "state": state,
        "state_text": _state_text(subject, state),
        "signed_in": subject.signed_in,
        "signed_in_text": _("Signed in: %(count)s") % {"count": subject.signed_in},
        "code": "",
        "qr_svg": "",
        "seconds_left": 0,
        "poll_seconds": POLL_SECONDS,
        "window_seconds": code_seconds(),
    }
    if state == "open":
        code = current_code(secret=subject.secret, now=now)
        token = token_make(kind=subject.token_kind, ref=subject.token_ref, now=now)
        url = request.build_absolute_uri(reverse("courses:sign_in_qr", args=[token]))
        payload.update(code=code.code, qr_svg=qr_svg(url), seconds_left=code.seconds_left(now), qr_url=url)
    return payload


@never_cache
def display_page(request: HttpRequest, subject: DisplaySubject) -> HttpResponse:
    context = {"subject": subject, "payload": code_payload(request, subject)}
    return render(request, "courses/sessions/display.html", context)


@never_cache
def display_json(request: HttpRequest, subject: DisplaySubject) -> JsonResponse:
    return JsonResponse(code_payload(request, subject))
