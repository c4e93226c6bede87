"""Routes of assessments: the stored H5P files the player loads."""

from __future__ import annotations

from django.urls import URLPattern, path

from assessments import views

app_name = "assessments"

urlpatterns: list[URLPattern] = [
    path("h5p/activities/<int:activity_id>/<path:path>", views.h5p_file, name="h5p_file"),
]
