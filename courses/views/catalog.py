"""The catalog page's listing: filters and Chinese substring search (built in the catalog work)."""

from __future__ import annotations

from typing import Any


def catalog_context(*, request: Any, catalog: Any) -> dict[str, Any]:
    return {}


def course_context(*, request: Any, course: Any) -> dict[str, Any]:
    return {}
