"""The catalog page (课程中心): filters read from the query string, checked, and turned into a search.

A bad value never breaks the page: it is dropped, the page says so, and the other filters still apply.
The course page's context lives in courses/views/course_page.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.paginator import Paginator
from django.http import QueryDict
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.api import FrameworkNode, competencies_current
from courses.models import CoursePage, DeliveryMode
from courses.selectors import (
    CATALOG_SORTS,
    CatalogFilters,
    catalog_courses_load,
    catalog_providers,
    catalog_search,
)
from courses.views.catalog_cards import course_cards
from courses.views.course_page import course_context
from lms.api import Organisation
from lms.vocab import SchoolStage, Subject

__all__ = ["catalog_context", "catalog_query_parse", "course_cards", "course_context", "provider_context"]

PAGE_SIZE = 20
QUERY_MAX_CHARS = 100
HOURS_LIMIT = Decimal(9999)
# Buckets are half-open (lower, upper]: 10 hours is "up to 10", 30 is "10–30".
HOURS_BUCKETS: dict[str, tuple[Decimal | None, Decimal | None, Any]] = {
    "le10": (None, Decimal(10), gettext_lazy("Up to 10 hours")),
    "10-30": (Decimal(10), Decimal(30), gettext_lazy("10–30 hours")),
    "30-60": (Decimal(30), Decimal(60), gettext_lazy("30–60 hours")),
    "gt60": (Decimal(60), None, gettext_lazy("Over 60 hours")),
}
SORT_LABELS = {
    "newest": gettext_lazy("Newest"),
    "hours_desc": gettext_lazy("Most hours"),
    "hours_asc": gettext_lazy("Fewest hours"),
    "title": gettext_lazy("Course name"),
}
# The order parameters appear in links (stable links, cache-friendly).
PARAM_ORDER = ("q", "stage", "subject", "mode", "point", "provider", "hours", "hours_min", "hours_max", "open", "sort")


@dataclass
class CatalogQuery:
    """The filters that passed the checks, the messages for those that did not, and the kept parameters."""

    filters: CatalogFilters
    errors: list[str] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)

    def query_string(self, **changes: str | None) -> str:
        params = {**self.params, **changes}
        return urlencode([(name, value) for name in (*PARAM_ORDER, "page") if (value := params.get(name))])


def _shown(value: str) -> str:
    """A bad value echoed back in a message, cut short."""
    return value if len(value) <= 30 else value[:30] + "…"


def _decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() and Decimal(0) <= value <= HOURS_LIMIT else None


def catalog_query_parse(
    get: QueryDict, *, competencies: list[FrameworkNode], provider_ids: set[int], within: Any = None
) -> CatalogQuery:
    """Check each filter on its own: a bad one is reported and left out, the rest still apply."""
    errors: list[str] = []
    params: dict[str, str] = {}
    found: dict[str, Any] = {}

    def text(name: str) -> str:
        return (get.get(name) or "").strip()

    query = " ".join(text("q").split())
    if len(query) > QUERY_MAX_CHARS:
        errors.append(_("Search words can be at most %(max)d characters long; the search was not applied.")
                      % {"max": QUERY_MAX_CHARS})
    elif query:
        params["q"] = query
        found["words"] = tuple(dict.fromkeys(query.split()))

    for name, choices, target, message in (
        ("stage", SchoolStage, "stage", _("Unknown school stage “%(value)s”: courses for every stage are shown.")),
        ("subject", Subject, "subject", _("Unknown subject “%(value)s”: courses for every subject are shown.")),
        ("mode", DeliveryMode, "delivery_mode", _("Unknown delivery mode “%(value)s”: every mode is shown.")),
    ):
        value = text(name)
        if value and value in choices.values:
            params[name] = found[target] = value
        elif value:
            errors.append(message % {"value": _shown(value)})

    point = text("point")
    if point:
        ids = tuple(node.pk for node in competencies if node.code == point)
        if ids:
            params["point"], found["capability_point_ids"] = point, ids
        else:
            errors.append(_("Unknown capability point “%(value)s”: every capability point is shown.")
                          % {"value": _shown(point)})

    provider = text("provider")
    if provider:
        if provider.isdigit() and int(provider) in provider_ids:
            params["provider"], found["provider_id"] = provider, int(provider)
        else:
            errors.append(_("No institution with published courses matches “%(value)s”: every institution is shown.")
                          % {"value": _shown(provider)})

    _parse_hours(text, errors, params, found)

    if text("open") in ("1", "on", "true"):
        params["open"], found["open_now"] = "1", True

    sort = text("sort")
    if sort and sort not in CATALOG_SORTS:
        errors.append(_("Unknown sort order “%(value)s”: the newest courses come first.") % {"value": _shown(sort)})
    elif sort and sort != "newest":
        params["sort"] = found["sort"] = sort
    return CatalogQuery(filters=CatalogFilters(within=within, **found), errors=errors, params=params)


def _parse_hours(text: Any, errors: list[str], params: dict[str, str], found: dict[str, Any]) -> None:
    bucket = text("hours")
    if bucket in HOURS_BUCKETS:
        over, up_to, _label = HOURS_BUCKETS[bucket]
        params["hours"] = bucket
        found.update(hours_over=over, hours_max=up_to)
    elif bucket:
        errors.append(_("Unknown hours range “%(value)s”: courses of any length are shown.") % {"value": _shown(bucket)})
    if "hours" in params:
        return  # a bucket wins over typed bounds
    bounds: dict[str, Decimal] = {}
    for name in ("hours_min", "hours_max"):
        raw = text(name)
        if not raw:
            continue
        value = _decimal(raw)
        if value is None:
            errors.append(_("Hours must be a number from 0 to %(max)s (“%(value)s” is not); that bound was not applied.")
                          % {"max": HOURS_LIMIT, "value": _shown(raw)})
        else:
            bounds[name] = value
    if len(bounds) == 2 and bounds["hours_min"] > bounds["hours_max"]:
        errors.append(_("The minimum hours are above the maximum; the hours filter was not applied."))
        return
    for name, value in bounds.items():
        params[name], found[name] = text(name), value


PROVIDER_PAGE_LIMIT = 50


def provider_context(*, folder: Any, request: Any) -> dict[str, Any]:
    """An institution's folder page: its newest published courses and a link to all of them in the catalog."""
    results = catalog_search(filters=CatalogFilters(provider_id=folder.institution_id)).values_list("pk", flat=True)
    ids = list(results[: PROVIDER_PAGE_LIMIT + 1])
    return {
        "cards": course_cards(courses=catalog_courses_load(ids=ids[:PROVIDER_PAGE_LIMIT]), request=request),
        "more": len(ids) > PROVIDER_PAGE_LIMIT,
        "total": results.count() if len(ids) > PROVIDER_PAGE_LIMIT else len(ids),
        "catalog_query": urlencode({"provider": folder.institution_id}),
    }


def _competency_groups(competencies: list[FrameworkNode]) -> list[tuple[str, list[FrameworkNode]]]:
    """Competencies under their tier/dimension, for <optgroup>s; several frameworks keep their own groups."""
    groups: dict[tuple[int, int | None], tuple[str, list[FrameworkNode]]] = {}
    for node in competencies:
        key = (node.framework_id, node.parent_id)
        label = f"{node.parent.code} {node.parent.name}" if node.parent is not None else node.framework.name
        groups.setdefault(key, (label, []))[1].append(node)
    return list(groups.values())


def _active_filters(query: CatalogQuery, labels: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(label, link that removes it) for each applied filter, shown as chips above the results."""
    chips = []
    for name in PARAM_ORDER:
        value = query.params.get(name)
        if not value or name == "sort":
            continue
        shown = labels.get(name, {}).get(value, value)
        if name == "q":
            shown = _("Search: %(words)s") % {"words": value}
        elif name == "hours_min":
            shown = _("At least %(hours)s hours") % {"hours": value}
        elif name == "hours_max":
            shown = _("At most %(hours)s hours") % {"hours": value}
        elif name == "open":
            shown = _("Open for enrolment now")
        chips.append((str(shown), query.query_string(**{name: None})))
    return chips


def catalog_context(*, request: Any, catalog: Any) -> dict[str, Any]:
    competencies = list(competencies_current().select_related("parent").order_by("framework_id", "position"))
    # There is one catalog (CatalogPage.max_count): every course is below it, no path filter needed.
    providers: list[Organisation] = list(catalog_providers())
    query = catalog_query_parse(request.GET, competencies=competencies, provider_ids={p.pk for p in providers})
    paginator = Paginator(catalog_search(filters=query.filters).values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    ids = list(page.object_list) if paginator.count else []  # no second scan when nothing matched
    cards = course_cards(courses=catalog_courses_load(ids=ids), request=request)
    labels: dict[str, dict[str, Any]] = {
        "stage": dict(SchoolStage.choices), "subject": dict(Subject.choices), "mode": dict(DeliveryMode.choices),
        "point": {n.code: f"{n.code} {n.name}" for n in competencies},
        "provider": {str(p.pk): p.name for p in providers},
        "hours": {code: label for code, (_over, _up_to, label) in HOURS_BUCKETS.items()},
    }
    base = query.query_string()
    return {
        "cards": cards,
        "page_obj": page,
        "paginator": paginator,
        "page_links": [
            (number, query.query_string(page=str(number)) if number != Paginator.ELLIPSIS else "")
            for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ],
        "prev_query": query.query_string(page=str(page.previous_page_number())) if page.has_previous() else "",
        "next_query": query.query_string(page=str(page.next_page_number())) if page.has_next() else "",
        "filter_errors": query.errors,
        "filters": query.params,
        "filter_query": base,
        "active_filters": _active_filters(query, labels),
        "clear_url": "?",
        "sort_links": [
            (code, label, query.query_string(sort=code if code != "newest" else None))
            for code, label in SORT_LABELS.items()
        ],
        "current_sort": query.params.get("sort", "newest"),
        "stage_choices": SchoolStage.choices,
        "subject_choices": Subject.choices,
        "mode_choices": DeliveryMode.choices,
        "competency_groups": _competency_groups(competencies),
        "providers": providers,
        "hours_buckets": [(code, label) for code, (_over, _up_to, label) in HOURS_BUCKETS.items()],
        "query_max_chars": QUERY_MAX_CHARS,
    }
