"""Enrolment (选课) and cohorts (培训班)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.pages import CoursePage, LessonPage
from lms.api import Organisation, Teacher


class Cohort(models.Model):
    """A training class run by an administrator for one course, e.g. a whole school (整校推进)."""

    name = models.CharField(_("name"), max_length=200)
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("course"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("run by")
    )
    tutors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="tutored_cohorts", verbose_name=_("tutors")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Studying")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="enrolments")
    course = models.ForeignKey(CoursePage, on_delete=models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="enrolments")
    status = models.CharField(_("status"), max_length=16, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE)
    enrolled_at = models.DateTimeField(_("enrolled at"))
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [models.UniqueConstraint(fields=["teacher", "course"], name="enrolment_teacher_course_unique")]
        indexes = [models.Index(fields=["course", "status"], name="enrolment_course_status")]


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class LessonProgress(models.Model):
    """Per-lesson progress of one enrolment; video seconds are the sum of credited heartbeats."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=ProgressStatus.choices, default=ProgressStatus.NOT_STARTED)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_enrolment_lesson_unique")
        ]
