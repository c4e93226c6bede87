"""Site search at /search/."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.models import Site

from cms.search import QUERY_MAX_LENGTH, QUERY_MIN_LENGTH, search_hit, site_search

RESULTS_PER_PAGE = 20


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": _("The search words are too long: use at most %(limit_value)d characters."),
            "null_characters_not_allowed": _("The search words contain characters that cannot be searched."),
        },
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    context: dict[str, object] = {"min_length": QUERY_MIN_LENGTH, "max_length": QUERY_MAX_LENGTH}
    if not form.is_valid():
        # Over-long or malformed: refused with the reason, and nothing is searched.
        context.update(query="", error=form.errors["q"][0])
        return render(request, "cms/search.html", context, status=400)
    query: str = form.cleaned_data["q"]
    # site_search_query fills the header's search box on this page.
    context.update(query=query, site_search_query=query, page_params=urlencode({"q": query}))
    if len(query) < QUERY_MIN_LENGTH:
        context["prompt"] = True
        return render(request, "cms/search.html", context)
    pages = Paginator(site_search(query=query, site=Site.find_for_request(request)), RESULTS_PER_PAGE)
    results = pages.get_page(request.GET.get("page"))
    context.update(results=results, hits=[search_hit(page, query=query, request=request) for page in results])
    return render(request, "cms/search.html", context)
