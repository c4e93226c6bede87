"""Reads of certification for pages: a teacher's certificates with history, eligibility per level."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from lms.api import Teacher

from .eligibility import Eligibility, level_eligibility, levels_in_use
from .models import Certificate, CertificateEvent


@dataclass(frozen=True)
class CertificateRow:
    certificate: Certificate
    status: str  # valid / expired / suspended / revoked, as of today
    events: list[CertificateEvent]


def certificates_of_teacher(*, teacher_id: int, today: dt.date | None = None) -> list[CertificateRow]:
    today = today or timezone.localdate()
    rows = (
        Certificate.objects.filter(teacher_id=teacher_id).select_related("level", "issuer")
        .prefetch_related(Prefetch("events", queryset=CertificateEvent.objects.select_related("recorded_by").order_by("recorded_at", "pk")))
        .order_by("-issued_on", "-pk")
    )
    return [CertificateRow(c, c.status_on(today), list(c.events.all())) for c in rows]


def eligibility_by_level(*, teacher: Teacher, today: dt.date | None = None) -> list[Eligibility]:
    return [level_eligibility(teacher=teacher, level=level, today=today) for level in levels_in_use()]


def certificates_filtered(
    queryset: QuerySet[Certificate], *, status: str = "", level: str = "", query: str = "", today: dt.date | None = None
) -> QuerySet[Certificate]:
    today = today or timezone.localdate()
    if status == "expired":
        queryset = queryset.filter(status="valid", valid_until__lt=today)
    elif status == "valid":
        queryset = queryset.filter(status="valid", valid_until__gte=today)
    elif status in ("suspended", "revoked"):
        queryset = queryset.filter(status=status)
    if level:
        queryset = queryset.filter(level__code=level)
    query = query.strip()
    if query:
        queryset = queryset.filter(Q(number=query) | Q(holder_name__contains=query))
    return queryset.select_related("level", "issuer", "teacher__school").order_by("-issued_on", "-pk")
