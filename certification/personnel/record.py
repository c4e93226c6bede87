"""One teacher's whole record for a personnel office: certification and its history, hours against the
policy's targets, annual review outcomes and title-promotion eligibility, composed from the apps' public
reads after the jurisdiction check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from courses.api import CycleHours, HoursKind, HoursPolicy, hours_policy_current, hours_totals
from lms.api import Organisation, Teacher, Title

from ..access import teachers_readable_by, user_can_read_certificates
from ..annual.selectors import annual_outcomes_for_teacher
from ..eligibility import Eligibility
from ..models import AnnualReviewOutcome, AppraisalGrade, AppraisalRecord, CertificationLevel
from ..selectors import CertificateRow, certificates_of_teacher, eligibility_by_level
from ..titles.rules import TitleEligibility, title_eligibility, title_eligibility_all
from .search import counties_of

ZERO = Decimal("0")


@dataclass(frozen=True)
class YearHours:
    year: int
    by_kind: list[Decimal]  # in the order of HoursRecord.kinds
    total: Decimal
    shortfall: Decimal | None  # how far below the yearly minimum, for years of the cycle up to today


@dataclass(frozen=True)
class CycleTable:
    cycle: CycleHours
    years: list[YearHours]
    recorded_by_kind: list[Decimal]
    counted_by_kind: list[Decimal]
    caps: list[Decimal | None]
    is_current: bool


@dataclass(frozen=True)
class HoursRecord:
    policy_name: str
    policy_version: int
    kinds: list[tuple[str, str]]  # (code, label) of every kind of hours
    cycles: list[CycleTable]  # the current cycle first, then earlier ones with hours
    total: Decimal


@dataclass(frozen=True)
class AppraisalYear:
    year: int
    grade: str
    label: str


@dataclass(frozen=True)
class TeacherRecord:
    teacher: Teacher
    county: Organisation | None
    today: dt.date
    current_level: CertificationLevel | None
    certificates: list[CertificateRow]
    level_eligibility: list[Eligibility]
    hours: HoursRecord | None  # None when no hours policy is defined
    annual_outcomes: list[AnnualReviewOutcome]
    appraisals: list[AppraisalYear]
    titles: list[TitleEligibility]
    next_title: str | None


def _cycle_table(cycle: CycleHours, *, totals_by_year_kind: dict[tuple[int, str], Decimal], kinds: list[str],
                 caps: dict[str, Decimal], today: dt.date) -> CycleTable:
    years_with_hours = {year for (year, _kind) in totals_by_year_kind if cycle.start_year <= year <= cycle.end_year}
    years = sorted(set(range(cycle.start_year, min(cycle.end_year, today.year) + 1)) | years_with_hours)
    rows = []
    for year in years:
        by_kind = [totals_by_year_kind.get((year, kind), ZERO) for kind in kinds]
        rows.append(YearHours(year, by_kind, sum(by_kind, ZERO), cycle.yearly_shortfalls.get(year)))
    return CycleTable(
        cycle=cycle,
        years=rows,
        recorded_by_kind=[cycle.by_kind.get(kind, ZERO) for kind in kinds],
        counted_by_kind=[cycle.counted_by_kind.get(kind, ZERO) for kind in kinds],
        caps=[caps.get(kind) for kind in kinds],
        is_current=cycle.start_year <= today.year <= cycle.end_year,
    )


def hours_record(*, teacher_id: int, today: dt.date) -> HoursRecord | None:
    """Hours by year and kind within each cycle, with the policy's target, caps and yearly minimum."""
    try:
        policy = hours_policy_current(on=today)
    except HoursPolicy.DoesNotExist:
        return None
    totals = hours_totals(teacher_id=teacher_id, policy=policy, today=today)
    kinds = list(HoursKind.values)
    caps = policy.caps()
    cycles = [
        _cycle_table(cycle, totals_by_year_kind=totals.by_year_kind, kinds=kinds, caps=caps, today=today)
        for cycle in totals.cycles
        if cycle.start_year <= today.year or cycle.total
    ]
    cycles.sort(key=lambda table: (not table.is_current, -table.cycle.start_year))
    return HoursRecord(
        policy_name=policy.name, policy_version=policy.version,
        kinds=[(kind, str(label)) for kind, label in HoursKind.choices], cycles=cycles, total=totals.total,
    )


def appraisal_years(*, teacher_id: int) -> list[AppraisalYear]:
    """The standing appraisal grade per year (a later record corrects an earlier one), newest first."""
    grades: dict[int, str] = {}
    for year, grade in AppraisalRecord.objects.filter(teacher_id=teacher_id).order_by("year", "id").values_list("year", "grade"):
        grades[year] = grade
    labels = dict(AppraisalGrade.choices)
    return [AppraisalYear(year, grade, str(labels.get(grade, grade))) for year, grade in sorted(grades.items(), reverse=True)]


def next_title_of(title: str) -> str | None:
    """The next rung of the title ladder (三级 → 二级 → 一级 → 高级 → 正高级); None at the top."""
    ladder = list(Title.values)
    position = ladder.index(title) if title in ladder else -1
    return ladder[position + 1] if 0 <= position < len(ladder) - 1 else None


def title_results(*, teacher: Teacher, today: dt.date) -> tuple[str | None, list[TitleEligibility]]:
    """Every target title with rules in force, and the next title even without rules (it says so)."""
    results = title_eligibility_all(teacher=teacher, today=today)
    following = next_title_of(teacher.title)
    if following is not None and all(result.target_title != following for result in results):
        results.insert(0, title_eligibility(teacher=teacher, target_title=following, today=today))
    return following, results


def teacher_record(*, user: Any, teacher_id: int, today: dt.date | None = None) -> TeacherRecord | None:
    """The record if the user reads certificates and the teacher is inside their jurisdiction; None
    otherwise (an unknown id and a teacher outside alike)."""
    if not user_can_read_certificates(user=user):
        return None
    teacher = teachers_readable_by(user=user).select_related("school").filter(pk=teacher_id).first()
    if teacher is None:
        return None
    today = today or timezone.localdate()
    certificates = certificates_of_teacher(teacher_id=teacher.pk, today=today)
    valid = [row.certificate.level for row in certificates if row.status == "valid"]
    next_title, titles = title_results(teacher=teacher, today=today)
    return TeacherRecord(
        teacher=teacher,
        county=counties_of([teacher.school]).get(teacher.school_id),
        today=today,
        current_level=max(valid, key=lambda level: level.rank, default=None),
        certificates=certificates,
        level_eligibility=eligibility_by_level(teacher=teacher, today=today),
        hours=hours_record(teacher_id=teacher.pk, today=today),
        annual_outcomes=annual_outcomes_for_teacher(teacher_id=teacher.pk),
        appraisals=appraisal_years(teacher_id=teacher.pk),
        titles=titles,
        next_title=next_title,
    )
