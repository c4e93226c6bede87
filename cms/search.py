"""Site search by substring, so that Chinese words match without a tokeniser.

Wagtail's database backend splits text on spaces and punctuation, which Chinese does not use:
课堂 would never match 技术支持的课堂讲授. A case-insensitive substring match over titles,
search descriptions and the plain-text copies of bodies works on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page, PageQuerySet, Site

from cms.models import NoticePage

QUERY_MIN_LENGTH = 2
QUERY_MAX_LENGTH = 100
SNIPPET_CONTEXT = 40  # characters shown either side of the first match


@dataclass(frozen=True)
class SearchHit:
    title: str
    url: str
    type_name: str
    date: datetime.date | None
    snippet: SafeString


def site_search(*, query: str, site: Site | None) -> PageQuerySet:
    """Live, public pages of the site matching the query; title matches first, then the newest."""
    pages = Page.objects.live().public()
    pages = pages.descendant_of(site.root_page, inclusive=True) if site else pages.filter(depth__gt=1)
    matches = (
        Q(title__icontains=query)
        | Q(search_description__icontains=query)
        | Q(noticepage__summary__icontains=query)
        | Q(noticepage__search_text__icontains=query)
        | Q(standardpage__intro__icontains=query)
        | Q(standardpage__search_text__icontains=query)
    )
    title_first = Case(When(title__icontains=query, then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        pages.filter(matches)
        .annotate(title_rank=title_first)
        .order_by("title_rank", "-last_published_at", "-pk")
        .specific()
    )


def search_hit(page: Page, *, query: str, request: HttpRequest) -> SearchHit:
    texts = [getattr(page, name, "") or "" for name in ("search_description", "summary", "intro", "search_text")]
    return SearchHit(
        title=page.title,
        url=page.get_url(request) or "",
        type_name=str(page.specific_class._meta.verbose_name) if page.specific_class else "",
        date=page_date(page),
        snippet=snippet(texts, query=query),
    )


def page_date(page: Page) -> datetime.date | None:
    """The date a reader sees: a notice's publication date, else when the page was last published."""
    if isinstance(page, NoticePage):
        return page.date_published
    published = page.last_published_at or page.first_published_at
    return timezone.localdate(published) if published else None


def snippet(texts: list[str], *, query: str) -> SafeString:
    """An excerpt around the first match with the match marked; else the start of the first text."""
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    for text in texts:
        found = pattern.search(text)
        if found:
            start, end = max(found.start() - SNIPPET_CONTEXT, 0), found.end() + SNIPPET_CONTEXT
            before = ("…" if start else "") + text[start : found.start()]
            after = text[found.end() : end] + ("…" if end < len(text) else "")
            return mark_safe(f"{escape(before)}<mark>{escape(found.group())}</mark>{escape(after)}")
    first = next((text for text in texts if text), "")
    shortened = first[: 2 * SNIPPET_CONTEXT] + ("…" if len(first) > 2 * SNIPPET_CONTEXT else "")
    return mark_safe(escape(shortened))
