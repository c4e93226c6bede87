"""Personnel offices and reports: API clients of HR systems, bulk look-ups and long report exports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiScope(models.TextChoices):
    TEACHERS = "teachers:read", _("Teacher look-up")
    CERTIFICATES = "certificates:read", _("Certificates")
    HOURS = "hours:read", _("Hours")
    ELIGIBILITY = "eligibility:read", _("Eligibility")


class ApiClient(models.Model):
    """One HR system's key: bound to a jurisdiction (a role grant of its own service account) and scopes.

    Only a prefix and a hash of the key are kept; the key itself is shown once, when it is issued.
    """

    name = models.CharField(_("system"), max_length=200)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "lms.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("jurisdiction")
    )
    # A personnel-officer grant at `organisation` scopes every read through the usual selectors.
    service_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    scopes = models.JSONField(_("scopes"), default=list)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkLookup(models.Model):
    """A personnel office's spreadsheet of ID numbers answered by a Celery job with progress.

    The checked ID numbers wait in a private file (never in the database) until the job has answered them.
    """

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("file"), max_length=255)
    input_path = models.CharField(max_length=300, blank=True)  # under PRIVATE_ROOT, removed when answered
    title = models.CharField(_("target title"), max_length=32, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    result_path = models.CharField(max_length=300, blank=True)  # under PRIVATE_ROOT
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk look-up")
        verbose_name_plural = _("bulk look-ups")
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)


class ReportExport(models.Model):
    """A long report export (a whole subtree, teacher by teacher) written to .xlsx by a Celery job."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("lms.Organisation", on_delete=models.PROTECT, related_name="+")
    report = models.CharField(_("report"), max_length=32)
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=300, blank=True)  # under PRIVATE_ROOT
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report export")
        verbose_name_plural = _("report exports")
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)
