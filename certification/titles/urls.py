"""Routes of title-promotion eligibility (职称评审)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("certificates/titles/", views.title_report_page, name="title_report"),
    path("certificates/titles/mine/", views.title_mine, name="title_mine"),
    path("certificates/titles/teacher/<int:teacher_id>/", views.title_teacher, name="title_teacher"),
]
