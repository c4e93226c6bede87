"""H5P: stored packages (content-addressed), library versions on the allowlist, activities institutions
upload, and the statements and attempts that come back from the player.

A package is stored once per content hash; an activity is one institution's use of a package with its
own scoring settings. Statements are kept as received; attempts carry the score the server decided.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lms.api import AppendOnlyModel, Organisation, Teacher


class LibraryStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class H5PPackage(models.Model):
    """An accepted package's extracted content, stored once per SHA-256 of the uploaded file."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    title = models.CharField(_("title"), max_length=255)
    main_library = models.CharField(_("main library"), max_length=127)
    h5p_json = models.JSONField(_("h5p.json"))
    content_json = models.JSONField(_("content.json"))
    libraries = models.ManyToManyField("H5PLibrary", related_name="packages", verbose_name=_("libraries"))  # type: ignore[var-annotated]
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P package")
        verbose_name_plural = _("H5P packages")

    def __str__(self) -> str:
        return f"{self.title} ({self.sha256[:12]})"


class H5PLibrary(models.Model):
    """One library version (machine name + major.minor.patch) with the exact files it was first stored with.

    Its JavaScript runs in teachers' browsers, so it plays only once a province administrator approves it;
    a later package may bring the same version only with identical files."""

    machine_name = models.CharField(_("machine name"), max_length=127)
    major = models.PositiveIntegerField(_("major version"))
    minor = models.PositiveIntegerField(_("minor version"))
    patch = models.PositiveIntegerField(_("patch version"))
    title = models.CharField(_("title"), max_length=255)
    runnable = models.BooleanField(_("runnable"), default=False)
    core_api = models.CharField(_("H5P core API needed"), max_length=16, blank=True)
    files_hash = models.CharField(_("files hash"), max_length=64)
    storage_key = models.CharField(max_length=255, unique=True)
    file_count = models.PositiveIntegerField(_("files"), default=0)
    first_package = models.ForeignKey(
        H5PPackage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("brought by package"),
    )
    first_package_name = models.CharField(_("brought by upload"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=LibraryStatus.choices, default=LibraryStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("first seen"), auto_now_add=True)

    class Meta:
        verbose_name = _("H5P library")
        verbose_name_plural = _("H5P libraries")
        ordering = ["machine_name", "-major", "-minor", "-patch"]
        constraints = [
            models.UniqueConstraint(fields=["machine_name", "major", "minor", "patch"], name="h5p_library_version_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}.{self.patch}"

    @property
    def folder_name(self) -> str:
        """The folder the player asks for: machineName-major.minor."""
        return f"{self.machine_name}-{self.major}.{self.minor}"


class ActivityStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be checked")
    CHECKING = "checking", _("Being checked")
    HELD = "held", _("Held: libraries await approval")
    READY = "ready", _("Ready to use")
    REFUSED = "refused", _("Refused")


class CountingRule(models.TextChoices):
    BEST = "best", _("Best attempt")
    LAST = "last", _("Last attempt")
    FIRST = "first", _("First attempt")


class H5PActivity(models.Model):
    """An interactive exercise an institution uploaded, with how its attempts count."""

    institution = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="h5p_activities", verbose_name=_("institution")
    )
    title = models.CharField(_("title"), max_length=200)
    package = models.ForeignKey(
        H5PPackage, null=True, blank=True, on_delete=models.PROTECT, related_name="activities", verbose_name=_("package")
    )
    status = models.CharField(_("status"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("check progress (%)"), default=0)
    report = models.JSONField(_("check report"), default=dict, blank=True)
    upload_name = models.CharField(_("uploaded file"), max_length=255, blank=True)
    upload_key = models.CharField(max_length=64, blank=True, editable=False)
    passing_score = models.DecimalField(
        _("passing score (%)"), max_digits=5, decimal_places=1, default=Decimal(60),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    counting_rule = models.CharField(
        _("attempt that counts"), max_length=8, choices=CountingRule.choices, default=CountingRule.BEST
    )
    trusted = models.BooleanField(
        _("trust the player's score"), default=False,
        help_text=_("Only for content types the server cannot check: their reported score then counts."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("H5P activity")
        verbose_name_plural = _("H5P activities")
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def playable(self) -> bool:
        return self.status == ActivityStatus.READY and self.package_id is not None


class H5PStatement(AppendOnlyModel):
    """An xAPI statement exactly as the player sent it, with the server's check of its score."""

    statement_id = models.UUIDField(_("statement id"), unique=True)
    activity = models.ForeignKey(H5PActivity, on_delete=models.PROTECT, related_name="statements")
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    context_ref = models.CharField(_("where"), max_length=120, blank=True)
    verb = models.CharField(_("verb"), max_length=40)
    body = models.JSONField(_("statement as received"))
    client_score = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    client_max = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    recomputed_score = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    recomputed_max = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    mismatch = models.BooleanField(_("score disagrees with the server"), default=False)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [models.Index(fields=["activity", "teacher"], name="h5p_statement_activity_teacher")]


class ScoredBy(models.TextChoices):
    SERVER = "server", _("Recomputed by the server")
    PLAYER_TRUSTED = "player", _("Reported by the player (trusted activity)")
    COMPLETION = "completion", _("Completion only")


class H5PAttempt(AppendOnlyModel):
    """One finished attempt; `score` is what counts (the server's, unless the activity is trusted)."""

    activity = models.ForeignKey(H5PActivity, on_delete=models.PROTECT, related_name="attempts")
    teacher = models.ForeignKey(Teacher, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("attempt"))
    statement = models.OneToOneField(H5PStatement, on_delete=models.PROTECT, related_name="attempt")
    scored_by = models.CharField(_("scored by"), max_length=16, choices=ScoredBy.choices)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum"), max_digits=9, decimal_places=2, null=True, blank=True)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    created_at = models.DateTimeField(_("finished at"))

    class Meta:
        verbose_name = _("H5P attempt")
        verbose_name_plural = _("H5P attempts")
        constraints = [
            models.UniqueConstraint(fields=["activity", "teacher", "number"], name="h5p_attempt_number_unique")
        ]


class H5PUserState(models.Model):
    """Where a teacher left an activity (the player's saved state), restored when they come back."""

    activity = models.ForeignKey(H5PActivity, on_delete=models.CASCADE, related_name="+")
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="+")
    data_type = models.CharField(max_length=40)
    sub_content_id = models.CharField(max_length=64, default="0")
    data = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "teacher", "data_type", "sub_content_id"], name="h5p_user_state_unique"
            )
        ]
