"""Rate limit per key: `rate_per_minute` calls in each clock minute, counted in the shared cache."""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache
from rest_framework.throttling import BaseThrottle

from ..models import ApiClient

WINDOW_SECONDS = 60


class ClientRateThrottle(BaseThrottle):
    """A fixed window counter (one cache increment a call, not DRF's list of timestamps)."""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        client = request.auth
        if not isinstance(client, ApiClient):
            return True
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"hr-api-rate:{client.pk}:{window}"
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            count = 1
        if count <= client.rate_per_minute:
            return True
        self.retry_after = (window + 1) * WINDOW_SECONDS - now
        return False

    def wait(self) -> float | None:
        return self.retry_after
