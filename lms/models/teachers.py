"""Teacher profiles with protected identity data, and their posting history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy

from lms.vocab import Education, EmploymentStatus, Gender, SchoolStage, Subject, Title

from .organisations import Organisation


class Teacher(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="teacher_profile"
    )
    real_name = models.CharField(_("real name"), max_length=50, db_index=True)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    # 身份证号: ciphertext, keyed hash for exact look-up, and the masked form shown everywhere.
    id_number_encrypted = models.TextField(_("ID number (encrypted)"), editable=False)
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    birth_date = models.DateField(_("birth date"))
    school = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="teachers", verbose_name=_("school")
    )
    stage = models.CharField(_("school stage"), max_length=16, choices=SchoolStage.choices)
    subject = models.CharField(_("subject"), max_length=16, choices=Subject.choices)
    title = models.CharField(pgettext_lazy("teacher", "title"), max_length=16, choices=Title.choices, default=Title.NONE)
    title_conferred_on = models.DateField(_("title conferred on"), null=True, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, default="", blank=True)
    qualification_number = models.CharField(
        _("teacher qualification certificate number"), max_length=17, blank=True, db_index=True
    )
    employment_status = models.CharField(
        _("employment status"), max_length=16, choices=EmploymentStatus.choices, default=EmploymentStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        indexes = [models.Index(fields=["school", "id"], name="teacher_school_id_idx")]
        constraints = [
            # A certificate belongs to one person; many teachers have none (blank).
            models.UniqueConstraint(
                fields=["qualification_number"],
                condition=~models.Q(qualification_number=""),
                name="unique_qualification_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.real_name}（{self.id_number_masked}）"


class TeacherPosting(models.Model):
    """One stretch of a teacher at a school; a transfer closes one and opens the next."""

    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="postings")
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["teacher", "started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["teacher"], condition=models.Q(ended_on__isnull=True), name="one_open_posting_per_teacher"
            )
        ]
