"""Demo data of certification: three levels with their requirements, the province as issuer, annual
review and title-promotion rules, a few certificates in the demo teacher's school (one suspended) and
the demo teacher eligible for 初级 but not yet issued (the nightly run or an administrator issues it)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.api import competency_result_recognise
from courses.api import HoursKind, HoursSource, hours_award
from lms.api import Education, EmploymentStatus, Organisation, OrganisationKind, Teacher, Title, teacher_for_user

from .models import (
    AnnualReviewRule,
    AppraisalGrade,
    AppraisalRecord,
    CertificateIssuer,
    CertificationLevel,
    IssueMode,
    LevelRule,
    ReasonCode,
    TitleRuleSet,
)
from .services import IssueRefused, certificate_issue, certificate_suspend

EFFECTIVE = dt.date(2024, 1, 1)
DEMO_ISSUED_ON = dt.date(2025, 9, 1)
HOLDERS = 5  # other teachers of the demo school holding 初级


@dataclass
class CertificationDemoResult:
    levels: int = 0
    certificates: int = 0
    teacher_eligible: bool = False
    api_key: str = ""  # the demo HR system's key (also kept in PRIVATE_ROOT/demo/hr-api-key.txt)
    api_region: str = ""
    api_example_name: str = ""  # the demo teacher's name, for the example call


def _levels() -> dict[str, CertificationLevel]:
    levels = {}
    for code, name, rank, description in (
        ("basic", "初级", 1, "能在多媒体教学环境中应用信息技术优化课堂教学"),
        ("middle", "中级", 2, "能在混合学习环境中应用信息技术转变学习方式"),
        ("high", "高级", 3, "能在智慧学习环境中创新应用信息技术，并指导他人"),
    ):
        levels[code], _ = CertificationLevel.objects.get_or_create(code=code, defaults={"name": name, "rank": rank, "description": description})
    return levels


def _rules(levels: dict[str, CertificationLevel]) -> None:
    specs = {
        "basic": {"competencies_min": 3, "hours_window_years": 3, "hours_total_min": Decimal(50), "hours_by_kind_min": {"school_based": 25}},
        "middle": {"competencies_min": 5, "environments_required": ["A", "B"], "hours_window_years": 5, "hours_total_min": Decimal(120),
                   "hours_by_kind_min": {"school_based": 50}, "prerequisite": levels["basic"]},
        "high": {"competencies_min": 8, "competency_level": "excellent", "environments_required": ["A", "B", "C"], "hours_window_years": 5,
                 "hours_total_min": Decimal(240), "prerequisite": levels["middle"]},
    }
    for code, fields in specs.items():
        LevelRule.objects.get_or_create(level=levels[code], version=1, defaults={
            "effective_from": EFFECTIVE, "framework_code": "2.0", "framework_version": 1, "validity_years": 5,
            "note": "示范省 2024 年版", **fields,
        })


def _title_rules(levels: dict[str, CertificationLevel]) -> None:
    for target, source, years, hours, level, excellent in (
        (Title.FIRST, Title.SECOND, {"doctor": 0, "master": 2, "bachelor": 4, "college": 5, "secondary": 6, "": 6}, 120, "basic", 0),
        (Title.SENIOR, Title.FIRST, {"doctor": 2, "master": 5, "bachelor": 5, "college": 7, "secondary": 8, "": 8}, 360, "middle", 1),
        (Title.PROFESSOR, Title.SENIOR, {"doctor": 5, "master": 5, "bachelor": 5, "college": 5, "secondary": 5, "": 5}, 360, "high", 2),
    ):
        TitleRuleSet.objects.get_or_create(target_title=target, version=1, defaults={
            "from_title": source, "effective_from": EFFECTIVE, "years_by_education": years, "cycle_hours_min": Decimal(hours),
            "min_level": levels[level], "appraisal_years": 3 if target == Title.FIRST else 5, "appraisal_excellent_min": excellent,
            "note": "示范省职称评审条件（示例）",
        })


def _competencies(teacher: Teacher, codes: tuple[str, ...]) -> None:
    for code in codes:
        competency_result_recognise(teacher_id=teacher.pk, competency_code=code, framework_code="2.0", framework_version=1, level="pass", passed=True)


def _hours(teacher: Teacher, year: int) -> None:
    for kind, hours in ((HoursKind.SCHOOL_BASED, 30), (HoursKind.ONLINE, 30)):
        hours_award(
            teacher_id=teacher.pk, hours=hours, kind=kind, year=year, source_type=HoursSource.MANUAL,
            source_ref=f"{year}年示范培训", source_label=f"{year}年示范培训", idempotency_key=f"demo-cert:{teacher.pk}:{year}:{kind}",
            recognised_by=None, note="示范数据",
        )


HISTORY_YEARS = range(2021, 2027)
HISTORY_KINDS = (HoursKind.ONLINE, HoursKind.CENTRALISED, HoursKind.SCHOOL_BASED)


def _training_history(*, exclude: int) -> None:
    """Years of hours for the province's other teachers, so the reports and the personnel record have
    something to show: a steady pace per teacher (some none at all), a year missed now and then. The same
    teacher always gets the same history; a rerun writes nothing new."""
    import random

    teachers = Teacher.objects.filter(employment_status=EmploymentStatus.ACTIVE).exclude(pk=exclude).order_by("pk")
    for pk in teachers.values_list("pk", flat=True):
        rng = random.Random(pk * 7919)
        pace = rng.choice((0, 35, 55, 70, 80, 90))  # hours a year
        for year in HISTORY_YEARS:
            if not pace or rng.random() < 0.12:
                continue
            hours = max(4, round(pace * rng.uniform(0.7, 1.25)))
            hours_award(
                teacher_id=pk, hours=hours, kind=rng.choice(HISTORY_KINDS), year=year, source_type=HoursSource.IMPORT,
                source_ref=f"{year}年继续教育学时登记", source_label=f"{year}年继续教育学时登记",
                idempotency_key=f"demo-history:{pk}:{year}", recognised_by=None, note="示范数据",
            )


def _holders(result: CertificationDemoResult, school: Organisation, teacher: Teacher, levels: dict[str, CertificationLevel]) -> None:
    others = Teacher.objects.filter(school=school, employment_status=EmploymentStatus.ACTIVE).exclude(pk=teacher.pk).order_by("pk")[:HOLDERS]
    admin = get_user_model().objects.filter(username="county_admin").first()
    for index, other in enumerate(others):
        _competencies(other, ("A1", "A3", "A6"))
        _hours(other, 2025)
        try:
            issued = certificate_issue(teacher=other, level=levels["basic"], mode=IssueMode.AUTOMATIC, today=DEMO_ISSUED_ON)
        except IssueRefused:
            continue
        result.certificates += int(issued.created)
        grade = AppraisalGrade.BASIC if index == 1 else AppraisalGrade.QUALIFIED
        if not AppraisalRecord.objects.filter(teacher=other, year=2025).exists():
            AppraisalRecord.objects.create(teacher=other, year=2025, grade=grade)
        if index == HOLDERS - 1 and issued.created:
            certificate_suspend(certificate=issued.certificate, reason_code=ReasonCode.MISCONDUCT, reason_text="示范：师德问题调查期间暂停",
                                by=admin, effective_on=dt.date(2026, 3, 1))


@transaction.atomic
def certification_demo_seed() -> CertificationDemoResult:
    result = CertificationDemoResult()
    levels = _levels()
    result.levels = len(levels)
    _rules(levels)
    _title_rules(levels)
    AnnualReviewRule.objects.get_or_create(version=1, defaults={"effective_from": EFFECTIVE, "note": "示范省 2024 年版"})
    province = Organisation.objects.get(kind=OrganisationKind.PROVINCE, code="990000")
    CertificateIssuer.objects.get_or_create(organisation=province, defaults={"name": "示范省教育厅", "signature_line": "示范省教育厅（盖章）"})
    teacher = teacher_for_user(user=get_user_model().objects.get(username="teacher"))
    assert teacher is not None
    if not teacher.education:
        Teacher.objects.filter(pk=teacher.pk).update(education=Education.BACHELOR)
    _competencies(teacher, ("A1", "A3", "A6"))
    _holders(result, teacher.school, teacher, levels)
    _training_history(exclude=teacher.pk)
    from .eligibility import level_eligibility

    result.teacher_eligible = level_eligibility(teacher=teacher, level=levels["basic"]).eligible
    result.api_key, result.api_region = _demo_api_client()
    result.api_example_name = teacher.real_name
    return result


DEMO_API_CLIENT = "示范市人事管理系统（演示）"


def _demo_api_client() -> tuple[str, str]:
    """One HR system of the first city, with every scope, issued by city_admin. Its key is shown only once
    by design, so the demo keeps it in a private file to print it again on the next run."""
    from django.conf import settings

    from .hr_api.keys import api_client_issue
    from .models import ApiClient, ApiScope

    key_file = settings.PRIVATE_ROOT / "demo" / "hr-api-key.txt"
    existing = ApiClient.objects.filter(name=DEMO_API_CLIENT, revoked_at__isnull=True).select_related("organisation").first()
    if existing is not None:
        stored = key_file.read_text(encoding="utf-8").strip() if key_file.exists() else ""
        return (stored if stored.startswith(existing.key_prefix) else ""), existing.organisation.name
    admin = get_user_model().objects.get(username="city_admin")
    city = Organisation.objects.get(kind=OrganisationKind.PROVINCE, code="990000").get_children().order_by("code").first()
    assert city is not None and city.kind == OrganisationKind.CITY
    _client, key = api_client_issue(
        actor=admin, name=DEMO_API_CLIENT, organisation=city, scopes=list(ApiScope.values), contact="人事科 演示",
    )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(key + "\n", encoding="utf-8")
    key_file.chmod(0o600)
    return key, city.name
