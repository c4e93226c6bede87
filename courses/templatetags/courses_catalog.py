"""Template tags of the catalog: the institution folder page has no view of its own to fill its context."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def provider_courses(context: Any, folder: Any) -> dict[str, Any]:
    """{% provider_courses page as listing %}: the institution's published courses as catalog cards."""
    from courses.views.catalog import provider_context

    return provider_context(folder=folder, request=context.get("request"))
