"""URLs of enrolment (included into the "courses" namespace by courses/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
