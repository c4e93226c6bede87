"""Administrators follow evidence review in their jurisdiction: submissions by status, and one submission's
reviewers, reviews and audit trail (each look at a teacher's record is in the access log)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from assessments.models import SubmissionStatus
from assessments.review.monitor import status_counts, submission_trail, submissions_visible_to, user_can_monitor_reviews
from lms.api import access_log_record


def _monitor_check(request: HttpRequest) -> None:
    if not user_can_monitor_reviews(user=request.user):
        raise PermissionDenied(_("Only administrators follow evidence review."))


@login_required
def review_submissions(request: HttpRequest) -> HttpResponse:
    _monitor_check(request)
    visible = submissions_visible_to(user=request.user)
    status = request.GET.get("status", "")
    shown = visible.filter(status=status) if status in SubmissionStatus.values else visible
    page = Paginator(shown.order_by("-submitted_at", "-pk"), 50).get_page(request.GET.get("page"))
    counts = status_counts(visible)
    access_log_record(actor=request.user, action="list", subject=_("evidence submissions"), object_count=len(page.object_list), request=request)  # type: ignore[arg-type]
    return render(request, "assessments/review/submissions.html", {
        "page": page, "status": status,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in SubmissionStatus.choices],
    })


@login_required
def review_submission(request: HttpRequest, submission_id: int) -> HttpResponse:
    _monitor_check(request)
    submission = get_object_or_404(submissions_visible_to(user=request.user), pk=submission_id)
    access_log_record(actor=request.user, action="view", teacher=submission.teacher, subject=_("evidence submission"), request=request)  # type: ignore[arg-type]
    return render(request, "assessments/review/submission.html", {"trail": submission_trail(submission=submission)})
