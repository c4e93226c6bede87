"""Title-promotion eligibility (职称评审), explained: every condition of the rule set in force for a
target title, met or unmet, with the figures behind it ("任现职 6 年 / 需 5 年（本科）").

The checks are a pure function of a teacher's facts (`TeacherFacts`), so the one-teacher page and the
jurisdiction report (which gathers the facts of thousands of teachers in a few queries) explain alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils import timezone
from django.db import models
from django.utils.translation import get_language, gettext

from courses.api import HoursPolicy, hours_totals
from lms.api import Education, Teacher, Title

from ..eligibility import RequirementCheck
from ..models import APPRAISAL_RANK, AppraisalGrade, AppraisalRecord, Certificate, CertificateStatus, TitleRuleSet

ZERO = Decimal("0")
GRADE_RANK = {str(grade): rank for grade, rank in APPRAISAL_RANK.items()}  # 1 is the best grade
GRADES = [str(grade) for grade in AppraisalGrade.values]


@lru_cache(maxsize=1024)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def _(message: str) -> str:
    """gettext remembered per language: a report formats the same few texts for thousands of rows."""
    return _translated(get_language(), message)


@lru_cache(maxsize=1024)
def _choice_label(language: str | None, choices: type[models.TextChoices], value: str) -> str:
    return str(dict(choices.choices).get(value, value))


class _Words:
    """Translations in one language, looked up once per teacher's checks (get_language costs more than the check)."""

    def __init__(self, language: str | None) -> None:
        self.language = language

    def __call__(self, message: str) -> str:
        return _translated(self.language, message)

    def label(self, choices: type[models.TextChoices], value: str) -> str:
        return _choice_label(self.language, choices, value)


@dataclass(frozen=True)
class TeacherFacts:
    """What the rules look at, gathered once per teacher (or per chunk of teachers in the report)."""

    title: str
    title_conferred_on: dt.date | None
    education: str
    cycle: tuple[int, int] | None  # first and last year of the current hours cycle; None without a policy
    cycle_counted: Decimal
    level_rank: int | None  # highest valid certificate's level
    level_name: str
    appraisals: dict[int, str] = field(default_factory=dict)  # year → the latest grade recorded


@dataclass(frozen=True)
class TitleEligibility:
    teacher_id: int
    target_title: str
    rule: TitleRuleSet | None
    checks: list[RequirementCheck] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.rule is not None and all(check.met for check in self.checks)

    @property
    def version(self) -> int | None:
        return self.rule.version if self.rule is not None else None

    @property
    def target_label(self) -> str:
        return _label(Title, self.target_title)

    @property
    def unmet(self) -> list[str]:
        return [f"{check.label}：{check.figures}" for check in self.checks if not check.met]

    def as_json(self) -> list[dict[str, object]]:
        return [check.as_dict() for check in self.checks]


def title_rule_in_force(*, target_title: str, today: dt.date) -> TitleRuleSet | None:
    """The highest active version already in effect for the target title."""
    return (
        TitleRuleSet.objects.filter(target_title=target_title, is_active=True, effective_from__lte=today)
        .select_related("min_level").order_by("-version").first()
    )


def title_targets_in_force(*, today: dt.date | None = None) -> list[str]:
    """Target titles that have a rule set in effect, in the order of the title ladder."""
    today = today or timezone.localdate()
    targets = set(
        TitleRuleSet.objects.filter(is_active=True, effective_from__lte=today).values_list("target_title", flat=True)
    )
    return [value for value in Title.values if value in targets]


def whole_years(*, since: dt.date, today: dt.date) -> int:
    """Completed years from a date to today (a birthday-style count)."""
    years = today.year - since.year - ((today.month, today.day) < (since.month, since.day))
    return max(years, 0)


def appraisal_window(*, rule: TitleRuleSet, today: dt.date) -> list[int]:
    """The appraisal years the rule looks at: the last N years before today's year."""
    return list(range(today.year - rule.appraisal_years, today.year))


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def _label(choices: type[models.TextChoices], value: str) -> str:
    return _choice_label(get_language(), choices, value)


def _no_rule_check(target_title: str) -> RequirementCheck:
    figures = _("No title-promotion rules are defined for %(title)s.") % {"title": _label(Title, target_title)}
    return RequirementCheck("rule", _("Title-promotion rules"), False, figures)


def _title_check(rule: TitleRuleSet, facts: TeacherFacts, _: _Words) -> RequirementCheck:
    figures = _("current title %(current)s / required %(required)s") % {
        "current": _.label(Title, facts.title), "required": _.label(Title, rule.from_title),
    }
    return RequirementCheck("title", _("Current title"), facts.title == rule.from_title, figures)


def _years_check(rule: TitleRuleSet, facts: TeacherFacts, today: dt.date, _: _Words) -> RequirementCheck:
    label = _("Years in the current title")
    education = _.label(Education, facts.education)
    years_by_education = rule.years_by_education or {}
    if facts.education not in years_by_education:
        figures = _("rules v%(version)s set no years for education “%(education)s”") % {
            "version": rule.version, "education": education,
        }
        return RequirementCheck("years", label, False, figures)
    need = int(years_by_education[facts.education])
    if facts.title_conferred_on is None:
        figures = _("date the current title was conferred is not recorded / required %(need)s years (%(education)s)") % {
            "need": need, "education": education,
        }
        return RequirementCheck("years", label, False, figures)
    years = whole_years(since=facts.title_conferred_on, today=today)
    figures = _("%(years)s years in the current title / required %(need)s years (%(education)s)") % {
        "years": years, "need": need, "education": education,
    }
    return RequirementCheck("years", label, years >= need, figures)


def _hours_check(rule: TitleRuleSet, facts: TeacherFacts, _: _Words) -> RequirementCheck:
    label = _("Hours in the current cycle")
    if facts.cycle is None:
        return RequirementCheck("cycle_hours", label, False, _("no hours policy is defined"))
    figures = _("this cycle %(done)s/%(need)s hours (%(first)s–%(last)s)") % {
        "done": _hours(facts.cycle_counted), "need": _hours(rule.cycle_hours_min),
        "first": facts.cycle[0], "last": facts.cycle[1],
    }
    return RequirementCheck("cycle_hours", label, facts.cycle_counted >= rule.cycle_hours_min, figures)


def _level_check(rule: TitleRuleSet, facts: TeacherFacts, _: _Words) -> RequirementCheck | None:
    level = rule.min_level
    if level is None:
        return None
    if facts.level_rank is None:
        figures = _("no valid certificate / required %(need)s") % {"need": level.name}
        return RequirementCheck("level", _("Certification level"), False, figures)
    figures = _("highest level %(held)s / required %(need)s") % {"held": facts.level_name, "need": level.name}
    return RequirementCheck("level", _("Certification level"), facts.level_rank >= level.rank, figures)


def _appraisal_checks(rule: TitleRuleSet, facts: TeacherFacts, today: dt.date, _: _Words) -> list[RequirementCheck]:
    years = appraisal_window(rule=rule, today=today)
    checks: list[RequirementCheck] = []
    grades = {year: facts.appraisals[year] for year in years if year in facts.appraisals}
    if years:
        ceiling = GRADE_RANK[rule.appraisal_min_grade]
        counts = {grade: sum(1 for g in grades.values() if g == grade) for grade in GRADES}
        listed = "、".join(f"{_.label(AppraisalGrade, grade)}×{n}" for grade, n in counts.items() if n)
        below = sum(1 for grade in grades.values() if GRADE_RANK.get(grade, 99) > ceiling)
        missing = [year for year in years if year not in grades]
        figures = _("last %(n)s years (%(first)s–%(last)s): %(grades)s; below %(grade)s: %(below)s") % {
            "n": len(years), "first": years[0], "last": years[-1], "grades": listed or _("no records"),
            "grade": _.label(AppraisalGrade, rule.appraisal_min_grade), "below": below,
        }
        if missing:
            figures += "；" + _("no record for %(years)s") % {"years": "、".join(str(year) for year in missing)}
        checks.append(RequirementCheck("appraisals", _("Annual appraisals"), not below and not missing, figures))
    if rule.appraisal_excellent_min:
        excellent = sum(1 for grade in grades.values() if grade == AppraisalGrade.EXCELLENT)
        figures = _("%(done)s/%(need)s times Excellent") % {"done": excellent, "need": rule.appraisal_excellent_min}
        checks.append(RequirementCheck(
            "appraisal_excellent", _("Appraisals graded Excellent"), excellent >= rule.appraisal_excellent_min, figures,
        ))
    return checks


def title_checks(*, rule: TitleRuleSet, facts: TeacherFacts, today: dt.date) -> list[RequirementCheck]:
    """Every condition of the rule set, in a fixed order (the report's columns follow it)."""
    words = _Words(get_language())
    checks = [_title_check(rule, facts, words), _years_check(rule, facts, today, words), _hours_check(rule, facts, words)]
    level = _level_check(rule, facts, words)
    if level is not None:
        checks.append(level)
    return checks + _appraisal_checks(rule, facts, today, words)


def title_check_labels(*, rule: TitleRuleSet, today: dt.date) -> list[tuple[str, str]]:
    """(code, label) of the rule's checks, for report headers when there are no rows."""
    facts = TeacherFacts(rule.from_title, None, "", (today.year, today.year), ZERO, None, "")
    return [(check.code, check.label) for check in title_checks(rule=rule, facts=facts, today=today)]


def title_result(*, teacher_id: int, target_title: str, rule: TitleRuleSet | None, facts: TeacherFacts | None, today: dt.date) -> TitleEligibility:
    if rule is None or facts is None:
        return TitleEligibility(teacher_id, target_title, None, [_no_rule_check(target_title)])
    return TitleEligibility(teacher_id, target_title, rule, title_checks(rule=rule, facts=facts, today=today))


def _facts_of(*, teacher: Teacher, rule: TitleRuleSet, today: dt.date) -> TeacherFacts:
    """One teacher's facts: hours by the ledger's own totals, the best valid certificate, the appraisals."""
    try:
        totals = hours_totals(teacher_id=teacher.pk, today=today)
    except HoursPolicy.DoesNotExist:
        cycle, counted = None, ZERO
    else:
        current = totals.cycle_for(today.year)
        cycle = (current.start_year, current.end_year) if current else None
        counted = current.counted if current else ZERO
    best = (
        Certificate.objects.filter(teacher_id=teacher.pk, status=CertificateStatus.VALID, valid_until__gte=today)
        .select_related("level").order_by("-level__rank").first()
    )
    appraisals: dict[int, str] = {}
    records = AppraisalRecord.objects.filter(teacher_id=teacher.pk, year__in=appraisal_window(rule=rule, today=today))
    for year, grade in records.order_by("year", "id").values_list("year", "grade"):
        appraisals[year] = grade  # a later record corrects an earlier one
    return TeacherFacts(
        title=teacher.title, title_conferred_on=teacher.title_conferred_on, education=teacher.education,
        cycle=cycle, cycle_counted=counted, level_rank=best.level.rank if best else None,
        level_name=best.level.name if best else "", appraisals=appraisals,
    )


def title_eligibility(*, teacher: Teacher, target_title: str, today: dt.date | None = None) -> TitleEligibility:
    """Every condition of the target title's rule set in force, met or unmet, with its figures; a target
    without rules gives one unmet "no rules defined" check, never an exception."""
    today = today or timezone.localdate()
    rule = title_rule_in_force(target_title=target_title, today=today)
    facts = _facts_of(teacher=teacher, rule=rule, today=today) if rule is not None else None
    return title_result(teacher_id=teacher.pk, target_title=target_title, rule=rule, facts=facts, today=today)


def title_eligibility_all(*, teacher: Teacher, today: dt.date | None = None) -> list[TitleEligibility]:
    """One result per target title with rules in force, those the teacher's current title leads to first."""
    today = today or timezone.localdate()
    results = [title_eligibility(teacher=teacher, target_title=t, today=today) for t in title_targets_in_force(today=today)]
    return sorted(results, key=lambda r: r.rule is None or r.rule.from_title != teacher.title)
