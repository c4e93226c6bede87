"""Rotating sign-in codes and QR tokens for school-based sessions and offline-session blocks.

A code is TOTP-like: HMAC-SHA256 of the session's secret and the index of the current time window,
truncated to 6 digits. The code of the current window and of the one before it are accepted, so a
teacher who reads the code just before it changes still gets in. A QR carries a signed token
(session reference + window) that expires with the same two windows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core import signing
from django.utils import timezone

TOKEN_SALT = "courses.signin.qr"
CODE_DIGITS = 6


class SignInTokenError(Exception):
    """A QR token that was tampered with, is malformed, or has expired."""


@dataclass(frozen=True)
class SignInCode:
    code: str
    window: int
    expires_at: dt.datetime

    def seconds_left(self, now: dt.datetime | None = None) -> int:
        return max(0, int((self.expires_at - (now or timezone.now())).total_seconds()))


@dataclass(frozen=True)
class SignInToken:
    kind: str  # "session" (a school-based session) or "offline" (a block of a course lesson)
    ref: str  # the session id, or "<lesson id>:<block id>"
    window: int


def code_seconds() -> int:
    return max(10, int(getattr(settings, "SIGN_IN_CODE_SECONDS", 60)))


def early_minutes() -> int:
    return max(0, int(getattr(settings, "SIGN_IN_EARLY_MINUTES", 15)))


def new_secret() -> str:
    return secrets.token_hex(32)


def offline_block_secret(*, lesson_id: int, block_id: str) -> str:
    """Offline-session blocks have no row of their own: their secret is derived from the site's key."""
    message = f"courses.offline-session:{lesson_id}:{block_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def window_index(now: dt.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // code_seconds()


def code_for_window(*, secret: str, window: int) -> str:
    digest = hmac.new(secret.encode(), str(window).encode(), hashlib.sha256).digest()
    offset = digest[-1] & 0x0F  # dynamic truncation, as in RFC 4226
    number = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10**CODE_DIGITS).zfill(CODE_DIGITS)


def current_code(*, secret: str, now: dt.datetime | None = None) -> SignInCode:
    window = window_index(now)
    expires_at = dt.datetime.fromtimestamp((window + 1) * code_seconds(), tz=dt.timezone.utc)
    return SignInCode(code=code_for_window(secret=secret, window=window), window=window, expires_at=expires_at)


def normalise_code(code: str) -> str:
    """Teachers type spaces or full-width digits from a phone keyboard; keep the digits only."""
    return "".join(str(int(char)) for char in (code or "") if char.isdecimal())


def code_matches(*, secret: str, code: str, now: dt.datetime | None = None) -> bool:
    """The current or the previous window's code; compared in constant time."""
    typed = normalise_code(code)
    if len(typed) != CODE_DIGITS:
        return False
    window = window_index(now)
    matches = [hmac.compare_digest(typed, code_for_window(secret=secret, window=w)) for w in (window, window - 1)]
    return any(matches)


def as_aware(value: dt.datetime) -> dt.datetime:
    """Block values written by hand may be naive: they mean local time."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def sign_in_opens_at(starts_at: dt.datetime) -> dt.datetime:
    return as_aware(starts_at) - dt.timedelta(minutes=early_minutes())


def sign_in_is_open(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return sign_in_opens_at(starts_at) <= now <= as_aware(ends_at)


KIND_CODES = {"session": "s", "offline": "o"}  # short tokens keep the QR sparse enough to scan from afar


def _signer() -> signing.Signer:
    return signing.Signer(salt=TOKEN_SALT, algorithm="sha256")


def token_make(*, kind: str, ref: str, now: dt.datetime | None = None) -> str:
    return _signer().sign(f"{KIND_CODES[kind]}.{window_index(now)}.{ref}")


def token_read(token: str, *, now: dt.datetime | None = None) -> SignInToken:
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        raise SignInTokenError("bad signature") from None
    code, _dot, rest = value.partition(".")
    window, _dot, ref = rest.partition(".")
    kinds = {short: kind for kind, short in KIND_CODES.items()}
    if code not in kinds or not window.lstrip("-").isdigit() or not ref:
        raise SignInTokenError("malformed")
    parsed = SignInToken(kind=kinds[code], ref=ref, window=int(window))
    if parsed.window not in (window_index(now), window_index(now) - 1):
        raise SignInTokenError("expired")
    return parsed


def session_token(*, session_id: int, now: dt.datetime | None = None) -> str:
    return token_make(kind="session", ref=str(session_id), now=now)


def offline_token(*, lesson_id: int, block_id: str, now: dt.datetime | None = None) -> str:
    return token_make(kind="offline", ref=f"{lesson_id}:{block_id}", now=now)


def qr_svg(url: str) -> str:
    """An inline SVG QR of the URL, big enough to scan from the back of a meeting room."""
    return segno.make(url, error="m").svg_inline(border=2, omitsize=True, dark="#102a43", light="#ffffff")
