"""Reports for bureaus and personnel offices, built with pandas from scoped selectors."""
from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.report_home, name="report_home"),
    path("completion/", views.report_completion, name="report_completion"),
    path("indicator/", views.report_indicator, name="report_indicator"),
    path("levels/", views.report_levels, name="report_levels"),
    path("annual/", views.report_annual, name="report_annual"),
    path("trends/", views.report_trends, name="report_trends"),
    path("exports/", views.report_export_begin, name="report_export_start"),
    path("exports/<int:export_id>/", views.report_export_detail, name="report_export_detail"),
    path("exports/<int:export_id>/file/", views.report_export_file, name="report_export_file"),
]
