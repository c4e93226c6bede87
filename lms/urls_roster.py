"""Roster import pages (花名册导入)."""

from django.urls import path

from lms.views import roster

urlpatterns = [
    path("", roster.roster_upload, name="roster_upload"),
    path("template.<str:fmt>", roster.roster_template, name="roster_template"),
    path("<uuid:import_id>/", roster.roster_status, name="roster_status"),
    path("<uuid:import_id>/progress.json", roster.roster_progress, name="roster_progress"),
    path("<uuid:import_id>/report.csv", roster.roster_report, name="roster_report"),
]
