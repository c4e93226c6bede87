from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses and hours")

    def ready(self) -> None:
        from lms.api import WorkspaceLink, teacher_for_user, user_can_view_teachers, workspace_link_register

        workspace_link_register(
            WorkspaceLink(
                label=_("Hours ledger"),
                url_name="courses:hours_manage",
                visible_to=lambda user: user_can_view_teachers(user=user),
                order=10,
            )
        )
        workspace_link_register(
            WorkspaceLink(
                label=_("My hours"),
                url_name="courses:my_hours",
                visible_to=lambda user: teacher_for_user(user=user) is not None,
                order=20,
            )
        )
