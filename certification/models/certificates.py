"""Issuers, their keys and numbering, certificates and their append-only status history."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.api import AppendOnlyModel

from .levels import CertificationLevel, LevelRule

DEFAULT_NUMBER_PATTERN = "{region}{year}{seq:06d}"


class CertificateIssuer(models.Model):
    """The bureau that issues certificates for its subtree: its name on the PDF, seal, signature line,
    numbering pattern and signing keys."""

    organisation = models.OneToOneField(
        "lms.Organisation", on_delete=models.PROTECT, related_name="certificate_issuer", verbose_name=_("organisation")
    )
    name = models.CharField(_("issuer name"), max_length=100, help_text=_("As printed, e.g. 示范省教育厅"))
    number_pattern = models.CharField(
        _("number pattern"), max_length=60, default=DEFAULT_NUMBER_PATTERN,
        help_text=_("Placeholders: {region} (the area code), {year}, {level} (level code), {seq:06d} (the sequence)."),
    )
    seal_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("seal image")
    )
    signature_line = models.CharField(_("signature line"), max_length=100, blank=True, help_text=_("e.g. 局长 张三"))
    certificate_title = models.CharField(_("certificate title"), max_length=60, default="教师信息技术应用能力等级证书")
    body_text = models.TextField(
        _("certificate wording"), blank=True,
        default="经考核，{name}同志达到中小学教师信息技术应用能力{level}要求，特发此证。",
        help_text=_("Placeholders: {name}, {level}, {issued_on}, {valid_until}."),
    )
    footer_text = models.CharField(_("footer"), max_length=200, blank=True, default="扫描二维码或访问验证页面核验本证书真伪")

    class Meta:
        verbose_name = _("certificate issuer")
        verbose_name_plural = _("certificate issuers")

    def __str__(self) -> str:
        return self.name


class IssuerKey(models.Model):
    """An Ed25519 key pair of an issuer; the public half is published, the private half stored encrypted.
    A rotated key stays published so certificates signed with it still verify."""

    issuer = models.ForeignKey(CertificateIssuer, on_delete=models.PROTECT, related_name="keys")
    key_id = models.CharField(max_length=40, unique=True)
    public_key = models.CharField(max_length=64)  # base64url, 32 bytes raw
    private_key_encrypted = models.TextField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("issuer key")
        verbose_name_plural = _("issuer keys")
        ordering = ["-created_at"]


class CertificateSequence(models.Model):
    """The last number used per issuer and year; locked while a certificate is numbered, so numbers are
    unique and gap-free (a failed issue rolls the increment back with it)."""

    issuer = models.ForeignKey(CertificateIssuer, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "year"], name="certificate_sequence_issuer_year")]


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    # Derived, never stored: a valid certificate past its end date.
    EXPIRED = "expired", _("Expired")


class IssueMode(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic (nightly)")
    MANUAL = "manual", _("By an administrator")
    BULK = "bulk", _("Cohort batch")


class Certificate(models.Model):
    """A capability certificate. Never deleted; status changes are CertificateEvents and `status` is
    their projection, written in the same transaction."""

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    teacher = models.ForeignKey("lms.Teacher", on_delete=models.PROTECT, related_name="certificates")
    level = models.ForeignKey(CertificationLevel, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("level"))
    rule = models.ForeignKey(LevelRule, on_delete=models.PROTECT, related_name="certificates")
    issuer = models.ForeignKey(CertificateIssuer, on_delete=models.PROTECT, related_name="certificates")
    holder_name = models.CharField(_("holder"), max_length=50)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    sequence_year = models.PositiveSmallIntegerField()
    sequence_value = models.PositiveIntegerField()
    mode = models.CharField(_("issued"), max_length=12, choices=IssueMode.choices)
    explanation = models.JSONField(default=list)
    status = models.CharField(_("status"), max_length=12, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    status_changed_on = models.DateField(null=True, blank=True)
    # The holder's one current certificate of a level; cleared when it is revoked or replaced after expiry.
    is_current = models.BooleanField(default=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "level"], condition=models.Q(is_current=True), name="certificate_one_current_per_level"
            ),
            models.UniqueConstraint(fields=["issuer", "sequence_year", "sequence_value"], name="certificate_issuer_sequence"),
        ]
        indexes = [models.Index(fields=["status", "valid_until"], name="certificate_status_until")]

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: dt.date) -> str:
        if self.status == CertificateStatus.VALID and day > self.valid_until:
            return CertificateStatus.EXPIRED
        return self.status


class EventKind(models.TextChoices):
    ISSUED = "issued", _("Issued")
    SUSPENDED = "suspended", _("Suspended")
    REINSTATED = "reinstated", _("Reinstated")
    REVOKED = "revoked", _("Revoked")
    RENEWED = "renewed", _("Renewed by the annual review")
    WARNED = "warned", _("Warned by the annual review")


class ReasonCode(models.TextChoices):
    HOURS_SHORT = "hours_short", _("Yearly hours below the minimum")
    APPRAISAL = "appraisal", _("Annual appraisal grade")
    APPRAISAL_MISSING = "appraisal_missing", _("No annual appraisal grade")
    MISCONDUCT = "misconduct", _("Professional misconduct (师德失范)")
    FRAUD = "fraud", _("Falsified evidence or hours")
    ISSUED_IN_ERROR = "issued_in_error", _("Issued in error")
    LEFT_SERVICE = "left_service", _("Left the service")
    HOLDER_REQUEST = "holder_request", _("At the holder's request")
    RESOLVED = "resolved", _("Cause resolved")
    OTHER = "other", _("Other")


class CertificateEvent(AppendOnlyModel):
    """Append-only history of a certificate: who changed its status, when, why, effective from when."""

    append_only_message = "Certificate history is append-only."

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=EventKind.choices)
    reason_code = models.CharField(_("reason"), max_length=20, choices=ReasonCode.choices, blank=True)
    reason_text = models.CharField(_("details"), max_length=500, blank=True)
    effective_on = models.DateField(_("effective on"))
    review_year = models.PositiveSmallIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["certificate", "recorded_at", "pk"]


class CertificateBatch(models.Model):
    """A cohort's bulk issuance and print run, done by a Celery job with progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    level = models.ForeignKey(CertificationLevel, on_delete=models.PROTECT, related_name="+")
    teacher_ids = models.JSONField(default=list)
    label = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0)
    refused = models.JSONField(default=list)  # [{"teacher_id": …, "name": …, "unmet": [...]}]
    merged_pdf = models.CharField(max_length=300, blank=True)  # path under PRIVATE_ROOT
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("certificate batch")
        verbose_name_plural = _("certificate batches")
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)
