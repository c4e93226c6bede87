"""Test data for certification: issuers on the test tree, three levels with rules, certificates made directly.

`certificate_make` writes a certificate without the issuance service (for tests of what comes after
issuance: PDFs, verification, the annual review, title rules); issuance itself is tested through
`certification.services`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from certification.models import (
    Certificate,
    CertificateEvent,
    CertificateIssuer,
    CertificateSequence,
    CertificationLevel,
    EventKind,
    IssueMode,
    LevelRule,
)
from lms.models import Teacher
from tests.factories import Tree


@dataclass
class CertWorld:
    tree: Tree
    province_issuer: CertificateIssuer
    county_issuer: CertificateIssuer  # county_a1 issues for its own schools
    basic: CertificationLevel  # 初级
    middle: CertificationLevel  # 中级
    high: CertificationLevel  # 高级
    basic_rule: LevelRule
    middle_rule: LevelRule
    high_rule: LevelRule


def cert_world(tree: Tree) -> CertWorld:
    province_issuer = CertificateIssuer.objects.create(organisation=tree.province, name="示范省教育厅", signature_line="厅长 王明")
    county_issuer = CertificateIssuer.objects.create(organisation=tree.county_a1, name="甲一县教育局", signature_line="局长 李华")
    basic = CertificationLevel.objects.create(code="basic", name="初级", rank=1)
    middle = CertificationLevel.objects.create(code="middle", name="中级", rank=2)
    high = CertificationLevel.objects.create(code="high", name="高级", rank=3)
    on = dt.date(2024, 1, 1)
    basic_rule = LevelRule.objects.create(
        level=basic, version=1, effective_from=on, competencies_min=3, hours_total_min=Decimal(50),
        hours_by_kind_min={"school_based": 25}, hours_window_years=3, validity_years=5,
    )
    middle_rule = LevelRule.objects.create(
        level=middle, version=1, effective_from=on, competencies_min=5, prerequisite=basic,
        hours_total_min=Decimal(100), hours_window_years=5, validity_years=5,
    )
    high_rule = LevelRule.objects.create(
        level=high, version=1, effective_from=on, competencies_min=8, competency_level="excellent", prerequisite=middle,
        hours_total_min=Decimal(150), hours_window_years=5, validity_years=5,
    )
    return CertWorld(tree, province_issuer, county_issuer, basic, middle, high, basic_rule, middle_rule, high_rule)


def certificate_make(
    *, teacher: Teacher, rule: LevelRule, issuer: CertificateIssuer, issued_on: dt.date = dt.date(2025, 6, 1),
    valid_until: dt.date | None = None,
) -> Certificate:
    """A valid certificate numbered from the issuer's sequence, with its 'issued' event."""
    sequence, _ = CertificateSequence.objects.get_or_create(issuer=issuer, year=issued_on.year)
    sequence.last_value += 1
    sequence.save(update_fields=["last_value"])
    number = f"{issuer.organisation.code[:6]}{issued_on.year}{sequence.last_value:06d}"
    certificate = Certificate.objects.create(
        number=number, teacher=teacher, level=rule.level, rule=rule, issuer=issuer, holder_name=teacher.real_name,
        issued_on=issued_on, valid_until=valid_until or issued_on.replace(year=issued_on.year + rule.validity_years),
        sequence_year=issued_on.year, sequence_value=sequence.last_value, mode=IssueMode.MANUAL,
    )
    CertificateEvent.objects.create(certificate=certificate, kind=EventKind.ISSUED, effective_on=issued_on)
    return certificate
