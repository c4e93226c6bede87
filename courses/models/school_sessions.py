"""School-based training (校本研修) sessions, sign-in and attendance, and the records attached to them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.enrolment import Enrolment
from courses.models.pages import LessonPage
from lms.api import Organisation, Teacher


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SUBMITTED = "submitted", _("Awaiting county approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


class SchoolSession(models.Model):
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="school_sessions", verbose_name=_("school"))
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    sign_in_secret = models.CharField(max_length=64, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("school-based session")
        verbose_name_plural = _("school-based sessions")
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["school", "starts_at"], name="school_session_school_start")]

    def __str__(self) -> str:
        return self.topic


class AttendanceMethod(models.TextChoices):
    CODE = "code", _("Sign-in code")
    QR = "qr", _("QR code")
    MANUAL = "manual", _("Added by the organiser")


class SessionAttendance(models.Model):
    session = models.ForeignKey(SchoolSession, on_delete=models.CASCADE, related_name="attendance")
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    signed_in_at = models.DateTimeField(_("signed in at"))
    method = models.CharField(_("how"), max_length=8, choices=AttendanceMethod.choices)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "teacher"], name="session_attendance_unique")]


class RecordKind(models.TextChoices):
    OBSERVATION = "observation", _("Lesson observation (听评课)")
    REFLECTION = "reflection", _("Reflection")


class SessionRecord(models.Model):
    """An observation record (听评课) or a reflection attached to a session by a participant."""

    session = models.ForeignKey(SchoolSession, on_delete=models.CASCADE, related_name="records")
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=RecordKind.choices)
    observed_lesson = models.CharField(_("lesson observed"), max_length=200, blank=True)
    text = models.TextField(_("text"), max_length=10000)
    attachment = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)


class OfflineAttendance(models.Model):
    """Sign-in at an offline-session block of a course lesson (集中培训)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="offline_attendance")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    signed_in_at = models.DateTimeField()
    method = models.CharField(max_length=8, choices=AttendanceMethod.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson", "block_id"], name="offline_attendance_unique")
        ]
