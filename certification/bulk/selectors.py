"""Who may run bulk look-ups, and the jobs a user may see: their own (a superuser's: all)."""

from __future__ import annotations

from django.db.models import QuerySet

from lms.api import Role, user_has_role

from ..access import BUREAU_ROLES, UserLike
from ..models import BulkLookup

# Personnel officers and bureau administrators; a school administrator looks teachers up one at a time.
BULK_ROLES = (*BUREAU_ROLES, Role.PERSONNEL_OFFICER)


def user_can_bulk_lookup(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=BULK_ROLES)


def bulk_lookups_of(*, user: UserLike) -> QuerySet[BulkLookup]:
    """The user's own jobs, newest first; nobody else's (not even a colleague's in the same office)."""
    if not user.is_authenticated:
        return BulkLookup.objects.none()
    if user.is_superuser:
        return BulkLookup.objects.all()
    return BulkLookup.objects.filter(requested_by_id=user.pk)


def bulk_lookup_for(*, user: UserLike, lookup_id: int) -> BulkLookup | None:
    return bulk_lookups_of(user=user).filter(pk=lookup_id).first()
