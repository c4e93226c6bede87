"""OpenAPI schema scope: only the project's own /api/ endpoints, not Wagtail's internal admin API."""

from __future__ import annotations


def only_project_api(endpoints: list[tuple]) -> list[tuple]:
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
