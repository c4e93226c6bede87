from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "certification"
    verbose_name = _("Certification")

    def ready(self) -> None:
        from lms.api import WorkspaceLink, WorkspaceSection as S, teacher_for_user, workspace_link_register

        from .access import user_can_administer_certificates, user_can_read_certificates
        from .bulk.selectors import user_can_bulk_lookup
        from .reports.scope import user_can_see_reports

        def is_teacher(user: Any) -> bool:
            return teacher_for_user(user=user) is not None

        def can_read(user: Any) -> bool:
            return user_can_read_certificates(user=user)

        def can_administer(user: Any) -> bool:
            return user_can_administer_certificates(user=user)

        def can_bulk(user: Any) -> bool:
            return user_can_bulk_lookup(user=user)

        def can_report(user: Any) -> bool:
            return user_can_see_reports(user=user)

        for label, url_name, visible_to, order, section in (
            (_("My certificates"), "certification:my_certificates", is_teacher, 20, S.MINE),
            (_("Certificates"), "certification:manage_list", can_read, 35, S.CERTIFICATION),
            (_("Cohort batches"), "certification:batch_list", can_administer, 36, S.CERTIFICATION),
            (_("Title-promotion eligibility"), "certification:title_mine", is_teacher, 21, S.MINE),
            (_("Title-promotion report"), "certification:title_report", can_read, 37, S.PERSONNEL),
            (_("Annual appraisal grades"), "certification:appraisal_imports", can_administer, 38, S.CERTIFICATION),
            (_("Annual review"), "certification:annual_runs", can_administer, 39, S.CERTIFICATION),
            (_("Personnel look-up"), "certification:personnel_search", can_read, 30, S.PERSONNEL),
            (_("Bulk look-up"), "certification:bulk_upload", can_bulk, 31, S.PERSONNEL),
            (_("Reports"), "certification:report_home", can_report, 32, S.PERSONNEL),
            (_("API keys for HR systems"), "certification:api_client_list", can_administer, 40, S.PERSONNEL),
            (_("Verify a certificate"), "certification:verify", lambda user: True, 90, S.OTHER),
        ):
            # A lazy label: translated per request when the workspace is shown.
            workspace_link_register(WorkspaceLink(label=label, url_name=url_name, visible_to=visible_to, order=order, section=section))  # type: ignore[arg-type]
