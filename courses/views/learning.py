"""Lesson pages and the video player's heartbeats (built in the learning work)."""

from __future__ import annotations

from typing import Any


def lesson_refusal(*, request: Any, lesson: Any) -> Any:
    return None


def lesson_context(*, request: Any, lesson: Any) -> dict[str, Any]:
    return {}
