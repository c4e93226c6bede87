"""Writes of certification: issuing certificates (manual, nightly, batch) and changing their status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.api import Teacher

from .access import issuer_for_school
from .eligibility import Eligibility, level_eligibility
from .models import (
    Certificate,
    CertificateEvent,
    CertificateStatus,
    CertificationLevel,
    EligibilityDecision,
    EventKind,
    IssueMode,
    ReasonCode,
)
from .numbering import certificate_number_take


class IssueRefused(Exception):
    """The teacher does not meet the level's requirements (or no bureau issues for their school)."""

    def __init__(self, unmet: list[str], eligibility: Eligibility | None = None) -> None:
        super().__init__("; ".join(unmet))
        self.unmet = unmet
        self.eligibility = eligibility


@dataclass(frozen=True)
class IssueResult:
    certificate: Certificate
    created: bool


def _current(*, teacher_id: int, level: CertificationLevel) -> Certificate | None:
    return Certificate.objects.filter(teacher_id=teacher_id, level=level, is_current=True).first()


def _valid_until(issued_on: dt.date, years: int) -> dt.date:
    try:
        end = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February
        end = issued_on.replace(year=issued_on.year + years, day=28)
    return end - dt.timedelta(days=1)


def certificate_issue(
    *, teacher: Teacher, level: CertificationLevel, mode: str = IssueMode.MANUAL, by: Any = None, today: dt.date | None = None
) -> IssueResult:
    """Issue the level to the teacher when eligible; idempotent: a teacher who already holds an unexpired
    certificate of the level gets that one back. Refused with the unmet requirements otherwise."""
    today = today or timezone.localdate()
    held = _current(teacher_id=teacher.pk, level=level)
    if held is not None and held.status_on(today) != CertificateStatus.EXPIRED:
        return IssueResult(held, False)
    eligibility = level_eligibility(teacher=teacher, level=level, today=today)
    if not eligibility.eligible:
        if mode == IssueMode.MANUAL and eligibility.rule is not None:
            EligibilityDecision.objects.create(
                teacher=teacher, rule=eligibility.rule, eligible=False, explanation=eligibility.as_json(), mode=mode, decided_by=by
            )
        raise IssueRefused(eligibility.unmet, eligibility)
    issuer = issuer_for_school(school=teacher.school)
    if issuer is None:
        raise IssueRefused([_("No bureau above the teacher's school issues certificates.")], eligibility)
    assert eligibility.rule is not None
    with transaction.atomic():
        # One issuer at a time per teacher: the second of two concurrent runs finds the first's certificate.
        Teacher.objects.select_for_update().filter(pk=teacher.pk).first()
        held = _current(teacher_id=teacher.pk, level=level)
        if held is not None:
            if held.status_on(today) != CertificateStatus.EXPIRED:
                return IssueResult(held, False)
            Certificate.objects.filter(pk=held.pk).update(is_current=False)
        number, value = certificate_number_take(issuer=issuer, level=level, year=today.year)
        certificate = Certificate.objects.create(
            number=number, teacher=teacher, level=level, rule=eligibility.rule, issuer=issuer,
            holder_name=teacher.real_name, issued_on=today,
            valid_until=_valid_until(today, eligibility.rule.validity_years),
            sequence_year=today.year, sequence_value=value, mode=mode, explanation=eligibility.as_json(),
            issued_by=by if by is not None and getattr(by, "is_authenticated", False) else None,
        )
        CertificateEvent.objects.create(
            certificate=certificate, kind=EventKind.ISSUED, effective_on=today, recorded_by=certificate.issued_by,
            reason_text=str(_("Issued under %(rule)s") % {"rule": eligibility.rule}),
        )
        EligibilityDecision.objects.create(
            teacher=teacher, rule=eligibility.rule, eligible=True, explanation=eligibility.as_json(), mode=mode,
            decided_by=certificate.issued_by,
        )
        # The PDF is a convenience made afterwards: a failure there must not undo or fail the issue.
        transaction.on_commit(lambda: _pdf_prepare(certificate.pk), robust=True)
    return IssueResult(certificate, True)


def _pdf_prepare(certificate_id: int) -> None:
    from certification.issuance_tasks import certificate_pdf_store

    certificate_pdf_store.delay(certificate_id)


# Allowed status changes: (from, event) → to.
TRANSITIONS = {
    (CertificateStatus.VALID, EventKind.SUSPENDED): CertificateStatus.SUSPENDED,
    (CertificateStatus.SUSPENDED, EventKind.REINSTATED): CertificateStatus.VALID,
    (CertificateStatus.VALID, EventKind.REVOKED): CertificateStatus.REVOKED,
    (CertificateStatus.SUSPENDED, EventKind.REVOKED): CertificateStatus.REVOKED,
}


def _status_change(
    *, certificate: Certificate, kind: str, reason_code: str, reason_text: str, by: Any, effective_on: dt.date | None
) -> Certificate:
    if reason_code not in ReasonCode.values:
        raise ValidationError(_("Choose a reason."))
    reason_text = (reason_text or "").strip()
    if reason_code == ReasonCode.OTHER and not reason_text:
        raise ValidationError(_("Describe the reason when it is “other”."))
    if len(reason_text) > 500:
        raise ValidationError(_("The details may be at most 500 characters."))
    effective_on = effective_on or timezone.localdate()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        target = TRANSITIONS.get((CertificateStatus(locked.status), EventKind(kind)))
        if target is None:
            raise ValidationError(
                _("A %(status)s certificate cannot be %(action)s.")
                % {"status": locked.get_status_display(), "action": EventKind(kind).label}
            )
        if effective_on < locked.issued_on:
            raise ValidationError(_("The date cannot be before the certificate was issued."))
        CertificateEvent.objects.create(
            certificate=locked, kind=kind, reason_code=reason_code, reason_text=reason_text,
            effective_on=effective_on, recorded_by=by,
        )
        locked.status = target
        locked.status_changed_on = effective_on
        fields = ["status", "status_changed_on"]
        if target == CertificateStatus.REVOKED:
            locked.is_current = False  # the holder may be issued the level again once eligible
            fields.append("is_current")
        locked.save(update_fields=fields)
    return locked


def certificate_suspend(*, certificate: Certificate, reason_code: str, reason_text: str = "", by: Any = None, effective_on: dt.date | None = None) -> Certificate:
    return _status_change(certificate=certificate, kind=EventKind.SUSPENDED, reason_code=reason_code, reason_text=reason_text, by=by, effective_on=effective_on)


def certificate_reinstate(*, certificate: Certificate, reason_code: str, reason_text: str = "", by: Any = None, effective_on: dt.date | None = None) -> Certificate:
    return _status_change(certificate=certificate, kind=EventKind.REINSTATED, reason_code=reason_code, reason_text=reason_text, by=by, effective_on=effective_on)


def certificate_revoke(*, certificate: Certificate, reason_code: str, reason_text: str = "", by: Any = None, effective_on: dt.date | None = None) -> Certificate:
    return _status_change(certificate=certificate, kind=EventKind.REVOKED, reason_code=reason_code, reason_text=reason_text, by=by, effective_on=effective_on)
