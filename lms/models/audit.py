"""The access log: append-only record of who viewed, exported or revealed whose personal data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.append_only import AppendOnlyError, AppendOnlyModel

__all__ = ["AccessAction", "AccessLog", "AppendOnlyError"]


class AccessAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    LIST = "list", _("Listed / searched")
    EXPORT = "export", _("Exported")
    REVEAL = "reveal", _("Revealed ID number")
    IMPORT = "import", _("Imported roster")
    QUERY = "query", _("Personnel query")
    REFUSED = "refused", _("Refused request")


class AccessChannel(models.TextChoices):
    """How the look happened: a page, a bulk look-up, the HR-system API, an export."""

    PAGE = "page", _("Web page")
    BULK = "bulk", _("Bulk look-up")
    API = "api", _("API")
    EXPORT = "export", _("Export")
    SYSTEM = "system", _("System")


class AccessLog(AppendOnlyModel):
    append_only_message = "The access log is append-only."

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(_("who"), max_length=150)
    action = models.CharField(_("action"), max_length=16, choices=AccessAction.choices, db_index=True)
    # No FK constraint: the log outlives what it points at and is never cascaded.
    teacher_id_ref = models.BigIntegerField(_("teacher"), null=True, blank=True, db_index=True)
    subject = models.CharField(_("whose data"), max_length=200, blank=True)
    object_count = models.PositiveIntegerField(_("records"), default=1)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    path = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=8, choices=AccessChannel.choices, default=AccessChannel.PAGE, db_index=True
    )
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-id"]
