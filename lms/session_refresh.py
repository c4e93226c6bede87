"""The idle timeout (30 minutes) without rewriting the session on every request.

Django's SESSION_SAVE_EVERY_REQUEST writes the session row on each request just to move its expiry: on the
player's busiest endpoints (H5P statements, heartbeats) that was one UPDATE and one commit per request. A
logged-in session is instead marked modified at most once every SESSION_REFRESH_SECONDS, so the expiry still
follows activity to within that margin.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

REFRESHED_KEY = "_refreshed_at"


class SessionRefreshMiddleware:
    """Goes after SessionMiddleware: its response step runs first and leaves the save to SessionMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key or session.is_empty():
            return response
        now = int(time.time())
        if session.modified or now - int(session.get(REFRESHED_KEY, 0)) >= session_refresh_seconds():
            session[REFRESHED_KEY] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response


def session_refresh_seconds() -> int:
    return int(getattr(settings, "SESSION_REFRESH_SECONDS", 60))
