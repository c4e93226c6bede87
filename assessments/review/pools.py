"""Reviewer pools: who reviews a region's work, with their own school (their conflict) and their cap."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from assessments.models import PoolMember, ReviewerPool
from assessments.review.audit import review_event
from lms.api import Organisation, active_grants, teacher_for_user


def reviewer_home(user: Any) -> Organisation | None:
    """A reviewer's own school (as a teacher) or else the organisation of their first active role."""
    teacher = teacher_for_user(user=user)
    if teacher is not None:
        return teacher.school
    grant = active_grants(user=user, roles=None).select_related("organisation").order_by("pk").first()
    return grant.organisation if grant is not None else None


def pool_member_add(
    *, pool: ReviewerPool, reviewer: Any, home: Organisation | None = None, cap: int | None = None,
    conflicts: list[Organisation] | None = None, actor: Any = None,
) -> PoolMember:
    home = home or reviewer_home(reviewer)
    if home is None:
        raise ValidationError(_("Say which school or unit the reviewer belongs to: their own school is never theirs to review."))
    member, _created = PoolMember.objects.update_or_create(
        pool=pool, reviewer=reviewer, defaults={"home": home, "cap": cap, "is_active": True}
    )
    if conflicts:
        member.conflicts.add(*conflicts)
    review_event("pool_member_added", actor=actor, pool=pool.pk, reviewer=reviewer.pk, home=home.pk)
    return member
