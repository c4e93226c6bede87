"""Routes of certification: each area keeps its own list."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

app_name = "certification"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("certification.urls_certificates")),
    path("", include("certification.verify.urls")),
    path("", include("certification.annual.urls")),
    path("", include("certification.titles.urls")),
    path("personnel/", include("certification.personnel.urls")),
    path("personnel/bulk/", include("certification.bulk.urls")),
    path("reports/", include("certification.reports.urls")),
    path("manage/api-clients/", include("certification.hr_api.client_urls")),
]
