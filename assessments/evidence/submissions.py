"""A teacher's side of an evidence task: upload pieces into a draft, submit all of them, revise once when
returned, appeal (复核) once within the task's appeal window. Every refusal is a ValidationError with a clear
message, and a refused step leaves nothing half-saved."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.evidence.files import EvidenceFileError, FileInspection, PieceRules, inspect_upload, strip_author_metadata
from assessments.evidence.storage import store_bytes, store_stream, stored_path
from assessments.models import EvidencePiece, EvidenceTask, Submission, SubmissionFile, SubmissionStatus
from assessments.review.audit import review_event
from lms.api import Teacher

EDITABLE = (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED)
BLIND_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class PieceState:
    piece: EvidencePiece
    file: SubmissionFile | None


def evidence_tasks_open(*, now: dt.datetime | None = None) -> QuerySet[EvidenceTask]:
    """Tasks a teacher can see: the open ones (a task stays on the framework version it was made for)."""
    return EvidenceTask.objects.filter(is_active=True).select_related(
        "competency", "rubric"
    ).order_by("competency__framework__code", "competency__position", "pk")


def submission_for(*, task: EvidenceTask, teacher: Teacher) -> Submission | None:
    return Submission.objects.filter(task=task, teacher=teacher, is_calibration=False).first()


def piece_rules(piece: EvidencePiece) -> PieceRules:
    return PieceRules(
        kinds=tuple(str(kind) for kind in piece.kinds),
        max_bytes=piece.max_mb * 1024 * 1024,
        max_seconds=piece.max_minutes * 60 if piece.max_minutes else None,
    )


def blind_code_new() -> str:
    return "E" + "".join(secrets.choice(BLIND_ALPHABET) for _ in range(8))


def _deadline_check(task: EvidenceTask, now: dt.datetime) -> None:
    if not task.is_active:
        raise ValidationError(_("This evidence task is closed."))
    if task.deadline is not None and now > task.deadline:
        deadline = timezone.localtime(task.deadline).strftime("%Y-%m-%d %H:%M")
        raise ValidationError(_("The deadline (%(deadline)s) has passed; nothing was saved.") % {"deadline": deadline})


def _draft_locked(task: EvidenceTask, teacher: Teacher, now: dt.datetime) -> Submission:
    """The teacher's submission for the task, locked; created as a draft the first time."""
    found = Submission.objects.select_for_update().filter(task=task, teacher=teacher, is_calibration=False).first()
    if found is not None:
        return found
    _deadline_check(task, now)
    try:
        with transaction.atomic():
            return Submission.objects.create(
                task=task, teacher=teacher, school_id=teacher.school_id, blind_code=blind_code_new()
            )
    except IntegrityError:  # a second tab created it first
        return Submission.objects.select_for_update().get(task=task, teacher=teacher, is_calibration=False)


def _editable_check(submission: Submission, task: EvidenceTask, now: dt.datetime) -> None:
    if submission.status not in EDITABLE:
        raise ValidationError(_("This evidence has been submitted and can no longer be changed."))
    if submission.status == SubmissionStatus.DRAFT:
        _deadline_check(task, now)


def _piece_of(task: EvidenceTask, piece_id: int) -> EvidencePiece:
    piece = EvidencePiece.objects.filter(task=task, pk=piece_id).first()
    if piece is None:
        raise ValidationError(_("This task asks for no such piece."))
    return piece


def _inspect(piece: EvidencePiece, name: str, data: BinaryIO) -> FileInspection:
    try:
        return inspect_upload(name=name, data=data, rules=piece_rules(piece))
    except EvidenceFileError as refused:
        raise ValidationError(str(refused)) from refused


def _store(inspection: FileInspection, data: BinaryIO) -> tuple[str, str]:
    """Store the file and its blind copy (author fields removed); returns both hashes."""
    sha = store_stream(data)
    original = stored_path(sha).read_bytes() if inspection.kind != "mp4" else b""
    blind = strip_author_metadata(kind=inspection.kind, data=original) if original else b""
    blind_sha = store_bytes(blind) if blind and blind != original else sha
    return sha, blind_sha


def piece_upload(
    *, task: EvidenceTask, teacher: Teacher, piece_id: int, name: str, data: BinaryIO, now: dt.datetime | None = None
) -> SubmissionFile:
    """Check the file by its content and keep it as this round's piece (replacing an earlier upload)."""
    now = now or timezone.now()
    piece = _piece_of(task, piece_id)
    inspection = _inspect(piece, name, data)
    sha, blind_sha = _store(inspection, data)  # content-addressed: a refused step below leaves no record
    with transaction.atomic():
        submission = _draft_locked(task, teacher, now)
        _editable_check(submission, task, now)
        SubmissionFile.objects.filter(submission=submission, piece=piece, round=submission.round).delete()
        stored = SubmissionFile.objects.create(
            submission=submission, piece=piece, round=submission.round, original_name=name[:255],
            kind=inspection.kind, content_type=inspection.content_type, size=inspection.size, sha256=sha,
            blind_sha256=blind_sha, duration_seconds=inspection.duration_seconds, uploaded_at=now,
        )
        review_event(
            "piece_uploaded", submission=submission, actor=teacher.user, at=now, piece=piece.name, size=inspection.size
        )
    return stored


def piece_states(*, submission: Submission | None, task: EvidenceTask) -> list[PieceState]:
    files: dict[int, SubmissionFile] = {}
    if submission is not None:
        files = {f.piece_id: f for f in SubmissionFile.objects.filter(submission=submission, round=submission.round)}
    return [PieceState(piece=piece, file=files.get(piece.pk)) for piece in task.pieces.all()]


def submission_submit(*, task: EvidenceTask, teacher: Teacher, now: dt.datetime | None = None) -> Submission:
    """Hand in every piece; refused if one is missing, after the deadline, or when already handed in."""
    now = now or timezone.now()
    with transaction.atomic():
        submission = Submission.objects.select_for_update().filter(task=task, teacher=teacher, is_calibration=False).first()
        if submission is None:
            raise ValidationError(_("Upload the pieces first; nothing has been saved for this task."))
        if submission.status not in EDITABLE:
            raise ValidationError(_("This evidence has already been submitted."))
        if submission.status == SubmissionStatus.DRAFT:
            _deadline_check(task, now)
        missing = [s.piece.name for s in piece_states(submission=submission, task=task) if s.piece.required and not s.file]
        if missing:
            raise ValidationError(_("Every required piece is needed (缺一不可). Missing: %(pieces)s") % {"pieces": "、".join(missing)})
        revision = submission.status == SubmissionStatus.RETURNED
        submission.status = SubmissionStatus.SUBMITTED
        submission.submitted_at = now
        submission.school_id = teacher.school_id
        submission.save(update_fields=["status", "submitted_at", "school"])
        review_event("resubmitted" if revision else "submitted", submission=submission, actor=teacher.user, at=now)
        _assign_after_commit(submission.pk)
    return submission


def submission_appeal(*, submission: Submission, teacher: Teacher, reason: str, now: dt.datetime | None = None) -> Submission:
    """Ask once, within the task's appeal window, for a review by someone not used before."""
    now = now or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why you ask for a new review."))
    with transaction.atomic():
        locked = Submission.objects.select_for_update().select_related("task").get(pk=submission.pk)
        if locked.teacher_id != teacher.pk:
            raise ValidationError(_("This is not your submission."))
        if locked.status != SubmissionStatus.DECIDED or locked.decided_at is None:
            raise ValidationError(_("Only a decided result can be appealed."))
        if locked.appeal_used:
            raise ValidationError(_("This result has already been appealed once."))
        if now > locked.decided_at + dt.timedelta(days=locked.task.appeal_days):
            raise ValidationError(_("The %(days)s days to appeal have passed.") % {"days": locked.task.appeal_days})
        locked.status = SubmissionStatus.APPEALED
        locked.appeal_used = True
        locked.appeal_reason = reason[:2000]
        locked.save(update_fields=["status", "appeal_used", "appeal_reason"])
        review_event("appealed", submission=locked, actor=teacher.user, at=now, reason=reason[:2000])
        _assign_after_commit(locked.pk)
    return locked


def appeal_open_until(submission: Submission) -> dt.datetime | None:
    if submission.status != SubmissionStatus.DECIDED or submission.appeal_used or submission.decided_at is None:
        return None
    return submission.decided_at + dt.timedelta(days=submission.task.appeal_days)


def _assign_after_commit(submission_id: int) -> None:
    from assessments.review.tasks import review_assign_pending

    transaction.on_commit(lambda: review_assign_pending.delay([submission_id]))


def submissions_of(*, teacher: Teacher) -> dict[int, Submission]:
    return {s.task_id: s for s in Submission.objects.filter(teacher=teacher, is_calibration=False)}


def submission_file_get(*, file_id: int) -> SubmissionFile | None:
    return SubmissionFile.objects.select_related("submission", "piece").filter(pk=file_id).first()
