"""Every step of evidence and review goes into the append-only ReviewEvent trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from assessments.models import ReviewEvent, Submission


def review_event(
    action: str, *, submission: Submission | None = None, actor: Any = None, actor_id: int | None = None,
    assignment_id: int | None = None, at: dt.datetime | None = None, **detail: Any,
) -> ReviewEvent:
    return ReviewEvent.objects.create(
        at=at or timezone.now(),
        actor_id=actor_id if actor_id is not None else getattr(actor, "pk", None),
        action=action,
        submission=submission,
        assignment_ref=assignment_id,
        detail=detail,
    )
