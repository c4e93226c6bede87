"""Review deadlines, run by Celery: remind reviewers whose review is due soon, and give an overdue review to
another reviewer (the late one is never chosen again for that submission)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import AssignmentRole, AssignmentStatus, ReviewAssignment, ReviewEvent
from assessments.review.assign import review_assign

REMIND_BEFORE = dt.timedelta(days=2)


@dataclass(frozen=True)
class DeadlineOutcome:
    reminded: int
    reassigned: int
    assigned: int


def _remind(now: dt.datetime) -> int:
    due_soon = list(
        ReviewAssignment.objects.select_for_update(skip_locked=True)
        .filter(status=AssignmentStatus.OPEN, reminded_at__isnull=True, due_at__lte=now + REMIND_BEFORE, due_at__gt=now)
        .values_list("pk", "reviewer_id", "submission_id")
    )
    if not due_soon:
        return 0
    ReviewAssignment.objects.filter(pk__in=[pk for pk, _r, _s in due_soon]).update(reminded_at=now)
    ReviewEvent.objects.bulk_create([
        ReviewEvent(at=now, action="reminded", actor_id=None, submission_id=sub, assignment_ref=pk, detail={"reviewer": rid})
        for pk, rid, sub in due_soon
    ])
    emails = dict(get_user_model().objects.filter(pk__in={r for _p, r, _s in due_soon}).exclude(email="").values_list("pk", "email"))
    recipients = sorted({emails[rid] for _pk, rid, _sub in due_soon if rid in emails})
    if recipients:
        transaction.on_commit(lambda: _send_reminders(recipients))
    return len(due_soon)


def _send_reminders(recipients: list[str]) -> None:
    for to in recipients:
        send_mail(
            _("A review is due soon"), _("You have a review due within two days. Open “My reviews” to finish it."),
            settings.DEFAULT_FROM_EMAIL, [to], fail_silently=True,
        )


def _reassign(now: dt.datetime) -> list[int]:
    overdue = list(
        ReviewAssignment.objects.select_for_update(skip_locked=True)
        .filter(status=AssignmentStatus.OPEN, due_at__lte=now).exclude(role=AssignmentRole.CALIBRATION)
        .values_list("pk", "reviewer_id", "submission_id")
    )
    if not overdue:
        return []
    ReviewAssignment.objects.filter(pk__in=[pk for pk, _r, _s in overdue]).update(status=AssignmentStatus.REASSIGNED, completed_at=now)
    ReviewEvent.objects.bulk_create([
        ReviewEvent(at=now, action="reassigned_overdue", submission_id=sub, assignment_ref=pk, detail={"reviewer": rid})
        for pk, rid, sub in overdue
    ])
    return sorted({sub for _pk, _rid, sub in overdue})


def review_deadlines_run(*, now: dt.datetime | None = None) -> DeadlineOutcome:
    now = now or timezone.now()
    with transaction.atomic():
        reminded = _remind(now)
        submissions = _reassign(now)
    assigned = review_assign(now=now, submission_ids=submissions).assigned if submissions else 0
    return DeadlineOutcome(reminded=reminded, reassigned=len(submissions), assigned=assigned)
