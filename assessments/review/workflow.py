"""A reviewer's marking and what follows from it.

Two independent reviews per round; the same level decides, different levels go to a third reviewer whose
level decides; a first or second reviewer may instead return the work once for revision; an appeal goes to
a reviewer never used on the submission, whose level decides. Every decision appends a CompetencyResult
naming the reviews behind it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    CompetencyResult,
    ResultSource,
    Review,
    ReviewAssignment,
    ReviewDecision,
    Rubric,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    level_rank,
)
from assessments.review.audit import review_event
from assessments.review.conflicts import reviewer_has_conflict


@dataclass(frozen=True)
class ReviewInput:
    decision: str
    criterion_levels: dict[str, str]
    criterion_comments: dict[str, str] = field(default_factory=dict)
    comment: str = ""


def overall_level(rubric: Rubric, criterion_levels: dict[str, str]) -> str:
    """Every-criterion rule: the lowest criterion level; otherwise the middle one (ties toward the lower)."""
    ranks = sorted(level_rank(rubric.levels, code) for code in criterion_levels.values())  # 0 is the best
    if not ranks:
        raise ValidationError(_("The rubric has no criteria."))
    rank = ranks[-1] if rubric.every_criterion_rule else ranks[len(ranks) // 2]
    return rubric.level_codes()[rank]


def level_passes(rubric: Rubric, code: str) -> bool:
    return level_rank(rubric.levels, code) <= level_rank(rubric.levels, rubric.pass_level)


def _check_levels(rubric: Rubric, data: ReviewInput) -> dict[str, str]:
    """Every criterion needs a known level, and a comment when below the passing level."""
    criteria = list(rubric.criteria.all())
    codes = rubric.level_codes()
    problems: list[str] = []
    for criterion in criteria:
        level = data.criterion_levels.get(str(criterion.pk), "")
        if level not in codes:
            problems.append(_("Choose a level for “%(criterion)s”.") % {"criterion": criterion.name})
        elif not level_passes(rubric, level) and not data.criterion_comments.get(str(criterion.pk), "").strip():
            problems.append(_("“%(criterion)s” is below %(level)s: say why in a comment.") % {
                "criterion": criterion.name, "level": rubric.level_label(rubric.pass_level)})
    if problems:
        raise ValidationError(problems)
    return {str(c.pk): data.criterion_levels[str(c.pk)] for c in criteria}


def _assignment_for(assignment_id: int, reviewer_id: int) -> ReviewAssignment:
    assignment = ReviewAssignment.objects.select_related("submission__school").filter(pk=assignment_id).first()
    if assignment is None or assignment.reviewer_id != reviewer_id:
        raise PermissionDenied(_("This submission is not assigned to you."))
    return assignment


def review_access_check(*, assignment: ReviewAssignment, reviewer_id: int) -> None:
    """Refused for another reviewer's assignment and for work from the reviewer's own school (or conflict set)."""
    if assignment.reviewer_id != reviewer_id:
        raise PermissionDenied(_("This submission is not assigned to you."))
    if assignment.role != AssignmentRole.CALIBRATION and reviewer_has_conflict(
        pool_id=assignment.pool_id, reviewer_id=reviewer_id, school=assignment.submission.school
    ):
        raise PermissionDenied(_("This submission comes from your own school or conflict set; you cannot review it."))


def _open_check(assignment: ReviewAssignment) -> None:
    if assignment.status == AssignmentStatus.DONE:
        raise ValidationError(_("This review has already been saved; it cannot be saved twice."))
    if assignment.status != AssignmentStatus.OPEN:
        raise ValidationError(_("This review is no longer yours: it was withdrawn or given to another reviewer."))


def _return_check(assignment: ReviewAssignment, submission: Submission, data: ReviewInput) -> None:
    if assignment.role not in (AssignmentRole.FIRST, AssignmentRole.SECOND) or submission.is_calibration:
        raise ValidationError(_("Only a first or second reviewer can return work for revision."))
    if submission.revision_used:
        raise ValidationError(_("This work has already been revised once; grade it."))
    if not data.comment.strip():
        raise ValidationError(_("Say what to revise in the comment."))


def review_save(
    *, assignment_id: int, reviewer_id: int, data: ReviewInput, now: dt.datetime | None = None
) -> Review:
    """Save a reviewer's review once, and move the submission on."""
    now = now or timezone.now()
    first_look = _assignment_for(assignment_id, reviewer_id)
    review_access_check(assignment=first_look, reviewer_id=reviewer_id)
    with transaction.atomic():
        submission = Submission.objects.select_for_update().select_related("task__rubric", "task__competency__framework").get(
            pk=first_look.submission_id
        )
        assignment = ReviewAssignment.objects.select_for_update().get(pk=assignment_id)
        _open_check(assignment)
        rubric = submission.task.rubric
        if data.decision == ReviewDecision.RETURN:
            _return_check(assignment, submission, data)
            levels, level = {}, ""
        elif data.decision == ReviewDecision.GRADE:
            levels = _check_levels(rubric, data)
            level = overall_level(rubric, levels)
        else:
            raise ValidationError(_("Unknown decision."))
        comments = {k: v.strip()[:2000] for k, v in data.criterion_comments.items() if k in levels and v.strip()}
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    assignment=assignment, decision=data.decision, level=level, criterion_levels=levels,
                    criterion_comments=comments, comment=data.comment.strip()[:4000], created_at=now,
                )
        except IntegrityError as twice:
            raise ValidationError(_("This review has already been saved; it cannot be saved twice.")) from twice
        ReviewAssignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.DONE, completed_at=now)
        assignment.status = AssignmentStatus.DONE
        review_event("reviewed", submission=submission, actor_id=reviewer_id, assignment_id=assignment.pk, at=now,
                     role=assignment.role, decision=data.decision, level=level)
        _advance(submission, assignment, review, now)
    return review


def _advance(submission: Submission, assignment: ReviewAssignment, review: Review, now: dt.datetime) -> None:
    from assessments.review.calibration import calibration_record

    if assignment.role == AssignmentRole.CALIBRATION:
        calibration_record(pool_id=assignment.pool_id, reviewer_id=assignment.reviewer_id, now=now)
    elif review.decision == ReviewDecision.RETURN:
        _return_for_revision(submission, assignment, now)
    elif assignment.role in (AssignmentRole.ADJUDICATOR, AssignmentRole.APPEAL):
        _decide(submission, review.level, now, appeal=assignment.role == AssignmentRole.APPEAL)
    else:
        _after_pair(submission, now)


def _round_reviews(submission: Submission) -> list[Review]:
    return list(Review.objects.filter(
        assignment__submission=submission, assignment__round=submission.round,
        assignment__role__in=[AssignmentRole.FIRST, AssignmentRole.SECOND], decision=ReviewDecision.GRADE,
    ))


def _after_pair(submission: Submission, now: dt.datetime) -> None:
    reviews = _round_reviews(submission)
    if len(reviews) < 2:
        return
    if reviews[0].level == reviews[1].level:
        _decide(submission, reviews[0].level, now, appeal=False)
        return
    submission.status = SubmissionStatus.ADJUDICATING
    submission.save(update_fields=["status"])
    review_event("adjudication_needed", submission=submission, at=now, levels=[r.level for r in reviews])
    _assign_after_commit(submission.pk)


def _return_for_revision(submission: Submission, assignment: ReviewAssignment, now: dt.datetime) -> None:
    """The other open review of the round is withdrawn; this round's files carry over into the next."""
    ReviewAssignment.objects.filter(
        submission=submission, round=submission.round, status=AssignmentStatus.OPEN
    ).update(status=AssignmentStatus.CANCELLED, completed_at=now)
    old_round = submission.round
    submission.round = old_round + 1
    submission.status = SubmissionStatus.RETURNED
    submission.revision_used = True
    submission.save(update_fields=["round", "status", "revision_used"])
    carried = [
        SubmissionFile(
            submission=submission, piece_id=f.piece_id, round=submission.round, original_name=f.original_name, kind=f.kind,
            content_type=f.content_type, size=f.size, sha256=f.sha256, blind_sha256=f.blind_sha256,
            duration_seconds=f.duration_seconds, uploaded_at=f.uploaded_at,
        )
        for f in SubmissionFile.objects.filter(submission=submission, round=old_round)
    ]
    SubmissionFile.objects.bulk_create(carried)
    review_event("returned", submission=submission, actor_id=assignment.reviewer_id, assignment_id=assignment.pk, at=now)


def _decide(submission: Submission, level: str, now: dt.datetime, *, appeal: bool) -> CompetencyResult:
    submission.status = SubmissionStatus.DECIDED
    submission.level = level
    submission.decided_at = now
    submission.save(update_fields=["status", "level", "decided_at"])
    review_ids = sorted(Review.objects.filter(
        assignment__submission=submission, assignment__round=submission.round, decision=ReviewDecision.GRADE,
    ).exclude(assignment__role=AssignmentRole.CALIBRATION).values_list("pk", flat=True))
    task = submission.task
    assert submission.teacher_id is not None
    result = CompetencyResult.objects.create(
        teacher_id=submission.teacher_id, competency=task.competency,
        framework_code=task.competency.framework.code, framework_version=task.competency.framework.version,
        level=level, passed=level_passes(task.rubric, level),
        source=ResultSource.APPEAL if appeal else ResultSource.EVIDENCE, submission=submission,
        review_ids=review_ids, recorded_at=now,
    )
    review_event("decided", submission=submission, at=now, level=level, appeal=appeal, result=result.pk)
    return result


def _assign_after_commit(submission_id: int) -> None:
    from assessments.review.tasks import review_assign_pending

    transaction.on_commit(lambda: review_assign_pending.delay([submission_id]))
