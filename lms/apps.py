from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "lms"
    verbose_name = _("People and places")

    def ready(self) -> None:
        from lms.selectors import (
            user_can_browse_access_log,
            user_can_browse_audit,
            user_can_manage_roles,
            user_can_manage_roster,
            user_can_view_teachers,
        )
        from lms.workspace import WorkspaceLink, WorkspaceSection, workspace_link_register

        def can_use_admin(user: Any) -> bool:
            return bool(user.is_authenticated and user.has_perm("wagtailadmin.access_admin"))

        for label, url_name, visible_to, order, section in (
            (_("Teachers"), "lms:teacher_list", user_can_view_teachers, 1, WorkspaceSection.PEOPLE),
            (_("Import roster"), "lms:roster_upload", user_can_manage_roster, 2, WorkspaceSection.PEOPLE),
            (_("Organisations"), "lms:organisation_tree", user_can_view_teachers, 3, WorkspaceSection.PEOPLE),
            (_("Roles"), "lms:role_list", user_can_manage_roles, 4, WorkspaceSection.PEOPLE),
            (_("Access log"), "lms:audit_access", user_can_browse_access_log, 1, WorkspaceSection.AUDIT),
            (_("Administrator actions"), "lms:audit_admin", user_can_browse_audit, 2, WorkspaceSection.AUDIT),
            (_("Content administration"), "wagtailadmin_home", can_use_admin, 100, WorkspaceSection.OTHER),
        ):
            workspace_link_register(WorkspaceLink(
                label=label, url_name=url_name, visible_to=lambda user, check=visible_to: check(user=user),  # type: ignore[misc]
                order=order, section=section,
            ))
