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
            WorkspaceSection,
            workspace_link_register,
        )

        from courses.selectors.cohorts import user_can_view_cohorts
        from courses.selectors.school_sessions import user_can_organise_sessions, user_can_review_sessions

        def is_teacher(user: object) -> bool:
            return teacher_for_user(user=user) is not None

        for label, url_name, visible_to, order, section in (
            (_("Cohorts"), "courses:cohorts", lambda user: user_can_view_cohorts(user=user), 30, WorkspaceSection.TRAINING),
            (_("School-based sessions"), "courses:school_sessions", lambda user: user_can_organise_sessions(user=user), 31, WorkspaceSection.TRAINING),
            (
                _("Sessions awaiting approval"), "courses:school_session_review_queue",
                lambda user: user_can_review_sessions(user=user), 32, WorkspaceSection.TRAINING,
            ),
            (_("Sign in to a session"), "courses:sign_in", is_teacher, 16, WorkspaceSection.MINE),
            (_("My school-based sessions"), "courses:my_school_sessions", is_teacher, 17, WorkspaceSection.MINE),
        ):
            workspace_link_register(WorkspaceLink(label=label, url_name=url_name, visible_to=visible_to, order=order, section=section))

        organisation_created.connect(on_organisation_created, dispatch_uid="courses.provider_folder")
        role_granted.connect(on_role_changed, dispatch_uid="courses.editor_granted")
        role_revoked.connect(on_role_changed, dispatch_uid="courses.editor_revoked")

        workspace_link_register(
            WorkspaceLink(
                label=_("Hours ledger"),
                url_name="courses:hours_manage",
                visible_to=lambda user: user_can_view_teachers(user=user),
                order=10,
                section=WorkspaceSection.TRAINING,
            )
        )
        workspace_link_register(
            WorkspaceLink(
                label=_("My learning"),
                url_name="courses:my_courses",
                visible_to=lambda user: teacher_for_user(user=user) is not None,
                order=15,
                section=WorkspaceSection.MINE,
            )
        )
        workspace_link_register(
            WorkspaceLink(
                label=_("My hours"),
                url_name="courses:my_hours",
                visible_to=lambda user: teacher_for_user(user=user) is not None,
                order=20,
                section=WorkspaceSection.MINE,
            )
        )
