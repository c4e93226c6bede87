"""Who may do what with certificates, and the jurisdiction-scoped querysets every view starts from."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lms.api import (
    Organisation,
    OrganisationKind,
    Role,
    Teacher,
    jurisdiction_paths,
    organisations_in_jurisdiction,
    teachers_visible_to,
    user_has_role,
)

from .models import Certificate, CertificateIssuer

# Bureaus issue, suspend, revoke, import appraisals and run the annual review for their subtree.
BUREAU_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_ADMIN, Role.COUNTY_ADMIN)
# These also read certificates, eligibility and reviews of their subtree (personnel officers read only).
CERTIFICATE_READ_ROLES = (*BUREAU_ROLES, Role.SCHOOL_ADMIN, Role.PERSONNEL_OFFICER)

UserLike = Any


def user_can_administer_certificates(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=BUREAU_ROLES)


def user_can_read_certificates(*, user: UserLike) -> bool:
    return user_has_role(user=user, roles=CERTIFICATE_READ_ROLES)


def teachers_administered_by(*, user: UserLike) -> QuerySet[Teacher]:
    """Teachers in the subtrees where the user holds a bureau role (everyone for a superuser)."""
    if jurisdiction_paths(user=user, roles=BUREAU_ROLES) is None:
        return Teacher.objects.all()
    schools = organisations_in_jurisdiction(user=user, roles=BUREAU_ROLES).values("id")
    return Teacher.objects.filter(school_id__in=schools)


def teachers_readable_by(*, user: UserLike) -> QuerySet[Teacher]:
    """Teachers whose certificates the user may read: the jurisdiction for administrators and personnel
    officers, only themselves for a teacher."""
    return teachers_visible_to(user)


def certificates_visible_to(*, user: UserLike) -> QuerySet[Certificate]:
    return Certificate.objects.filter(teacher__in=teachers_readable_by(user=user).values("id"))


def certificates_administered_by(*, user: UserLike) -> QuerySet[Certificate]:
    return Certificate.objects.filter(teacher__in=teachers_administered_by(user=user).values("id"))


def regions_administered_by(*, user: UserLike) -> QuerySet[Organisation]:
    """Province, city and county nodes the user administers (for choosing a region to run or report on)."""
    kinds = [OrganisationKind.PROVINCE, OrganisationKind.CITY, OrganisationKind.COUNTY]
    return organisations_in_jurisdiction(user=user, roles=BUREAU_ROLES).filter(kind__in=kinds)


def issuer_for_school(*, school: Organisation) -> CertificateIssuer | None:
    """The nearest bureau above (or at) the school that issues certificates: county, then city, then province."""
    ancestors = list(school.get_ancestors()) + [school]
    issuers = {i.organisation_id: i for i in CertificateIssuer.objects.filter(organisation__in=ancestors)}
    for node in reversed(ancestors):
        if node.pk in issuers:
            return issuers[node.pk]
    return None
