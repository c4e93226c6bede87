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


def competencies_pass(teacher: Teacher, codes: list[str], *, level: str = "pass", version: int = 1) -> None:
    """Standing results in the 2.0 framework (version 1 = the core the demo loads, 2 = the full one)."""
    from django.utils import timezone

    from assessments.api import framework_2_0_core_ensure, framework_2_0_ensure
    from assessments.models import CompetencyResult, FrameworkNode

    framework_2_0_core_ensure() if version == 1 else framework_2_0_ensure()
    for code in codes:
        node = FrameworkNode.objects.get(framework__code="2.0", framework__version=version, code=code)
        CompetencyResult.objects.create(
            teacher=teacher, competency=node, framework_code="2.0", framework_version=version, level=level,
            passed=level != "fail", source="quiz", recorded_at=timezone.now(),
        )


def hours_give(teacher: Teacher, *, hours: int, kind: str = "online", year: int = 2026) -> None:
    from courses.api import hours_award

    hours_award(
        teacher_id=teacher.pk, hours=hours, kind=kind, year=year, source_type="manual", source_ref="test",
        idempotency_key=f"test:{teacher.pk}:{kind}:{year}:{hours}", recognised_by=None,
    )


def basic_eligible(teacher: Teacher, *, year: int = 2026) -> None:
    """Enough for 初级 under cert_world's rule: 3 competencies, 50 hours of which 25 school-based."""
    competencies_pass(teacher, ["A1", "A3", "A6"])
    hours_give(teacher, hours=30, kind="school_based", year=year)
    hours_give(teacher, hours=20, kind="online", year=year)
