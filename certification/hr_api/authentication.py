"""API-key authentication: `Authorization: Bearer <key>` or `X-Api-Key: <key>`; one indexed query."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ..models import ApiClient
from .keys import key_matches, key_split

LAST_USED_EVERY = dt.timedelta(minutes=1)
UNKNOWN_KEY_LABEL = "API: unknown key"
# Failed keys (malformed, unknown, revoked) one address may present in a clock minute before it is told
# to wait: no key can be guessed, but a misconfigured system must not hammer the key table either.
FAILED_KEYS_PER_MINUTE = 20
WINDOW_SECONDS = 60


class KeyFailed(exceptions.AuthenticationFailed):
    pass


class TooManyFailedKeys(exceptions.Throttled):
    """429 for an address that presented too many failed keys this minute (before any key is checked)."""


def _failed_counter(request: Any) -> tuple[str, float]:
    now = time.time()
    return f"hr-api-failed-key:{request.META.get('REMOTE_ADDR', '')}:{int(now // WINDOW_SECONDS)}", now


def _failed_keys_check(request: Any) -> None:
    name, now = _failed_counter(request)
    if (cache.get(name) or 0) >= FAILED_KEYS_PER_MINUTE:
        raise TooManyFailedKeys(wait=WINDOW_SECONDS - now % WINDOW_SECONDS)


def _failed_key_count(request: Any) -> None:
    name, _now = _failed_counter(request)
    if not cache.add(name, 1, timeout=WINDOW_SECONDS * 2):
        try:
            cache.incr(name)
        except ValueError:  # expired between add and incr
            cache.set(name, 1, timeout=WINDOW_SECONDS * 2)


def _presented_key(request: Any) -> str | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header:
        scheme, _space, value = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise KeyFailed(_("Send the key as “Authorization: Bearer <key>”."), code="key_malformed")
        return value.strip()
    value = request.META.get("HTTP_X_API_KEY", "")
    return value.strip() or None


def _touch(client: ApiClient) -> None:
    """Remember when the key was last used, at most once a minute (no write on every call)."""
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= LAST_USED_EVERY:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """Authenticates as the key's service account; `request.auth` is the ApiClient."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[Any, ApiClient] | None:
        django_request = request._request
        django_request.hr_api_actor_label = UNKNOWN_KEY_LABEL
        _failed_keys_check(django_request)
        try:
            return self._authenticate(django_request, request)
        except KeyFailed:
            _failed_key_count(django_request)
            raise

    def _authenticate(self, django_request: Any, request: Any) -> tuple[Any, ApiClient] | None:
        key = _presented_key(request)
        if key is None:
            return None
        parts = key_split(key)
        if parts is None:
            raise KeyFailed(_("The API key is malformed."), code="key_malformed")
        client = ApiClient.objects.select_related("service_user", "organisation").filter(key_prefix=parts[0]).first()
        if client is None or not key_matches(client=client, key=key):
            raise KeyFailed(_("The API key is not known."), code="key_unknown")
        if client.revoked_at is not None:
            django_request.hr_api_actor_label = f"API: {client.name} (revoked)"
            raise KeyFailed(_("The API key has been revoked."), code="key_revoked")
        django_request.hr_api_client = client
        _touch(client)
        return client.service_user, client

    def authenticate_header(self, request: Any) -> str:
        return f'{self.keyword} realm="api"'
