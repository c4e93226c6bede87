"""Hours ledger pages (学时台账)."""

from django.urls import include, path

from courses.views import dashboard, hours, hours_import, me, policy

app_name = "courses"

urlpatterns = [
    # First: the player's heartbeat is the busiest URL of the site.
    path("", include("courses.urls_learning")),
    path("manage/hours/", hours.hours_manage, name="hours_manage"),
    path("manage/hours/teachers/<int:teacher_id>/", hours.hours_teacher, name="hours_teacher"),
    path("manage/hours/teachers/<int:teacher_id>/record/", hours.hours_record, name="hours_record"),
    path("manage/hours/entries/<int:entry_id>/reverse/", hours.hours_entry_reverse, name="hours_reverse"),
    path("manage/hours/import/", hours_import.hours_import, name="hours_import"),
    path("manage/hours/import/template.csv", hours_import.hours_import_template, name="hours_import_template"),
    path("manage/hours/import/<uuid:import_id>/", hours_import.hours_import_result, name="hours_import_result"),
    path("manage/hours/import/<uuid:import_id>/report.csv", hours_import.hours_import_report, name="hours_import_report"),
    path("manage/hours/policy/", policy.hours_policy, name="hours_policy"),
    path("me/hours/", me.my_hours, name="my_hours"),
    path("me/courses/", dashboard.my_courses, name="my_courses"),
    path("", include("courses.urls_enrolment")),
    path("", include("courses.urls_sessions")),
]
