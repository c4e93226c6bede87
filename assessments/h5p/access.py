"""Who may do what with H5P: institution editors own their activities; the bureaus that accredit an
institution (county, city, province administrators above it) oversee them and may trust an activity's
player-reported score; province administrators approve library versions (their JavaScript runs in
every teacher's browser)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from assessments.models import H5PActivity
from lms.api import Organisation, OrganisationKind, Role, active_grants, organisations_in_jurisdiction, user_has_role

LIBRARY_APPROVER_ROLES = (Role.PROVINCE_ADMIN,)
BUREAU_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN)


def editor_institutions(*, user: Any) -> QuerySet[Organisation] | None:
    """The institutions whose activities the user edits: their own as an editor, those under their bureau
    as an administrator; None means all (superuser)."""
    if getattr(user, "is_superuser", False):
        return None
    ids = active_grants(user=user, roles=[Role.INSTITUTION_EDITOR]).values_list("organisation_id", flat=True)
    supervised = organisations_in_jurisdiction(user=user, roles=BUREAU_ROLES).filter(kind=OrganisationKind.INSTITUTION)
    return Organisation.objects.filter(Q(pk__in=list(ids)) | Q(pk__in=supervised))


def activities_editable_by(*, user: Any) -> QuerySet[H5PActivity]:
    institutions = editor_institutions(user=user)
    activities = H5PActivity.objects.select_related("institution", "package")
    return activities if institutions is None else activities.filter(institution__in=institutions)


def user_can_edit_activities(*, user: Any) -> bool:
    return user_has_role(user=user, roles=[Role.INSTITUTION_EDITOR, *BUREAU_ROLES])


def user_can_trust_activities(*, user: Any) -> bool:
    """Trusting a player's score is a bureau's decision, not the institution's own."""
    return user_has_role(user=user, roles=BUREAU_ROLES)


def user_can_edit_activity(*, user: Any, activity: H5PActivity) -> bool:
    institutions = editor_institutions(user=user)
    return institutions is None or institutions.filter(pk=activity.institution_id).exists()


def user_can_approve_libraries(*, user: Any) -> bool:
    return user_has_role(user=user, roles=LIBRARY_APPROVER_ROLES)
