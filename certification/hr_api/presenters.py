"""Plain dicts for the HR API's serializers: codes with their labels, ID numbers only masked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import models

from courses.api import HoursKind, HoursTotals
from lms.api import Teacher, Title

from ..eligibility import Eligibility
from ..models import ApiClient, ApiScope, Certificate, CertificateEvent, CertificateStatus, EventKind, IssueMode, ReasonCode
from ..titles.rules import TitleEligibility

Row = dict[str, Any]


def code_label(choices: type[models.TextChoices], value: str) -> Row:
    try:
        label = str(choices(value).label)
    except ValueError:
        label = value
    return {"code": value, "label": label}


def teacher_row(teacher: Teacher, best: Certificate | None) -> Row:
    county_code = getattr(teacher, "county_code", None)
    return {
        "id": teacher.pk,
        "name": teacher.real_name,
        "id_number_masked": teacher.id_number_masked,
        "gender": {"code": teacher.gender, "label": str(teacher.get_gender_display())},
        "school": {"code": teacher.school.code, "name": teacher.school.name},
        "county": {"code": county_code, "name": getattr(teacher, "county_name", "")} if county_code else None,
        "stage": {"code": teacher.stage, "label": str(teacher.get_stage_display())},
        "subject": {"code": teacher.subject, "label": str(teacher.get_subject_display())},
        "title": {"code": teacher.title, "label": str(teacher.get_title_display())},
        "employment_status": {"code": teacher.employment_status, "label": str(teacher.get_employment_status_display())},
        "certification_level": None if best is None else {
            "code": best.level.code, "name": best.level.name, "rank": best.level.rank,
            "certificate_number": best.number, "valid_until": best.valid_until,
        },
    }


def _level(certificate: Certificate) -> Row:
    return {"code": certificate.level.code, "name": certificate.level.name, "rank": certificate.level.rank}


def certificate_summary(certificate: Certificate, today: dt.date) -> Row:
    return {
        "number": certificate.number,
        "level": _level(certificate),
        "status": code_label(CertificateStatus, certificate.status_on(today)),
        "issued_on": certificate.issued_on,
        "valid_until": certificate.valid_until,
    }


def _event(event: CertificateEvent) -> Row:
    return {
        "kind": code_label(EventKind, event.kind),
        "reason": code_label(ReasonCode, event.reason_code) if event.reason_code else None,
        "reason_text": event.reason_text,
        "effective_on": event.effective_on,
        "recorded_at": event.recorded_at,
    }


def certificate_full(certificate: Certificate, events: list[CertificateEvent], today: dt.date) -> Row:
    return {
        **certificate_summary(certificate, today),
        "issuer": {"code": certificate.issuer.organisation.code, "name": certificate.issuer.name},
        "mode": code_label(IssueMode, certificate.mode),
        "events": [_event(event) for event in events],
    }


def holder(teacher: Teacher) -> Row:
    return {"id": teacher.pk, "name": teacher.real_name, "id_number_masked": teacher.id_number_masked}


def _kinds(hours: dict[str, Decimal]) -> list[Row]:
    order = {kind: index for index, kind in enumerate(HoursKind.values)}
    return [
        {"kind": code_label(HoursKind, kind), "hours": value}
        for kind, value in sorted(hours.items(), key=lambda item: order.get(item[0], 99))
    ]


def hours_row(totals: HoursTotals, *, year: int | None) -> Row:
    years = [y for y in totals.by_year if year is None or y == year]
    cycles = [c for c in totals.cycles if year is None or c.start_year <= year <= c.end_year]
    return {
        "teacher_id": totals.teacher_id,
        "policy": {"version": totals.policy_version, "name": totals.policy_name},
        "total": totals.total,
        "by_year": [{"year": y, "total": totals.by_year[y], "by_kind": _kinds(totals.year_by_kind(y))} for y in years],
        "cycles": [
            {
                "start_year": c.start_year, "end_year": c.end_year, "target": c.target, "total": c.total,
                "counted": c.counted, "remaining": c.remaining, "reached": c.reached, "by_kind": _kinds(c.by_kind),
                "yearly_minimum": c.yearly_minimum,
                "yearly_shortfalls": [{"year": y, "short_by": short} for y, short in sorted(c.yearly_shortfalls.items())],
            }
            for c in cycles
        ],
    }


def title_result(result: TitleEligibility) -> Row:
    return {
        "target": code_label(Title, result.target_title), "rule_version": result.version,
        "eligible": result.eligible, "checks": result.as_json(),
    }


def level_result(result: Eligibility) -> Row:
    level = result.level
    return {
        "level": {"code": level.code, "name": level.name, "rank": level.rank},
        "rule_version": result.rule.version if result.rule is not None else None,
        "eligible": result.eligible, "checks": result.as_json(),
    }


def client_row(client: ApiClient) -> Row:
    organisation = client.organisation
    return {
        "name": client.name,
        "contact": client.contact,
        "jurisdiction": {"code": organisation.code, "name": organisation.name},
        "jurisdiction_kind": {"code": organisation.kind, "label": str(organisation.get_kind_display())},
        "scopes": [code_label(ApiScope, scope) for scope in client.scopes],
        "rate_per_minute": client.rate_per_minute,
    }
