"""Reads behind the HR API, always starting from the key's service account and its jurisdiction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import Left

from lms.api import Organisation, OrganisationKind, Teacher, teacher_search

from ..access import certificates_visible_to, teachers_readable_by
from ..models import Certificate, CertificateStatus
from ..personnel.search import NAME_ORDER

UserLike = Any
COUNTY_DEPTH = 3  # province → city → county


def _with_county(teachers: QuerySet[Teacher]) -> QuerySet[Teacher]:
    """The school and its county in the same query (the county is the school path's depth-3 prefix)."""
    county = Organisation.objects.filter(
        kind=OrganisationKind.COUNTY, path=Left(OuterRef("school__path"), COUNTY_DEPTH * Organisation.steplen)
    )
    return teachers.select_related("school").annotate(
        county_code=Subquery(county.values("code")[:1]), county_name=Subquery(county.values("name")[:1])
    )


def teachers_by_id_number(*, user: UserLike, id_number: str) -> list[Teacher]:
    """An exact keyed-hash match inside the jurisdiction (the caller has checked the number)."""
    return list(_with_county(teacher_search(user=user, query=id_number))[:2])


def teachers_by_name(*, user: UserLike, name: str) -> QuerySet[Teacher]:
    return _with_county(teacher_search(user=user, query=name)).order_by(*NAME_ORDER)


def teachers_by_certificate_number(*, user: UserLike, number: str) -> list[Teacher]:
    holders = certificates_visible_to(user=user).filter(number=number).values("teacher_id")
    return list(_with_county(teachers_readable_by(user=user).filter(pk__in=holders))[:2])


def teacher_in_jurisdiction(*, user: UserLike, teacher_id: int) -> Teacher | None:
    return _with_county(teachers_readable_by(user=user).filter(pk=teacher_id)).first()


def certificate_in_jurisdiction(*, user: UserLike, number: str) -> Certificate | None:
    return (
        certificates_visible_to(user=user).filter(number=number)
        .select_related("level", "issuer__organisation", "teacher").first()
    )


def best_certificates(*, teacher_ids: list[int], today: dt.date) -> dict[int, Certificate]:
    """Teacher id → the valid, unexpired certificate of the highest level; one query for the lot."""
    best: dict[int, Certificate] = {}
    certificates = (
        Certificate.objects.filter(teacher_id__in=teacher_ids, status=CertificateStatus.VALID, valid_until__gte=today)
        .select_related("level").order_by("level__rank", "valid_until")
    )
    for certificate in certificates:
        best[certificate.teacher_id] = certificate  # ascending rank: the highest stays
    return best


def certificates_of(*, teacher_id: int) -> list[Certificate]:
    return list(Certificate.objects.filter(teacher_id=teacher_id).select_related("level", "issuer").order_by("-issued_on", "-pk"))
