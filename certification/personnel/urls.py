"""Personnel look-up: search a jurisdiction's teachers and read one teacher's whole record."""
from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.personnel_search_page, name="personnel_search"),
    path("teachers/<int:teacher_id>/", views.personnel_record, name="personnel_record"),
    path("teachers/<int:teacher_id>/reveal/", views.personnel_reveal, name="personnel_reveal"),
]
