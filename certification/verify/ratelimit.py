"""Look-ups per client address per minute on the public verification pages, counted in the shared cache."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _client_key(request: HttpRequest) -> str:
    # Hashed so the cache holds no address; the address is the one the web server saw (as the access log does).
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return hashlib.sha256(f"verify:{address}".encode()).hexdigest()[:24]


def verify_lookup_allowed(*, request: HttpRequest) -> bool:
    """Count this look-up; False once the client has made more than VERIFY_RATE_PER_MINUTE in this minute."""
    limit = int(settings.VERIFY_RATE_PER_MINUTE)
    key = f"verify-rate:{_client_key(request)}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=90)
        count = 1
    return count <= limit
