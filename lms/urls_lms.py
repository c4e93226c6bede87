from django.urls import path

from lms.views import accounts, audit, roster, teachers

app_name = "lms"

urlpatterns = [
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("manage/", accounts.home, name="home"),
    path("manage/teachers/", teachers.teacher_list, name="teacher_list"),
    path("manage/teachers/export.csv", teachers.teacher_export, name="teacher_export"),
    path("manage/teachers/<int:teacher_id>/", teachers.teacher_detail, name="teacher_detail"),
    path("manage/teachers/<int:teacher_id>/reveal/", teachers.teacher_reveal, name="teacher_reveal"),
    path("manage/roster/", roster.roster_upload, name="roster_upload"),
    path("manage/roster/template.<str:fmt>", roster.roster_template, name="roster_template"),
    path("manage/roster/<uuid:import_id>/", roster.roster_status, name="roster_status"),
    path("manage/roster/<uuid:import_id>/progress.json", roster.roster_progress, name="roster_progress"),
    path("manage/roster/<uuid:import_id>/report.csv", roster.roster_report, name="roster_report"),
    path("manage/audit/", audit.access_log_list, name="audit_access"),
    path("manage/audit/admin-actions/", audit.admin_action_list, name="audit_admin"),
]
