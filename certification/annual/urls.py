"""Routes of the annual review (年度审核) and the appraisal import."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("certificates/appraisals/", views.appraisal_imports, name="appraisal_imports"),
    path("certificates/appraisals/<int:import_id>/", views.appraisal_import_detail, name="appraisal_import"),
    path("certificates/appraisals/template/", views.appraisal_template, name="appraisal_template"),
    path("certificates/annual-review/", views.review_runs, name="annual_runs"),
    path("certificates/annual-review/<int:run_id>/", views.review_run, name="annual_run"),
]
