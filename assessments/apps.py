from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "assessments"
    verbose_name = _("Assessment")

    def ready(self) -> None:
        from lms.api import WorkspaceLink, WorkspaceSection, teacher_for_user, user_has_role, workspace_link_register

        def is_teacher(user: object) -> bool:
            return teacher_for_user(user=user) is not None

        def is_reviewer(user: object) -> bool:
            from assessments.models import PoolMember

            return bool(getattr(user, "is_authenticated", False)) and PoolMember.objects.filter(reviewer_id=getattr(user, "pk", None)).exists()

        def is_region_admin(user: object) -> bool:
            from assessments.h5p.access import BUREAU_ROLES

            return user_has_role(user=user, roles=BUREAU_ROLES)

        def can_monitor(user: object) -> bool:
            from assessments.review.monitor import user_can_monitor_reviews

            return user_can_monitor_reviews(user=user)

        for label, url_name, visible_to, order, section in (
            (_("My evidence tasks"), "assessments:my_evidence", is_teacher, 18, WorkspaceSection.MINE),
            (_("My reviews"), "assessments:my_reviews", is_reviewer, 19, WorkspaceSection.REVIEW),
            (_("Reviewer quality"), "assessments:review_quality", is_region_admin, 33, WorkspaceSection.REVIEW),
            (_("Evidence review progress"), "assessments:review_submissions", can_monitor, 34, WorkspaceSection.REVIEW),
        ):
            workspace_link_register(WorkspaceLink(label=label, url_name=url_name, visible_to=visible_to, order=order, section=section))
