"""Whether a reviewer may see a school's work: never their own school, nor the wider scope their pool sets,
nor any organisation an administrator added to their conflict set."""

from __future__ import annotations

from assessments.models import PoolMember
from lms.api import Organisation, Teacher


def member_conflict_prefixes(member: PoolMember) -> tuple[str, ...]:
    home = member.home
    prefixes = [home.path]
    scope = member.pool.conflict_scope
    if scope != "school":
        wider = Organisation.objects.filter(
            kind=scope, path__in=[home.path[: Organisation.steplen * d] for d in range(1, home.depth + 1)]
        ).values_list("path", flat=True).first()
        if wider:
            prefixes.append(wider)
    prefixes.extend(member.conflicts.values_list("path", flat=True))
    taught = Teacher.objects.filter(user_id=member.reviewer_id).values_list("school__path", flat=True).first()
    if taught:
        prefixes.append(taught)  # a reviewer who teaches somewhere never reviews that school
    return tuple(prefixes)


def reviewer_has_conflict(*, pool_id: int, reviewer_id: int, school: Organisation) -> bool:
    """True for work from the reviewer's own school or conflict set (or a reviewer no longer in the pool)."""
    member = PoolMember.objects.select_related("home", "pool").filter(pool_id=pool_id, reviewer_id=reviewer_id).first()
    if member is None:
        return True
    return any(school.path.startswith(prefix) for prefix in member_conflict_prefixes(member))
