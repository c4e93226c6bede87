"""Bulk look-up: a spreadsheet of ID numbers answered by a Celery job with progress."""
from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.bulk_upload, name="bulk_upload"),
    path("template.xlsx", views.bulk_template, name="bulk_template"),
    path("<int:lookup_id>/", views.bulk_detail, name="bulk_detail"),
    path("<int:lookup_id>/status.json", views.bulk_status, name="bulk_status"),
    path("<int:lookup_id>/result.xlsx", views.bulk_result, name="bulk_result"),
]
