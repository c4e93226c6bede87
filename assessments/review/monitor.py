"""What administrators see of evidence review in their jurisdiction: submissions by status, and for one
submission its reviewers, reviews and the whole audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from assessments.models import Review, ReviewAssignment, ReviewEvent, Submission
from lms.api import Role, teachers_visible_to, user_has_role

MONITOR_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN, Role.SCHOOL_ADMIN)


def user_can_monitor_reviews(*, user: Any) -> bool:
    return user_has_role(user=user, roles=MONITOR_ROLES)


def submissions_visible_to(*, user: Any) -> QuerySet[Submission]:
    """Teachers' submissions (never calibration copies) inside the user's jurisdiction."""
    return Submission.objects.filter(is_calibration=False, teacher__in=teachers_visible_to(user)).select_related(
        "task", "teacher", "school"
    )


def status_counts(submissions: QuerySet[Submission]) -> dict[str, int]:
    return dict(submissions.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))


@dataclass(frozen=True)
class SubmissionTrail:
    submission: Submission
    assignments: list[ReviewAssignment]
    reviews: dict[int, Review]
    events: list[ReviewEvent]
    usernames: dict[int, str]


def submission_trail(*, submission: Submission) -> SubmissionTrail:
    assignments = list(ReviewAssignment.objects.filter(submission=submission).select_related("reviewer").order_by("assigned_at", "pk"))
    reviews = {r.assignment_id: r for r in Review.objects.filter(assignment__submission=submission)}
    events = list(ReviewEvent.objects.filter(submission=submission).order_by("at", "pk"))
    from django.contrib.auth import get_user_model

    actor_ids = {e.actor_id for e in events if e.actor_id}
    usernames = dict(get_user_model().objects.filter(pk__in=actor_ids).values_list("pk", "username"))
    return SubmissionTrail(submission=submission, assignments=assignments, reviews=reviews, events=events, usernames=usernames)
