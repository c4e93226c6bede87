"""Title-promotion eligibility (职称评审) for one teacher: each condition met and unmet with its figures,
no rule set, and a new rule version changing the result. The helpers here are shared with
test_titles_report.py."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from certification.models import AppraisalRecord, TitleRuleSet
from certification.titles.rules import title_eligibility, title_eligibility_all
from lms.models import Organisation, Teacher
from courses.api import hours_award
from tests.certification_setup import CertWorld, cert_world, certificate_make
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)  # current hours cycle 2026–2030; appraisals counted 2021–2025
GOOD_APPRAISALS = {2021: "qualified", 2022: "qualified", 2023: "excellent", 2024: "qualified", 2025: "qualified"}


def first_rule(world: CertWorld, **overrides: object) -> TitleRuleSet:
    """二级 → 一级: years by education, 360 hours this cycle, 中级 or above, five years 合格 or better with one 优秀."""
    fields: dict[str, object] = {
        "target_title": "first", "version": 1, "effective_from": dt.date(2024, 1, 1), "from_title": "second",
        "years_by_education": {"bachelor": 5, "master": 4, "college": 6}, "cycle_hours_min": Decimal(360),
        "min_level": world.middle, "appraisal_years": 5, "appraisal_min_grade": "qualified", "appraisal_excellent_min": 1,
    }
    fields.update(overrides)
    return TitleRuleSet.objects.create(**fields)


def hours_give(teacher: Teacher, *, hours: int, year: int) -> None:
    """Online hours through the ledger's service, in entries of at most 200 (its per-entry limit)."""
    part = 0
    while hours > 0:
        hours_award(
            teacher_id=teacher.pk, hours=min(hours, 200), kind="online", year=year, source_type="manual",
            source_ref="titles-test", idempotency_key=f"titles:{teacher.pk}:{year}:{part}", recognised_by=None,
        )
        hours, part = hours - 200, part + 1


def appraise(teacher: Teacher, grades: dict[int, str]) -> None:
    for year, grade in grades.items():
        AppraisalRecord.objects.create(teacher=teacher, year=year, grade=grade)


def candidate(
    world: CertWorld, *, school: Organisation | None = None, real_name: str = "王老师", education: str = "bachelor",
    conferred: dt.date | None = dt.date(2020, 3, 1), hours: int = 360, certificate: bool = True,
    appraisals: dict[int, str] | None = None, title: str = "second",
) -> Teacher:
    """A 二级 teacher who meets first_rule on TODAY unless told otherwise."""
    teacher = make_teacher(
        school=school or world.tree.school_a1_1, real_name=real_name, title=title, title_conferred_on=conferred,
    )
    Teacher.objects.filter(pk=teacher.pk).update(education=education)  # the roster service takes no education
    teacher.refresh_from_db()
    if hours:
        hours_give(teacher, hours=hours, year=2026)
    if certificate:
        certificate_make(teacher=teacher, rule=world.middle_rule, issuer=world.county_issuer, issued_on=dt.date(2025, 6, 1))
    appraise(teacher, GOOD_APPRAISALS if appraisals is None else appraisals)
    return teacher


@pytest.fixture
def world(tree):
    return cert_world(tree)


def _checks(result):
    return {check.code: check for check in result.checks}


def test_a_teacher_meeting_every_condition_is_eligible_with_the_figures(world):
    first_rule(world)
    result = title_eligibility(teacher=candidate(world), target_title="first", today=TODAY)
    checks = _checks(result)
    assert result.eligible and result.version == 1
    assert list(checks) == ["title", "years", "cycle_hours", "level", "appraisals", "appraisal_excellent"]
    assert checks["title"].figures == "现职称 二级教师 / 需 二级教师"
    assert checks["years"].figures == "任现职 6 年 / 需 5 年（本科）"
    assert checks["cycle_hours"].figures == "本周期 360/360 学时（2026–2030）"
    assert checks["level"].figures == "最高能力等级 中级 / 需 中级"
    assert checks["appraisals"].figures == "近 5 年（2021–2025）考核：优秀×1、合格×4；低于合格 0 年"
    assert checks["appraisal_excellent"].figures == "优秀 1/1 次"


def test_figures_are_in_english_for_an_english_reader(world):
    first_rule(world)
    teacher = candidate(world)
    with translation.override("en"):
        checks = _checks(title_eligibility(teacher=teacher, target_title="first", today=TODAY))
    assert checks["years"].figures == "6 years in the current title / required 5 years (Bachelor's degree)"
    assert checks["cycle_hours"].figures == "this cycle 360/360 hours (2026–2030)"


def test_the_wrong_current_title_is_unmet(world):
    first_rule(world)
    result = title_eligibility(teacher=candidate(world, title="third"), target_title="first", today=TODAY)
    assert not result.eligible
    assert not _checks(result)["title"].met and _checks(result)["title"].figures == "现职称 三级教师 / 需 二级教师"


def test_years_needed_depend_on_education(world):
    first_rule(world)
    conferred = dt.date(2021, 9, 1)  # 4 whole years on TODAY (the fifth completes on 2026-09-01)
    bachelor = title_eligibility(teacher=candidate(world, conferred=conferred, real_name="本科老师"), target_title="first", today=TODAY)
    master = title_eligibility(
        teacher=candidate(world, conferred=conferred, education="master", real_name="硕士老师"), target_title="first", today=TODAY,
    )
    assert not _checks(bachelor)["years"].met and _checks(bachelor)["years"].figures == "任现职 4 年 / 需 5 年（本科）"
    assert not bachelor.eligible
    assert _checks(master)["years"].met and _checks(master)["years"].figures == "任现职 4 年 / 需 4 年（硕士研究生）"
    assert master.eligible


def test_whole_years_count_to_the_day(world):
    first_rule(world)
    teacher = candidate(world, conferred=dt.date(2021, 6, 1))
    assert _checks(title_eligibility(teacher=teacher, target_title="first", today=TODAY))["years"].met
    assert not _checks(title_eligibility(teacher=teacher, target_title="first", today=dt.date(2026, 5, 31)))["years"].met


def test_an_education_the_rules_do_not_cover_is_unmet_with_a_clear_message(world):
    first_rule(world)  # no "" key: teachers without a recorded education are not covered
    result = title_eligibility(teacher=candidate(world, education=""), target_title="first", today=TODAY)
    years = _checks(result)["years"]
    assert not years.met and years.figures == "评审条件 v1 未规定“未登记”学历的任职年限"
    assert not result.eligible


def test_a_missing_conferral_date_is_unmet(world):
    first_rule(world)
    years = _checks(title_eligibility(teacher=candidate(world, conferred=None), target_title="first", today=TODAY))["years"]
    assert not years.met and years.figures == "未登记现职称取得时间 / 需 5 年（本科）"


def test_hours_short_of_the_minimum_are_unmet(world):
    first_rule(world)
    result = title_eligibility(teacher=candidate(world, hours=320), target_title="first", today=TODAY)
    hours = _checks(result)["cycle_hours"]
    assert not hours.met and hours.figures == "本周期 320/360 学时（2026–2030）"
    assert not result.eligible


def test_hours_of_the_previous_cycle_do_not_count(world):
    first_rule(world)
    teacher = candidate(world, hours=0)
    hours_give(teacher, hours=400, year=2025)
    hours = _checks(title_eligibility(teacher=teacher, target_title="first", today=TODAY))["cycle_hours"]
    assert not hours.met and hours.figures == "本周期 0/360 学时（2026–2030）"


def test_a_level_below_the_minimum_is_unmet(world):
    first_rule(world)
    teacher = candidate(world, certificate=False)
    certificate_make(teacher=teacher, rule=world.basic_rule, issuer=world.county_issuer)
    level = _checks(title_eligibility(teacher=teacher, target_title="first", today=TODAY))["level"]
    assert not level.met and level.figures == "最高能力等级 初级 / 需 中级"


def test_a_higher_level_counts(world):
    first_rule(world)
    teacher = candidate(world, certificate=False)
    certificate_make(teacher=teacher, rule=world.high_rule, issuer=world.county_issuer)
    level = _checks(title_eligibility(teacher=teacher, target_title="first", today=TODAY))["level"]
    assert level.met and level.figures == "最高能力等级 高级 / 需 中级"


def test_an_expired_or_suspended_certificate_does_not_count(world):
    first_rule(world)
    expired = candidate(world, certificate=False, real_name="过期老师")
    certificate_make(
        teacher=expired, rule=world.middle_rule, issuer=world.county_issuer, issued_on=dt.date(2021, 1, 1),
        valid_until=dt.date(2026, 5, 31),
    )
    suspended = candidate(world, real_name="暂停老师")
    suspended.certificates.update(status="suspended")
    for teacher in (expired, suspended):
        level = _checks(title_eligibility(teacher=teacher, target_title="first", today=TODAY))["level"]
        assert not level.met and level.figures == "无有效能力等级证书 / 需 中级"


def test_no_minimum_level_means_no_level_check(world):
    first_rule(world, min_level=None)
    result = title_eligibility(teacher=candidate(world, certificate=False), target_title="first", today=TODAY)
    assert "level" not in _checks(result) and result.eligible


def test_a_missing_appraisal_year_is_unmet(world):
    first_rule(world)
    grades = {year: grade for year, grade in GOOD_APPRAISALS.items() if year != 2022}
    result = title_eligibility(teacher=candidate(world, appraisals=grades), target_title="first", today=TODAY)
    appraisals = _checks(result)["appraisals"]
    assert not appraisals.met and not result.eligible
    assert appraisals.figures == "近 5 年（2021–2025）考核：优秀×1、合格×3；低于合格 0 年；缺 2022 年度考核记录"


def test_a_grade_below_the_minimum_is_unmet(world):
    first_rule(world)
    grades = {**GOOD_APPRAISALS, 2024: "basic"}
    appraisals = _checks(title_eligibility(teacher=candidate(world, appraisals=grades), target_title="first", today=TODAY))["appraisals"]
    assert not appraisals.met
    assert appraisals.figures == "近 5 年（2021–2025）考核：优秀×1、合格×3、基本合格×1；低于合格 1 年"


def test_a_corrected_appraisal_counts_and_this_years_does_not(world):
    first_rule(world)
    teacher = candidate(world, appraisals={**GOOD_APPRAISALS, 2024: "unqualified"})
    appraise(teacher, {2024: "qualified", 2026: "unqualified"})  # a correction, and a grade of the running year
    assert _checks(title_eligibility(teacher=teacher, target_title="first", today=TODAY))["appraisals"].met


def test_not_enough_excellent_is_unmet(world):
    first_rule(world, appraisal_excellent_min=2)
    result = title_eligibility(teacher=candidate(world), target_title="first", today=TODAY)
    checks = _checks(result)
    assert checks["appraisals"].met
    assert not checks["appraisal_excellent"].met and checks["appraisal_excellent"].figures == "优秀 1/2 次"
    assert not result.eligible


def test_no_rule_set_gives_a_clear_result_not_an_exception(world):
    first_rule(world)
    result = title_eligibility(teacher=candidate(world), target_title="senior", today=TODAY)
    assert not result.eligible and result.rule is None and result.version is None
    assert [(c.code, c.met, c.figures) for c in result.checks] == [("rule", False, "尚未规定晋升高级教师的评审条件。")]


def test_inactive_or_future_rule_sets_are_not_used(world):
    first_rule(world, is_active=False)
    first_rule(world, version=2, effective_from=dt.date(2027, 1, 1))
    result = title_eligibility(teacher=candidate(world), target_title="first", today=TODAY)
    assert result.rule is None and not result.eligible


def test_a_new_rule_version_changes_the_result_and_names_the_version(world):
    first_rule(world)
    teacher = candidate(world)
    assert title_eligibility(teacher=teacher, target_title="first", today=TODAY).eligible
    first_rule(world, version=2, years_by_education={"bachelor": 7, "master": 5})
    result = title_eligibility(teacher=teacher, target_title="first", today=TODAY)
    assert result.version == 2 and not result.eligible
    assert _checks(result)["years"].figures == "任现职 6 年 / 需 7 年（本科）"
    first_rule(world, version=3, is_active=False, years_by_education={"bachelor": 1})  # a draft changes nothing
    assert title_eligibility(teacher=teacher, target_title="first", today=TODAY).version == 2


def test_all_targets_list_the_teachers_next_title_first(world):
    first_rule(world)
    TitleRuleSet.objects.create(
        target_title="senior", version=1, effective_from=dt.date(2024, 1, 1), from_title="first",
        years_by_education={"bachelor": 5},
    )
    results = title_eligibility_all(teacher=candidate(world), today=TODAY)
    assert [r.target_title for r in results] == ["first", "senior"]
    senior = _checks(results[1])
    assert not senior["title"].met and senior["title"].figures == "现职称 二级教师 / 需 一级教师"
