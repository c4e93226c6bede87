from django.urls import include, path

from lms.views import accounts, audit, organisations, roles, teachers

app_name = "lms"

urlpatterns = [
    path("accounts/login/", accounts.login_view, name="login"),
    path("accounts/logout/", accounts.logout_view, name="logout"),
    path("manage/", accounts.home, name="home"),
    path("manage/teachers/", teachers.teacher_list, name="teacher_list"),
    path("manage/teachers/export.csv", teachers.teacher_export, name="teacher_export"),
    path("manage/teachers/<int:teacher_id>/", teachers.teacher_detail, name="teacher_detail"),
    path("manage/teachers/<int:teacher_id>/reveal/", teachers.teacher_reveal, name="teacher_reveal"),
    path("manage/roster/", include("lms.urls_roster")),
    path("manage/organisations/", organisations.organisation_tree, name="organisation_tree"),
    path("manage/organisations/<int:node_id>/add/", organisations.organisation_add, name="organisation_add"),
    path("manage/organisations/<int:node_id>/toggle/", organisations.organisation_toggle, name="organisation_toggle"),
    path("manage/roles/", roles.role_list, name="role_list"),
    path("manage/roles/<int:grant_id>/revoke/", roles.role_revoke_view, name="role_revoke"),
    path("manage/audit/", audit.access_log_list, name="audit_access"),
    path("manage/audit/export.csv", audit.access_log_export, name="audit_access_export"),
    path("manage/audit/admin-actions/", audit.admin_action_list, name="audit_admin"),
]
