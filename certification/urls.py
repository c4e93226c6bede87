"""Routes of certification: each area keeps its own list."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

app_name = "certification"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("certification.urls_certificates")),
    path("", include("certification.verify.urls")),
    path("", include("certification.annual.urls")),
    path("", include("certification.titles.urls")),
]
