"""The public look-up: a certificate by number (and, when given, the holder's name), reduced to what anyone may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

from ..models import Certificate, CertificateEvent, CertificateStatus, EventKind
from .signing import holder_name_masked, holder_name_normalised

# Digits, letters, CJK, '-' and '_' as number patterns produce; anything else cannot be a number.
NUMBER_RE = re.compile(r"[0-9A-Za-z\u4e00-\u9fff_-]{4,40}")
NAME_MAX_LENGTH = 50


@dataclass(frozen=True)
class PublicCertificate:
    """Only what the public page shows: no reason text, no ID number, no school."""

    number: str
    level_name: str
    issuer_name: str
    issued_on: dt.date
    valid_until: dt.date
    status: str
    status_label: str
    status_changed_on: dt.date | None
    holder_masked: str


def _status_changed_on(certificate: Certificate, status: str) -> dt.date | None:
    if status not in (CertificateStatus.SUSPENDED, CertificateStatus.REVOKED):
        return None
    if certificate.status_changed_on:
        return certificate.status_changed_on
    kind = EventKind.SUSPENDED if status == CertificateStatus.SUSPENDED else EventKind.REVOKED
    event = CertificateEvent.objects.filter(certificate=certificate, kind=kind).order_by("-effective_on", "-pk").first()
    return event.effective_on if event else None


def certificate_public_lookup(*, number: str, holder_name: str = "", today: dt.date | None = None) -> PublicCertificate | None:
    """The public view of a certificate, or None for a malformed or unknown number or a name that isn't the holder's."""
    number = (number or "").strip()
    if not NUMBER_RE.fullmatch(number) or len(holder_name or "") > NAME_MAX_LENGTH:
        return None
    certificate = Certificate.objects.select_related("level", "issuer").filter(number=number).first()
    if certificate is None:
        return None
    if holder_name.strip() and holder_name_normalised(holder_name) != holder_name_normalised(certificate.holder_name):
        return None
    status = certificate.status_on(today or timezone.localdate())
    return PublicCertificate(
        number=certificate.number, level_name=certificate.level.name, issuer_name=certificate.issuer.name,
        issued_on=certificate.issued_on, valid_until=certificate.valid_until, status=status,
        status_label=str(CertificateStatus(status).label), status_changed_on=_status_changed_on(certificate, status),
        holder_masked=holder_name_masked(certificate.holder_name),
    )
