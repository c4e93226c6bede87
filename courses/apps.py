from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "courses"
    verbose_name = _("Courses and hours")

    def ready(self) -> None:
        from courses.receivers import on_organisation_created, on_role_changed
        from lms.api import (
            WorkspaceLink,
            organisation_created,
            role_granted,
            role_revoked,
            teacher_for_user,
            user_can_view_teachers,
            workspace_link_register,
        )

        organisation_created.connect(on_organisation_created, dispatch_uid="courses.provider_folder")
        role_granted.connect(on_role_changed, dispatch_uid="courses.editor_granted")
        role_revoked.connect(on_role_changed, dispatch_uid="courses.editor_revoked")

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
                label=_("My learning"),
                url_name="courses:my_courses",
                visible_to=lambda user: teacher_for_user(user=user) is not None,
                order=15,
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
