"""Evidence tasks (能力点测评) and their review: rubrics, the pieces a competency asks for, teachers'
submissions and files, reviewer pools with conflict sets, assignments, reviews (append-only), the
append-only competency results and the audit trail of every step."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from assessments.models.frameworks import FrameworkNode
from assessments.models.quizzes import QuizAttempt
from lms.api import AppendOnlyModel, Organisation, Teacher

DEFAULT_LEVELS: list[dict[str, str]] = [
    {"code": "excellent", "label": "优秀"},
    {"code": "pass", "label": "合格"},
    {"code": "fail", "label": "不合格"},
]


def default_levels() -> list[dict[str, str]]:
    return [dict(level) for level in DEFAULT_LEVELS]


class Rubric(ClusterableModel):
    """Criteria × levels. Levels run best first; `pass_level` is the lowest level that passes."""

    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="rubrics", verbose_name=_("owner"))
    name = models.CharField(_("name"), max_length=200)
    levels = models.JSONField(
        _("levels, best first"), default=default_levels,
        help_text=_('A list of {"code": …, "label": …}, best first, e.g. 优秀 / 合格 / 不合格.'),
    )
    pass_level = models.CharField(_("lowest passing level"), max_length=20, default="pass")
    every_criterion_rule = models.BooleanField(
        _("a level is reached only when every criterion meets it"), default=True,
        help_text=_("Otherwise the overall level is the middle (median) criterion level."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")

    def __str__(self) -> str:
        return self.name

    def level_codes(self) -> list[str]:
        return [str(level["code"]) for level in self.levels]

    def level_label(self, code: str) -> str:
        return next((str(level["label"]) for level in self.levels if level["code"] == code), code)


class RubricCriterion(models.Model):
    rubric = ParentalKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    sort_order = models.IntegerField(null=True, blank=True, editable=False)
    name = models.CharField(_("criterion"), max_length=200)
    descriptors = models.JSONField(
        _("what each level looks like"), default=dict, blank=True, help_text=_('{"excellent": "…", "pass": "…"}')
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class EvidenceTask(ClusterableModel):
    """What a competency asks a teacher to hand in, and the rules of its review."""

    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="evidence_tasks", verbose_name=_("owner")
    )
    competency = models.ForeignKey(
        FrameworkNode, on_delete=models.PROTECT, related_name="+", verbose_name=_("competency")
    )
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("rubric"))
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    review_days = models.PositiveSmallIntegerField(
        _("days a reviewer has"), default=7, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("days to appeal after the result"), default=15, validators=[MinValueValidator(1), MaxValueValidator(90)]
    )
    is_active = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence task")
        verbose_name_plural = _("evidence tasks")

    def __str__(self) -> str:
        return self.title


class EvidencePiece(models.Model):
    """One piece a task asks for (teaching design, lesson clip, reflection), with its file rules."""

    task = ParentalKey(EvidenceTask, on_delete=models.CASCADE, related_name="pieces")
    sort_order = models.IntegerField(null=True, blank=True, editable=False)
    name = models.CharField(_("piece"), max_length=100)
    kinds = models.JSONField(_("file kinds allowed"), help_text=_('e.g. ["docx", "pdf"] or ["mp4"]'))
    max_mb = models.PositiveIntegerField(_("largest file (MB)"), default=20, validators=[MinValueValidator(1)])
    max_minutes = models.PositiveSmallIntegerField(
        _("longest clip (minutes)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("evidence piece")
        verbose_name_plural = _("evidence pieces")
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return self.name


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for reviewers")
    IN_REVIEW = "in_review", _("Under review")
    RETURNED = "returned", _("Returned for revision")
    ADJUDICATING = "adjudicating", _("With a third reviewer")
    APPEALED = "appealed", _("Under appeal (复核)")
    DECIDED = "decided", _("Decided")


class Submission(models.Model):
    task = models.ForeignKey(EvidenceTask, on_delete=models.PROTECT, related_name="submissions")
    teacher = models.ForeignKey(Teacher, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The teacher's school when the work was handed in: conflicts are checked against it.
    school = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    blind_code = models.CharField(max_length=12, unique=True)
    status = models.CharField(max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.DRAFT)
    round = models.PositiveSmallIntegerField(default=0)
    revision_used = models.BooleanField(default=False)
    appeal_used = models.BooleanField(default=False)
    appeal_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    level = models.CharField(max_length=20, blank=True)
    # A calibration case: pre-graded work new reviewers mark first; it never yields a result.
    is_calibration = models.BooleanField(default=False)
    calibration_level = models.CharField(max_length=20, blank=True)
    calibration_pool = models.ForeignKey(
        "ReviewerPool", null=True, blank=True, on_delete=models.PROTECT, related_name="calibration_cases"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence submission")
        verbose_name_plural = _("evidence submissions")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "teacher"], condition=models.Q(is_calibration=False), name="submission_task_teacher_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(is_calibration=True) | models.Q(teacher__isnull=False), name="submission_has_teacher"
            ),
        ]
        indexes = [models.Index(fields=["status", "task"], name="submission_status_task")]


class SubmissionFile(models.Model):
    """One uploaded piece of one round; the stored file and its blind copy (author fields removed)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    piece = models.ForeignKey(EvidencePiece, on_delete=models.PROTECT, related_name="+")
    round = models.PositiveSmallIntegerField(default=0)
    original_name = models.CharField(max_length=255)
    kind = models.CharField(max_length=16)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    blind_sha256 = models.CharField(max_length=64)
    duration_seconds = models.FloatField(null=True, blank=True)
    uploaded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "piece", "round"], name="submission_file_piece_round_unique")
        ]


class ConflictScope(models.TextChoices):
    SCHOOL = "school", _("Own school")
    COUNTY = "county", _("Own county / district")
    CITY = "city", _("Own city")


class ReviewerPool(ClusterableModel):
    """Reviewers for the submissions of one region (the deepest active pool above a school takes its work)."""

    region = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="reviewer_pools", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=200)
    default_cap = models.PositiveIntegerField(
        _("open reviews per reviewer at most"), default=30, validators=[MinValueValidator(1)]
    )
    conflict_scope = models.CharField(
        _("reviewers never get teachers from their"), max_length=16, choices=ConflictScope.choices,
        default=ConflictScope.SCHOOL,
    )
    calibration_pass_percent = models.PositiveSmallIntegerField(
        _("calibration: agreement needed (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reviewer pool")
        verbose_name_plural = _("reviewer pools")

    def __str__(self) -> str:
        return self.name


class CalibrationStatus(models.TextChoices):
    PENDING = "pending", _("Calibration to do")
    PASSED = "passed", _("Calibrated")
    FAILED = "failed", _("Calibration failed")


class PoolMember(models.Model):
    pool = ParentalKey(ReviewerPool, on_delete=models.CASCADE, related_name="members")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer"))
    home = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer's own school or unit")
    )
    conflicts = models.ManyToManyField(
        Organisation, blank=True, related_name="+", verbose_name=_("also never from"),
        help_text=_("Further schools or regions this reviewer must not review (a wider conflict set)."),
    )
    cap = models.PositiveIntegerField(_("open reviews at most"), null=True, blank=True, help_text=_("Empty: the pool's."))
    is_active = models.BooleanField(_("active"), default=True)
    calibration = models.CharField(max_length=8, choices=CalibrationStatus.choices, default=CalibrationStatus.PENDING)
    calibrated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pool member")
        verbose_name_plural = _("pool members")
        constraints = [models.UniqueConstraint(fields=["pool", "reviewer"], name="pool_member_unique")]

    def __str__(self) -> str:
        return str(self.reviewer)

    def effective_cap(self) -> int:
        return self.cap if self.cap is not None else self.pool.default_cap


class AssignmentRole(models.TextChoices):
    FIRST = "first", _("First review")
    SECOND = "second", _("Second review")
    ADJUDICATOR = "adjudicator", _("Adjudication")
    APPEAL = "appeal", _("Appeal review")
    CALIBRATION = "calibration", _("Calibration")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("To review")
    DONE = "done", _("Reviewed")
    REASSIGNED = "reassigned", _("Reassigned (overdue)")
    CANCELLED = "cancelled", _("Withdrawn")


LIVE_ASSIGNMENT = models.Q(status__in=["open", "done"])


class ReviewAssignment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pool = models.ForeignKey(ReviewerPool, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=12, choices=AssignmentRole.choices)
    round = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN)
    assigned_at = models.DateTimeField()
    due_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One reviewer per role and round, even when two assignment runs race.
            models.UniqueConstraint(
                fields=["submission", "round", "role"], condition=LIVE_ASSIGNMENT & ~models.Q(role="calibration"),
                name="assignment_one_per_role_round",
            ),
            # Nobody reviews the same round of a submission twice.
            models.UniqueConstraint(fields=["submission", "reviewer", "round"], name="assignment_reviewer_once_per_round"),
        ]
        indexes = [
            models.Index(fields=["reviewer", "status"], name="assignment_reviewer_status"),
            models.Index(fields=["status", "due_at"], name="assignment_status_due"),
        ]


class ReviewDecision(models.TextChoices):
    GRADE = "grade", _("Graded")
    RETURN = "return", _("Returned for revision")


class Review(AppendOnlyModel):
    """A reviewer's marking of one assignment: a level per criterion, comments, the overall level."""

    append_only_message = "Reviews are append-only."

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.PROTECT, related_name="review")
    decision = models.CharField(max_length=8, choices=ReviewDecision.choices)
    level = models.CharField(max_length=20, blank=True)
    criterion_levels = models.JSONField(default=dict)
    criterion_comments = models.JSONField(default=dict)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField()


class ResultSource(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence review")
    APPEAL = "appeal", _("Appeal (复核)")
    QUIZ = "quiz", _("Quiz")
    RECOGNISED = "recognised", _("Recognised result (imported or carried over)")


class CompetencyResult(AppendOnlyModel):
    """Append-only: one decision about a teacher and a competency, with where it came from."""

    append_only_message = "Competency results are append-only."

    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    competency = models.ForeignKey(FrameworkNode, on_delete=models.PROTECT, related_name="+")
    framework_code = models.CharField(max_length=40)
    framework_version = models.PositiveIntegerField()
    level = models.CharField(max_length=20)
    passed = models.BooleanField()
    source = models.CharField(max_length=12, choices=ResultSource.choices)
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quiz_attempt = models.ForeignKey(QuizAttempt, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    review_ids = models.JSONField(default=list)
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("competency result")
        verbose_name_plural = _("competency results")
        indexes = [models.Index(fields=["teacher", "competency", "recorded_at"], name="competency_result_teacher")]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "source"], condition=models.Q(submission__isnull=False),
                name="competency_result_once_per_submission_source",
            ),
            models.UniqueConstraint(
                fields=["quiz_attempt", "competency"], condition=models.Q(quiz_attempt__isnull=False),
                name="competency_result_once_per_attempt",
            ),
        ]


class ReviewEvent(AppendOnlyModel):
    """The audit trail of evidence and review: who did what, when, to which submission."""

    append_only_message = "The review audit trail is append-only."

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    action = models.CharField(max_length=32, db_index=True)
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="events"
    )
    assignment_ref = models.BigIntegerField(null=True, blank=True)
    detail = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]


def level_rank(levels: list[dict[str, Any]], code: str) -> int:
    """0 for the best level; a code the rubric does not know ranks below every level."""
    codes = [str(level["code"]) for level in levels]
    return codes.index(code) if code in codes else len(codes)
