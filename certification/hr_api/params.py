"""Checking query parameters: each malformed one is a 400 that names it, before anything is read."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

from .errors import InvalidParameter

NAME_MIN, NAME_MAX = 2, 50
CERTIFICATE_NUMBER_MAX = 40
CERTIFICATE_NUMBER = re.compile(r"^[A-Za-z0-9_\-]{1,%d}$" % CERTIFICATE_NUMBER_MAX)


def params_only(request: Any, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query parameters, refusing unknown or repeated ones (a typo must not silently widen a query)."""
    values: dict[str, str] = {}
    for name, given in request.query_params.lists():
        if name not in allowed:
            raise InvalidParameter(name, _("Unknown parameter; allowed: %(names)s.") % {"names": ", ".join(allowed)})
        if len(given) != 1:
            raise InvalidParameter(name, _("Give this parameter once."))
        values[name] = given[0].strip()
    return values


def int_param(values: dict[str, str], name: str, *, low: int, high: int) -> int | None:
    raw = values.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidParameter(name, _("A whole number from %(low)s to %(high)s.") % {"low": low, "high": high})
    return int(raw)


def name_param(value: str) -> str:
    if not NAME_MIN <= len(value) <= NAME_MAX or any(ch.isdigit() for ch in value):
        raise InvalidParameter("name", _("A name (or part of one) of %(low)s–%(high)s characters, without digits.") % {
            "low": NAME_MIN, "high": NAME_MAX,
        })
    return value


def certificate_number_param(value: str, name: str = "certificate_number") -> str:
    if not CERTIFICATE_NUMBER.match(value):
        raise InvalidParameter(name, _("A certificate number: at most %(n)s letters, digits, hyphens or underscores.") % {"n": CERTIFICATE_NUMBER_MAX})
    return value


class NamePagination(PageNumberPagination):
    """Pages of name-search results; a bad page is a 400 naming `page`, not a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        values = request.query_params
        if "page" in values:
            int_param({"page": values["page"]}, "page", low=1, high=1_000_000)
        if self.page_size_query_param in values:
            int_param({"page_size": values["page_size"]}, "page_size", low=1, high=self.max_page_size)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:
            raise InvalidParameter("page", _("There is no such page.")) from exc
