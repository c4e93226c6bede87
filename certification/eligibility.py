"""Eligibility for a certification level, explained: every requirement of the rule version in force,
met or unmet, with the figures behind it ("已完成 42/50 学时")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.api import competency_summaries
from courses.api import HoursKind, hours_totals
from lms.api import Teacher

from .models import Certificate, CertificateStatus, CertificationLevel, CompetencyLevel, LevelRule

ZERO = Decimal("0")


@dataclass(frozen=True)
class RequirementCheck:
    code: str  # rule, prerequisite, competencies, required_codes, dimensions, environments, hours, hours_<kind>
    label: str
    met: bool
    figures: str

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "label": self.label, "met": self.met, "figures": self.figures}


@dataclass(frozen=True)
class Eligibility:
    teacher_id: int
    level: CertificationLevel
    rule: LevelRule | None
    requirements: list[RequirementCheck] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return self.rule is not None and all(check.met for check in self.requirements)

    @property
    def unmet(self) -> list[str]:
        return [f"{check.label}：{check.figures}" for check in self.requirements if not check.met]

    def as_json(self) -> list[dict[str, object]]:
        return [check.as_dict() for check in self.requirements]


def level_rule_in_force(*, level: CertificationLevel, today: dt.date) -> LevelRule | None:
    """The highest active version already in effect."""
    return (
        LevelRule.objects.filter(level=level, is_active=True, effective_from__lte=today)
        .select_related("level", "prerequisite").order_by("-version").first()
    )


def _hours(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.1f}"


def _holds_level(*, teacher_id: int, level: CertificationLevel, today: dt.date) -> bool:
    """A valid, unexpired certificate of the level or a higher one."""
    return Certificate.objects.filter(
        Q(level=level) | Q(level__rank__gt=level.rank),
        teacher_id=teacher_id, status=CertificateStatus.VALID, valid_until__gte=today,
    ).exists()


def _prerequisite_check(*, teacher_id: int, rule: LevelRule, today: dt.date) -> RequirementCheck | None:
    if rule.prerequisite is None:
        return None
    held = _holds_level(teacher_id=teacher_id, level=rule.prerequisite, today=today)
    figures = (_("holds a valid %(level)s certificate") if held else _("no valid %(level)s certificate")) % {
        "level": rule.prerequisite.name
    }
    return RequirementCheck("prerequisite", _("Prerequisite level"), held, figures)


def _covers(required: list[str], passed_counts: dict[str, int]) -> list[str]:
    """Required codes with no passed competency; "D1" is covered by any of A-D1, B-D1, C-D1."""
    covered = {code for code, count in passed_counts.items() if count > 0}
    missing = []
    for code in required:
        if not any(have == code or have.endswith(f"-{code}") for have in covered):
            missing.append(code)
    return missing


def _competency_checks(*, teacher_id: int, rule: LevelRule) -> list[RequirementCheck]:
    summary = competency_summaries(
        teacher_ids=[teacher_id], framework_code=rule.framework_code, framework_version=rule.framework_version
    )[teacher_id]
    if rule.competency_level == CompetencyLevel.EXCELLENT:
        counted = {code for code in summary.passed if summary.levels.get(code) == "excellent"}
        count_label = _("Competencies passed at 优秀")
    else:
        counted = set(summary.passed)
        count_label = _("Competencies passed")
    checks = [
        RequirementCheck(
            "competencies", count_label, len(counted) >= rule.competencies_min,
            _("%(done)s/%(need)s passed") % {"done": len(counted), "need": rule.competencies_min},
        )
    ]
    required = [code.strip() for code in rule.competencies_required or []]
    if required:
        missing = [code for code in required if code not in counted]
        figures = (_("missing %(codes)s") % {"codes": "、".join(missing)}) if missing else "、".join(required)
        checks.append(RequirementCheck("required_codes", _("Required competencies"), not missing, figures))
    # A framework without dimensions hangs competencies straight under environments: look in both places.
    places = {**summary.passed_by_dimension, **summary.passed_by_tier}
    for code, label, counts, required_codes in (
        ("dimensions", _("Dimensions covered"), places, rule.dimensions_required or []),
        ("environments", _("Environments covered"), places, rule.environments_required or []),
    ):
        if not required_codes:
            continue
        missing = _covers(required_codes, counts)
        covered = len(required_codes) - len(missing)
        figures = _("%(done)s/%(need)s covered") % {"done": covered, "need": len(required_codes)}
        if missing:
            figures += "，" + _("missing %(codes)s") % {"codes": "、".join(missing)}
        checks.append(RequirementCheck(code, label, not missing, figures))
    return checks


def _hours_checks(*, teacher_id: int, rule: LevelRule, today: dt.date) -> list[RequirementCheck]:
    totals = hours_totals(teacher_id=teacher_id, today=today)
    first_year = today.year - rule.hours_window_years + 1
    in_window = {key: hours for key, hours in totals.by_year_kind.items() if first_year <= key[0] <= today.year}
    total = sum(in_window.values(), ZERO)
    window = _("%(first)s–%(last)s") % {"first": first_year, "last": today.year}
    checks = [
        RequirementCheck(
            "hours", _("Hours %(window)s") % {"window": window}, total >= rule.hours_total_min,
            _("%(done)s/%(need)s hours") % {"done": _hours(total), "need": _hours(rule.hours_total_min)},
        )
    ]
    labels = dict(HoursKind.choices)
    for kind, minimum in rule.kind_minimums().items():
        done = sum((hours for (year, k), hours in in_window.items() if k == kind), ZERO)
        checks.append(RequirementCheck(
            f"hours_{kind}", str(labels.get(kind, kind)), done >= minimum,
            _("%(done)s/%(need)s hours") % {"done": _hours(done), "need": _hours(minimum)},
        ))
    return checks


def level_eligibility(*, teacher: Teacher, level: CertificationLevel, today: dt.date | None = None) -> Eligibility:
    """Every requirement of the level's rule in force, met or unmet, with its figures."""
    today = today or timezone.localdate()
    rule = level_rule_in_force(level=level, today=today)
    if rule is None:
        check = RequirementCheck("rule", _("Requirements"), False, _("no requirements are in force for this level"))
        return Eligibility(teacher.pk, level, None, [check])
    checks: list[RequirementCheck] = []
    prerequisite = _prerequisite_check(teacher_id=teacher.pk, rule=rule, today=today)
    if prerequisite is not None:
        checks.append(prerequisite)
    checks += _competency_checks(teacher_id=teacher.pk, rule=rule)
    checks += _hours_checks(teacher_id=teacher.pk, rule=rule, today=today)
    return Eligibility(teacher.pk, level, rule, checks)


def levels_in_use() -> list[CertificationLevel]:
    return list(CertificationLevel.objects.filter(is_active=True).order_by("rank"))
