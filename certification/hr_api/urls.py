"""The API for personnel (HR) systems: DRF under /api/v1/, per-system keys, scopes, rate limits, audit;
browsable docs (Swagger UI and Redoc from our own static files) beside the schema at /api/schema/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

from . import views
from .base import MeView, NotFoundView

app_name = "hr_api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="redoc"),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/teachers/", views.TeacherLookupView.as_view(), name="teachers"),
    path("v1/teachers/<int:teacher_id>/", views.TeacherDetailView.as_view(), name="teacher_detail"),
    path("v1/teachers/<int:teacher_id>/certificates/", views.TeacherCertificatesView.as_view(), name="teacher_certificates"),
    path("v1/teachers/<int:teacher_id>/hours/", views.TeacherHoursView.as_view(), name="teacher_hours"),
    path("v1/teachers/<int:teacher_id>/eligibility/", views.TeacherEligibilityView.as_view(), name="teacher_eligibility"),
    path("v1/certificates/<str:number>/", views.CertificateView.as_view(), name="certificate_detail"),
    # Anything else under /api/ ending in a slash: the JSON 404 (a path without the slash is redirected to it).
    re_path(r"^.*/$", NotFoundView.as_view(), name="not_found"),
]
