"""The item bank and quizzes: items tagged with competencies and difficulty, quizzes that draw items per
competency (seeded, so an attempt can be reproduced), attempts with a server-side deadline, answers, and
the marked result of every item (append-only), which roll up per competency."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.frameworks import FrameworkNode
from lms.api import AppendOnlyModel, Organisation, Teacher


class ItemType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")
    FILL_IN = "fill_in", _("Fill in the blanks")
    ORDERING = "ordering", _("Ordering")
    MATCHING = "matching", _("Matching")


class QuizItem(models.Model):
    """One question; its answer key is data checked by assessments.quizzes.marking.key_check."""

    institution = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="quiz_items", verbose_name=_("owner")
    )
    item_type = models.CharField(_("type"), max_length=16, choices=ItemType.choices)
    stem = models.TextField(_("question"))
    key = models.JSONField(_("answer key"))
    points = models.DecimalField(
        _("points"), max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal("0.01"))]
    )
    competency = models.ForeignKey(
        FrameworkNode, on_delete=models.PROTECT, related_name="quiz_items", verbose_name=_("competency")
    )
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"), default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    explanation = models.TextField(_("explanation shown after marking"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz item")
        verbose_name_plural = _("quiz items")
        indexes = [models.Index(fields=["competency", "difficulty"], name="quiz_item_competency_diff")]

    def __str__(self) -> str:
        return self.stem[:60]


class Quiz(models.Model):
    """Draws `rules` ([{"competency": code, "count": n, "difficulty": d|null}]) from an institution's items."""

    institution = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="quizzes", verbose_name=_("owner"))
    title = models.CharField(_("title"), max_length=200)
    rules = models.JSONField(_("items drawn per competency"))
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"), max_digits=5, decimal_places=1, default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")


class QuizAttempt(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("attempt"))
    seed = models.CharField(max_length=64)
    item_ids = models.JSONField(_("items drawn, in order"))
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    status = models.CharField(max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS)
    score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(fields=["quiz", "teacher", "number"], name="quiz_attempt_number_unique"),
            # At most one attempt in progress per teacher and quiz, even when two starts race.
            models.UniqueConstraint(
                fields=["quiz", "teacher"], condition=models.Q(status="in_progress"),
                name="quiz_attempt_one_in_progress",
            ),
        ]


class QuizAnswer(models.Model):
    """The teacher's current answer to one item of an attempt; it can change until the attempt is submitted."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(QuizItem, on_delete=models.PROTECT, related_name="+")
    response = models.JSONField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "item"], name="quiz_answer_attempt_item_unique")]


class QuizItemResult(AppendOnlyModel):
    """How one item of a submitted attempt was marked, and why."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.PROTECT, related_name="item_results")
    item = models.ForeignKey(QuizItem, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    competency_code = models.CharField(max_length=40)
    response = models.JSONField(null=True)
    score = models.DecimalField(max_digits=5, decimal_places=2)
    max_score = models.DecimalField(max_digits=5, decimal_places=2)
    correct = models.BooleanField()
    explanation = models.TextField()
    detail = models.JSONField(default=list)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "item"], name="quiz_item_result_unique")]
        ordering = ["attempt", "position"]
