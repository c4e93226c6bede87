"""Certificate numbers: per issuing bureau and year, by the issuer's pattern, unique and gap-free."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .models import CertificateIssuer, CertificateSequence, CertificationLevel

SAMPLE = {"region": "990000", "year": 2026, "level": "basic", "seq": 1}


def number_pattern_check(pattern: str) -> None:
    """A pattern must format with the known placeholders and contain the sequence."""
    if "{seq" not in pattern:
        raise ValidationError(_("The pattern must contain the sequence, e.g. {seq:06d}."))
    try:
        sample = pattern.format(**SAMPLE)
    except (KeyError, IndexError, ValueError):
        raise ValidationError(_("Unknown placeholder or format in the pattern; use {region}, {year}, {level}, {seq:06d}."))
    if not 4 <= len(sample) <= 40 or not all(ch.isalnum() or ch in "-_" for ch in sample):
        raise ValidationError(_("A number must be 4–40 letters, digits, hyphens or underscores."))


def _sequence_row(*, issuer: CertificateIssuer, year: int) -> CertificateSequence:
    """The (issuer, year) row, locked until the caller's transaction ends; created on first use."""
    try:
        with transaction.atomic():
            CertificateSequence.objects.get_or_create(issuer=issuer, year=year)
    except IntegrityError:
        pass  # another transaction created it first
    return CertificateSequence.objects.select_for_update().get(issuer=issuer, year=year)


def certificate_number_take(*, issuer: CertificateIssuer, level: CertificationLevel, year: int) -> tuple[str, int]:
    """The next number; call inside the transaction that writes the certificate, so a failure rolls the
    increment back with it (no gaps) and concurrent issuers wait on the row lock (no duplicates)."""
    sequence = _sequence_row(issuer=issuer, year=year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    number = issuer.number_pattern.format(
        region=issuer.organisation.code[:6], year=year, level=level.code, seq=sequence.last_value
    )
    return number, sequence.last_value
