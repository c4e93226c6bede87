"""Calibration: pre-graded cases every new reviewer of a pool marks first. A reviewer whose levels agree with
the expected ones often enough (the pool's pass percentage) is calibrated and starts getting live work."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    CalibrationStatus,
    PoolMember,
    Review,
    ReviewAssignment,
    ReviewerPool,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from assessments.evidence.submissions import blind_code_new
from assessments.review.audit import review_event


@transaction.atomic
def calibration_case_create(*, pool: ReviewerPool, source: Submission, level: str, actor: object = None) -> Submission:
    """A blind copy of decided (or model) work, with the level an experienced panel gave it."""
    if level not in source.task.rubric.level_codes():
        raise ValueError(f"unknown level {level!r}")
    case = Submission.objects.create(
        task=source.task, teacher=None, school=pool.region, blind_code=blind_code_new(),
        status=SubmissionStatus.SUBMITTED, is_calibration=True, calibration_level=level, calibration_pool=pool,
        submitted_at=timezone.now(),
    )
    SubmissionFile.objects.bulk_create([
        SubmissionFile(
            submission=case, piece_id=f.piece_id, round=0, original_name=f"{f.piece.name}.{f.kind}", kind=f.kind,
            content_type=f.content_type, size=f.size, sha256=f.blind_sha256, blind_sha256=f.blind_sha256,
            duration_seconds=f.duration_seconds, uploaded_at=f.uploaded_at,
        )
        for f in SubmissionFile.objects.filter(submission=source, round=source.round).select_related("piece")
    ])
    review_event("calibration_case_created", submission=case, actor=actor, source=source.pk, level=level)
    return case


def calibration_assign(*, pool: ReviewerPool, now: dt.datetime | None = None) -> int:
    """Give every member still to calibrate the pool's cases they have not had yet."""
    now = now or timezone.now()
    cases = list(Submission.objects.filter(calibration_pool=pool, is_calibration=True).select_related("task"))
    if not cases:
        return 0
    pending = PoolMember.objects.filter(pool=pool, is_active=True, calibration=CalibrationStatus.PENDING)
    had = set(ReviewAssignment.objects.filter(pool=pool, role=AssignmentRole.CALIBRATION).values_list("submission_id", "reviewer_id"))
    rows = [
        ReviewAssignment(
            submission=case, reviewer_id=m.reviewer_id, pool=pool, role=AssignmentRole.CALIBRATION, round=0,
            assigned_at=now, due_at=now + dt.timedelta(days=case.task.review_days),
        )
        for m in pending for case in cases if (case.pk, m.reviewer_id) not in had
    ]
    ReviewAssignment.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def calibration_record(*, pool_id: int, reviewer_id: int, now: dt.datetime) -> None:
    """After a calibration review: once every case is marked, the member passes or fails calibration."""
    member = PoolMember.objects.select_for_update().select_related("pool").get(pool_id=pool_id, reviewer_id=reviewer_id)
    if member.calibration != CalibrationStatus.PENDING:
        return
    cases = Submission.objects.filter(calibration_pool_id=pool_id, is_calibration=True).count()
    marked = list(Review.objects.filter(
        assignment__pool_id=pool_id, assignment__reviewer_id=reviewer_id, assignment__role=AssignmentRole.CALIBRATION,
        assignment__status=AssignmentStatus.DONE,
    ).values_list("level", "assignment__submission__calibration_level"))
    if len(marked) < cases:
        return
    agreed = sum(1 for level, expected in marked if level == expected)
    percent = round(100 * agreed / len(marked))
    member.calibration = CalibrationStatus.PASSED if percent >= member.pool.calibration_pass_percent else CalibrationStatus.FAILED
    member.calibrated_at = now
    member.save(update_fields=["calibration", "calibrated_at"])
    review_event("calibration_" + member.calibration, actor_id=reviewer_id, at=now, pool=pool_id, agreed=agreed, cases=len(marked))


def calibration_progress(*, pool: ReviewerPool, reviewer_id: int) -> tuple[int, int]:
    """(cases marked, cases in the pool)."""
    cases = Submission.objects.filter(calibration_pool=pool, is_calibration=True).count()
    done = ReviewAssignment.objects.filter(
        pool=pool, reviewer_id=reviewer_id, role=AssignmentRole.CALIBRATION, status=AssignmentStatus.DONE
    ).count()
    return done, cases
