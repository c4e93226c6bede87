"""Pages of evidence and review: the teacher's tasks (upload, draft, submit, result, appeal), the reviewer's
queue and blind review form, file downloads (reviewers get the blind copy, named by the blind code), and the
reviewer-quality page for administrators."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from assessments.evidence.storage import stored_path
from assessments.evidence.submissions import (
    appeal_open_until,
    evidence_tasks_open,
    piece_states,
    piece_upload,
    submission_appeal,
    submission_file_get,
    submission_for,
    submission_submit,
    submissions_of,
)
from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    EvidenceTask,
    Review,
    ReviewAssignment,
    ReviewDecision,
    ReviewerPool,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from assessments.evidence.files import FILE_KINDS
from assessments.h5p.access import BUREAU_ROLES
from assessments.review.audit import review_event
from assessments.review.calibration import calibration_progress
from assessments.review.stats import pool_quality
from assessments.review.workflow import ReviewInput, review_access_check, review_save
from lms.api import Teacher, organisations_in_jurisdiction, teacher_for_user, user_has_role

REGION_ADMIN_ROLES = BUREAU_ROLES
ROLE_LABELS: dict[str, Any] = {
    AssignmentRole.FIRST: gettext_lazy("Reviewer A"),
    AssignmentRole.SECOND: gettext_lazy("Reviewer B"),
    AssignmentRole.ADJUDICATOR: gettext_lazy("Adjudicator"),
    AssignmentRole.APPEAL: gettext_lazy("Appeal reviewer"),
}


def _uid(request: HttpRequest) -> int:
    """The signed-in user's id (every view here requires a login)."""
    return int(request.user.pk or 0)


def _teacher(request: HttpRequest) -> Teacher:
    teacher = teacher_for_user(user=request.user)
    if teacher is None:
        raise PermissionDenied(_("Only teachers hand in evidence."))
    return teacher


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def my_evidence(request: HttpRequest) -> HttpResponse:
    teacher = _teacher(request)
    mine = submissions_of(teacher=teacher)
    rows = []
    for task in evidence_tasks_open():
        submission = mine.get(task.pk)
        level = task.rubric.level_label(submission.level) if submission is not None and submission.level else ""
        rows.append({"task": task, "submission": submission, "level": level})
    return render(request, "assessments/evidence/my_tasks.html", {"rows": rows})


def _reviews_shown(submission: Submission) -> list[dict[str, Any]]:
    """Graded reviews of the deciding round, named by role only (reviewers stay anonymous to the teacher)."""
    rubric = submission.task.rubric
    criteria = {str(c.pk): c.name for c in rubric.criteria.all()}
    shown = []
    reviews = Review.objects.filter(
        assignment__submission=submission, assignment__round=submission.round, decision=ReviewDecision.GRADE
    ).exclude(assignment__role=AssignmentRole.CALIBRATION).select_related("assignment").order_by("created_at", "pk")
    for review in reviews:
        shown.append({
            "role": ROLE_LABELS.get(review.assignment.role, review.assignment.role),
            "level": rubric.level_label(review.level),
            "criteria": [
                {"name": name, "level": rubric.level_label(review.criterion_levels.get(cid, "")),
                 "comment": review.criterion_comments.get(cid, "")}
                for cid, name in criteria.items()
            ],
            "comment": review.comment,
        })
    return shown


def _return_comments(submission: Submission) -> list[str]:
    return list(Review.objects.filter(
        assignment__submission=submission, decision=ReviewDecision.RETURN
    ).values_list("comment", flat=True))


@login_required
def evidence_task(request: HttpRequest, task_id: int) -> HttpResponse:
    teacher = _teacher(request)
    task = get_object_or_404(EvidenceTask.objects.select_related("competency", "rubric"), pk=task_id)
    submission = submission_for(task=task, teacher=teacher)
    if submission is None and not task.is_active:
        raise Http404  # a closed task stays readable only for those who handed something in
    status = submission.status if submission is not None else SubmissionStatus.DRAFT
    editable = status == SubmissionStatus.RETURNED or (status == SubmissionStatus.DRAFT and task.is_active)
    decided = submission is not None and submission.status == SubmissionStatus.DECIDED
    context = {
        "task": task,
        "submission": submission,
        "pieces": piece_states(submission=submission, task=task),
        "kind_labels": {code: kind.label for code, kind in FILE_KINDS.items()},
        "editable": editable,
        "level_label": task.rubric.level_label(submission.level) if decided and submission else "",
        "reviews": _reviews_shown(submission) if decided and submission else [],
        "return_comments": _return_comments(submission) if submission and submission.revision_used else [],
        "appeal_until": appeal_open_until(submission) if submission else None,
    }
    return render(request, "assessments/evidence/task.html", context)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, task_id: int, piece_id: int) -> HttpResponse:
    teacher = _teacher(request)
    task = get_object_or_404(evidence_tasks_open(), pk=task_id)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
    else:
        try:
            data = cast(BinaryIO, upload.file)
            stored = piece_upload(task=task, teacher=teacher, piece_id=piece_id, name=upload.name or "", data=data)
            messages.success(request, _("“%(name)s” is saved in your draft.") % {"name": stored.original_name})
        except ValidationError as refused:
            _refused(request, refused)
    return redirect("assessments:evidence_task", task_id=task.pk)


@login_required
@require_POST
def evidence_submit(request: HttpRequest, task_id: int) -> HttpResponse:
    teacher = _teacher(request)
    task = get_object_or_404(evidence_tasks_open(), pk=task_id)
    try:
        submission_submit(task=task, teacher=teacher)
        messages.success(request, _("Your evidence is submitted. Two reviewers will mark it without seeing your name."))
    except ValidationError as refused:
        _refused(request, refused)
    return redirect("assessments:evidence_task", task_id=task.pk)


@login_required
@require_POST
def evidence_appeal(request: HttpRequest, task_id: int) -> HttpResponse:
    teacher = _teacher(request)
    task = get_object_or_404(evidence_tasks_open(), pk=task_id)
    submission = submission_for(task=task, teacher=teacher)
    if submission is None:
        raise Http404
    try:
        submission_appeal(submission=submission, teacher=teacher, reason=request.POST.get("reason", ""))
        messages.success(request, _("Your appeal is recorded; a reviewer who has not seen your work will review it."))
    except ValidationError as refused:
        _refused(request, refused)
    return redirect("assessments:evidence_task", task_id=task.pk)


def _reviewer_may_open(request: HttpRequest, stored: SubmissionFile) -> ReviewAssignment | None:
    """The reviewer's assignment for this file's submission (any state but withdrawn), after the conflict check."""
    assignment = ReviewAssignment.objects.filter(
        submission_id=stored.submission_id, reviewer_id=_uid(request), round=stored.round,
        status__in=[AssignmentStatus.OPEN, AssignmentStatus.DONE],
    ).select_related("submission__school").first()
    if assignment is not None:
        review_access_check(assignment=assignment, reviewer_id=_uid(request))
    return assignment


@login_required
def evidence_file(request: HttpRequest, file_id: int) -> FileResponse:
    stored = submission_file_get(file_id=file_id)
    if stored is None:
        raise Http404
    teacher = teacher_for_user(user=request.user)
    if teacher is not None and stored.submission.teacher_id == teacher.pk:
        sha, name = stored.sha256, stored.original_name
    else:
        assignment = _reviewer_may_open(request, stored)
        if assignment is None:
            review_event("file_refused", submission=stored.submission, actor=request.user, file=stored.pk)
            raise PermissionDenied(_("This submission is not assigned to you."))
        extension = FILE_KINDS[stored.kind].extensions[0] if stored.kind in FILE_KINDS else stored.kind
        sha, name = stored.blind_sha256, f"{stored.submission.blind_code}-{stored.piece.name}.{extension}"
    response = FileResponse(stored_path(sha).open("rb"), as_attachment=True, filename=name, content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def my_reviews(request: HttpRequest) -> HttpResponse:
    mine = ReviewAssignment.objects.filter(reviewer_id=_uid(request)).select_related("submission__task__competency", "pool")
    open_ones = mine.filter(status=AssignmentStatus.OPEN).order_by("due_at", "pk")
    done = mine.filter(status=AssignmentStatus.DONE).order_by("-completed_at", "-pk")[:50]
    calibration = [
        {"pool": pool, "progress": calibration_progress(pool=pool, reviewer_id=_uid(request))}
        for pool in ReviewerPool.objects.filter(members__reviewer_id=_uid(request), calibration_cases__isnull=False).distinct()
    ]
    return render(request, "assessments/review/my_reviews.html", {"open": open_ones, "done": done, "calibration": calibration})


def _review_form_context(assignment: ReviewAssignment, posted: dict[str, Any] | None = None) -> dict[str, Any]:
    submission = assignment.submission
    rubric = submission.task.rubric
    files = SubmissionFile.objects.filter(submission=submission, round=assignment.round).select_related("piece")
    return {
        "assignment": assignment,
        "submission": submission,
        "task": submission.task,
        "rubric": rubric,
        "criteria": [
            {"criterion": c, "chosen": (posted or {}).get(f"level-{c.pk}", ""), "comment": (posted or {}).get(f"comment-{c.pk}", "")}
            for c in rubric.criteria.all()
        ],
        "levels": rubric.levels,
        "files": files,
        "can_return": assignment.role in (AssignmentRole.FIRST, AssignmentRole.SECOND)
        and not submission.revision_used and not submission.is_calibration,
        "posted": posted or {},
        "review": Review.objects.filter(assignment=assignment).first(),
    }


def _review_input(request: HttpRequest, assignment: ReviewAssignment) -> ReviewInput:
    criteria = assignment.submission.task.rubric.criteria.all()
    return ReviewInput(
        decision=request.POST.get("decision", ReviewDecision.GRADE),
        criterion_levels={str(c.pk): request.POST.get(f"level-{c.pk}", "") for c in criteria},
        criterion_comments={str(c.pk): request.POST.get(f"comment-{c.pk}", "") for c in criteria},
        comment=request.POST.get("comment", ""),
    )


@login_required
def review_page(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = ReviewAssignment.objects.select_related("submission__task__rubric", "submission__school").filter(
        pk=assignment_id
    ).first()
    if assignment is None or assignment.reviewer_id != _uid(request):
        if assignment is not None:
            review_event("review_refused", submission=assignment.submission, actor=request.user, assignment_id=assignment.pk)
        raise PermissionDenied(_("This submission is not assigned to you."))
    review_access_check(assignment=assignment, reviewer_id=_uid(request))
    if request.method == "POST":
        data = _review_input(request, assignment)
        try:
            review_save(assignment_id=assignment.pk, reviewer_id=_uid(request), data=data)
        except ValidationError as refused:
            _refused(request, refused)
            assignment.refresh_from_db()
            return render(request, "assessments/review/review.html", _review_form_context(assignment, request.POST.dict()), status=400)
        messages.success(request, _("Your review of %(code)s is saved.") % {"code": assignment.submission.blind_code})
        return redirect("assessments:my_reviews")
    return render(request, "assessments/review/review.html", _review_form_context(assignment))


def _pools_visible(user: Any) -> list[ReviewerPool]:
    regions = organisations_in_jurisdiction(user=user, roles=REGION_ADMIN_ROLES)
    return list(ReviewerPool.objects.filter(region__in=regions).select_related("region").order_by("region__path"))


@login_required
def review_quality(request: HttpRequest) -> HttpResponse:
    if not user_has_role(user=request.user, roles=REGION_ADMIN_ROLES):
        raise PermissionDenied(_("Only administrators of a region see reviewer quality."))
    pools = [pool_quality(pool=pool) for pool in _pools_visible(request.user)]
    return render(request, "assessments/review/quality.html", {"pools": pools})

