"""Report figures against a small hand-counted world (today = 2025-06-30; policy: 5-year cycles from 2021,
target 360 hours, recognised activities capped at 72 a cycle).

    county_a1 / school_a1_1 (primary)           county_a1 / school_a1_2 (junior)     county_a2 / school_a2_1 (senior)
    T1 maths:   280 online 2023 + 100 recognised 2024   T4 maths: 360 centralised 2022      T6 physics: 380 online 2021
                → recorded 380, counted 352 (cap)       T5 english: 380 online 2020         T7 maths, RETIRED: 500 online 2023
    T2 chinese: 100 school-based 2025                           + 50 online 2025                (never counted)
                (+40 online 2025, reversed)
    T3 maths:   no hours

Cycle 2021–2025 at county_a1: a1_1 → 3 teachers, 2 with hours, 0 reached, mean 150.7, median 100;
a1_2 → 2, 2, 1 (T4), 50 %, mean 205, median 205; total 5, 4, 1, 20 %, mean 172.4, median 100.
Indicator (≥ 360 counted hours): years 2021–2025 → T4 only (1 of 5 in county_a1); years 2020–2024 → T4, T5.
Levels today: T1 basic + middle (highest: middle), T2 basic, T3 basic suspended, T4 basic expired 2024-12-31,
T5 basic revoked, T6 high; T7 basic (retired, not counted).
Annual review 2025 (latest revision per certificate): T1 renewed (its basic went warned → renewed), T2 warned,
T3 suspended, T4/T5 not reviewed; T6 warned (renewed → warned). 2024: T5 renewed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from certification.models import AnnualReviewOutcome, AnnualReviewRule, AnnualReviewRun, Certificate
from certification.reports.build import (
    ReportFilters,
    ReportNodeUnknown,
    annual_report,
    completion_report,
    indicator_report,
    levels_report,
    trends_report,
)
from courses.api import HoursEntry, hours_award, hours_reverse
from lms.api import Role, Teacher
from tests.certification_setup import CertWorld, cert_world, certificate_make
from tests.factories import Tree, make_teacher, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 30)


@dataclass
class ReportsWorld:
    tree: Tree
    certs: CertWorld
    teachers: dict[str, Teacher]


def _outcome(world: CertWorld, run: AnnualReviewRun, certificate: Certificate, *, year: int, revision: int, outcome: str) -> None:
    AnnualReviewOutcome.objects.create(
        certificate=certificate, teacher=certificate.teacher, year=year, revision=revision, outcome=outcome, reasons=[],
        hours=0, grade="", inputs=f"{year}:{revision}", rule=run.rule, run=run, recorded_at=timezone.now(),
    )


def hours_many(teacher: Teacher, *, hours: int, kind: str, year: int) -> None:
    """Entries of at most 200 hours (the ledger's limit per entry) adding up to `hours`."""
    part = 0
    while hours > 0:
        piece, part = min(hours, 200), part + 1
        hours_award(
            teacher_id=teacher.pk, hours=piece, kind=kind, year=year, source_type="manual", source_ref="test",
            idempotency_key=f"reports:{teacher.pk}:{kind}:{year}:{part}", recognised_by=None,
        )
        hours -= piece


def reports_world_build(tree: Tree) -> ReportsWorld:
    certs = cert_world(tree)
    t = {
        "T1": make_teacher(school=tree.school_a1_1, real_name="张一", stage="primary", subject="maths"),
        "T2": make_teacher(school=tree.school_a1_1, real_name="李二", stage="primary", subject="chinese"),
        "T3": make_teacher(school=tree.school_a1_1, real_name="王三", stage="primary", subject="maths"),
        "T4": make_teacher(school=tree.school_a1_2, real_name="赵四", stage="junior", subject="maths"),
        "T5": make_teacher(school=tree.school_a1_2, real_name="钱五", stage="junior", subject="english"),
        "T6": make_teacher(school=tree.school_a2_1, real_name="孙六", stage="senior", subject="physics"),
        "T7": make_teacher(school=tree.school_a2_1, real_name="周七", stage="senior", subject="maths", employment_status="retired"),
    }
    hours_many(t["T1"], hours=280, kind="online", year=2023)
    hours_many(t["T1"], hours=100, kind="recognised", year=2024)
    hours_many(t["T2"], hours=100, kind="school_based", year=2025)
    hours_many(t["T2"], hours=40, kind="online", year=2025)
    hours_reverse(entry=HoursEntry.objects.get(teacher=t["T2"], kind="online"), reason="录入错误", by=None)
    hours_many(t["T4"], hours=360, kind="centralised", year=2022)
    hours_many(t["T5"], hours=380, kind="online", year=2020)
    hours_many(t["T5"], hours=50, kind="online", year=2025)
    hours_many(t["T6"], hours=380, kind="online", year=2021)
    hours_many(t["T7"], hours=500, kind="online", year=2023)

    issuer = certs.province_issuer
    t1_basic = certificate_make(teacher=t["T1"], rule=certs.basic_rule, issuer=issuer, issued_on=dt.date(2025, 1, 10))
    t1_middle = certificate_make(teacher=t["T1"], rule=certs.middle_rule, issuer=issuer, issued_on=dt.date(2025, 3, 1))
    t2_basic = certificate_make(teacher=t["T2"], rule=certs.basic_rule, issuer=issuer, issued_on=dt.date(2025, 2, 1))
    t3_basic = certificate_make(teacher=t["T3"], rule=certs.basic_rule, issuer=issuer, issued_on=dt.date(2025, 2, 1))
    Certificate.objects.filter(pk=t3_basic.pk).update(status="suspended")
    certificate_make(teacher=t["T4"], rule=certs.basic_rule, issuer=issuer, issued_on=dt.date(2019, 6, 1),
                     valid_until=dt.date(2024, 12, 31))
    t5_basic = certificate_make(teacher=t["T5"], rule=certs.basic_rule, issuer=issuer, issued_on=dt.date(2023, 5, 1))
    Certificate.objects.filter(pk=t5_basic.pk).update(status="revoked", is_current=False)
    t6_high = certificate_make(teacher=t["T6"], rule=certs.high_rule, issuer=issuer, issued_on=dt.date(2024, 9, 1))
    certificate_make(teacher=t["T7"], rule=certs.basic_rule, issuer=issuer, issued_on=dt.date(2024, 9, 1))

    rule = AnnualReviewRule.objects.create(version=1, effective_from=dt.date(2024, 1, 1))
    run = AnnualReviewRun.objects.create(year=2025, region=tree.province, rule=rule)
    _outcome(certs, run, t1_basic, year=2025, revision=1, outcome="warned")
    _outcome(certs, run, t1_basic, year=2025, revision=2, outcome="renewed")
    _outcome(certs, run, t1_middle, year=2025, revision=1, outcome="renewed")
    _outcome(certs, run, t2_basic, year=2025, revision=1, outcome="warned")
    _outcome(certs, run, t3_basic, year=2025, revision=1, outcome="suspended")
    _outcome(certs, run, t5_basic, year=2024, revision=1, outcome="renewed")
    _outcome(certs, run, t6_high, year=2025, revision=1, outcome="renewed")
    _outcome(certs, run, t6_high, year=2025, revision=2, outcome="warned")
    return ReportsWorld(tree, certs, t)


@pytest.fixture
def reports_world(tree) -> ReportsWorld:
    return reports_world_build(tree)


@pytest.fixture
def province_admin(tree):
    return make_user("province_admin", role=Role.PROVINCE_ADMIN, organisation=tree.province)


def _row(table, label):
    row = next(row for row in table.rows if row.label == label)
    return dict(zip([key for key, _label in table.columns], row.values))


def test_completion_counts_capped_hours_per_school_with_means_medians_and_a_total(reports_world, province_admin):
    tree = reports_world.tree
    report = completion_report(user=province_admin, node=tree.county_a1, today=TODAY)
    table = report.table("child")
    assert [row.label for row in table.rows] == ["甲一县第一小学", "甲一县实验中学", "合计"]
    assert [row.node_id for row in table.rows] == [tree.school_a1_1.pk, tree.school_a1_2.pk, None]
    assert _row(table, "甲一县第一小学") == {
        "teachers": 3, "with_hours": 2, "reached": 0, "completion_pct": 0.0, "mean_hours": 150.7, "median_hours": 100.0,
    }
    assert _row(table, "甲一县实验中学") == {
        "teachers": 2, "with_hours": 2, "reached": 1, "completion_pct": 50.0, "mean_hours": 205.0, "median_hours": 205.0,
    }
    assert _row(table, "合计") == {
        "teachers": 5, "with_hours": 4, "reached": 1, "completion_pct": 20.0, "mean_hours": 172.4, "median_hours": 100.0,
    }
    assert report.teachers == 5
    assert any("2021–2025" in note and "360" in note for note in report.notes)
    assert "<svg" in report.charts[0].svg and "甲一县第一小学" in report.charts[0].svg


def test_completion_by_stage_and_subject_and_filters(reports_world, province_admin):
    tree = reports_world.tree
    report = completion_report(user=province_admin, node=tree.county_a1, today=TODAY)
    assert _row(report.table("stage"), "小学")["teachers"] == 3
    assert _row(report.table("stage"), "初中")["reached"] == 1
    maths = _row(report.table("subject"), "数学")
    assert (maths["teachers"], maths["reached"]) == (3, 1)
    only_maths = completion_report(user=province_admin, node=tree.county_a1, filters=ReportFilters(subject="maths"), today=TODAY)
    assert _row(only_maths.table("child"), "合计")["teachers"] == 3
    assert _row(only_maths.table("child"), "甲一县实验中学")["teachers"] == 1
    earlier = completion_report(user=province_admin, node=tree.county_a1, filters=ReportFilters(year=2019), today=TODAY)
    total = _row(earlier.table("child"), "合计")  # cycle 2016–2020: only T5's 380 hours of 2020
    assert (total["with_hours"], total["reached"]) == (1, 1)


def test_drill_down_levels_province_cities_and_a_school_by_stage_and_subject(reports_world, province_admin):
    tree = reports_world.tree
    province = completion_report(user=province_admin, node=tree.province, today=TODAY).table("child")
    assert [row.label for row in province.rows] == ["甲市", "乙市", "合计"]  # the empty city is listed with zeros
    assert _row(province, "甲市") == {
        "teachers": 6, "with_hours": 5, "reached": 2, "completion_pct": 33.3, "mean_hours": 207.0, "median_hours": 226.0,
    }
    assert _row(province, "乙市")["teachers"] == 0
    city = completion_report(user=province_admin, node=tree.city_a, today=TODAY).table("child")
    assert [row.label for row in city.rows] == ["甲一县", "甲二区", "合计"]
    assert _row(city, "甲二区")["reached"] == 1  # T6; retired T7 is not counted
    school = completion_report(user=province_admin, node=tree.school_a1_1, today=TODAY)
    first = school.tables[0]
    assert first.key == "stage_subject" and all(row.node_id is None for row in first.rows)
    assert _row(first, "小学 · 数学")["teachers"] == 2


def test_indicator_counts_teachers_with_the_target_in_the_last_five_years(reports_world, province_admin):
    tree = reports_world.tree
    now = indicator_report(user=province_admin, node=tree.county_a1, today=TODAY).table("child")
    assert _row(now, "合计") == {"teachers": 5, "reached": 1, "share_pct": 20.0}
    assert _row(now, "甲一县第一小学")["reached"] == 0  # T1: 380 recorded, only 352 counted
    before = indicator_report(user=province_admin, node=tree.county_a1, filters=ReportFilters(year=2024), today=TODAY)
    assert _row(before.table("child"), "甲一县实验中学") == {"teachers": 2, "reached": 2, "share_pct": 100.0}
    assert "360" in before.title and "5" in before.title


def test_levels_count_highest_valid_certificate_none_suspended_and_revoked(reports_world, province_admin):
    tree = reports_world.tree
    report = levels_report(user=province_admin, node=tree.county_a1, today=TODAY)
    table = report.table("child")
    headers = dict(table.columns)
    assert (headers["rank_1"], headers["rank_2"], headers["rank_3"]) == ("初级", "中级", "高级")
    assert _row(table, "甲一县第一小学") == {
        "teachers": 3, "rank_1": 1, "rank_2": 1, "rank_3": 0, "none": 1, "suspended": 1, "revoked": 0,
    }
    assert _row(table, "甲一县实验中学") == {
        "teachers": 2, "rank_1": 0, "rank_2": 0, "rank_3": 0, "none": 2, "suspended": 0, "revoked": 1,
    }
    city = levels_report(user=province_admin, node=tree.city_a, today=TODAY).table("child")
    assert _row(city, "甲二区") == {"teachers": 1, "rank_1": 0, "rank_2": 0, "rank_3": 1, "none": 0, "suspended": 0, "revoked": 0}


def test_annual_outcomes_count_the_latest_revision_once_per_teacher(reports_world, province_admin):
    tree = reports_world.tree
    report = annual_report(user=province_admin, node=tree.city_a, filters=ReportFilters(year=2025), today=TODAY)
    table = report.table("child")
    assert _row(table, "甲一县") == {"teachers": 5, "renewed": 1, "warned": 1, "suspended": 1, "not_reviewed": 2}
    assert _row(table, "甲二区") == {"teachers": 1, "renewed": 0, "warned": 1, "suspended": 0, "not_reviewed": 0}
    earlier = annual_report(user=province_admin, node=tree.county_a1, filters=ReportFilters(year=2024), today=TODAY)
    assert _row(earlier.table("child"), "甲一县实验中学")["renewed"] == 1
    assert annual_report(user=province_admin, node=tree.county_a1, today=TODAY).notes[0].count("2025") == 1  # latest year


def test_trends_give_net_hours_teachers_certificates_and_outcomes_per_year(reports_world, province_admin):
    tree = reports_world.tree
    report = trends_report(user=province_admin, node=tree.county_a1, today=TODAY)
    assert report.teachers == 5  # in service in the county, whether or not they have hours
    table = report.table("year")
    rows = {row.label: dict(zip([key for key, _ in table.columns], row.values)) for row in table.rows}
    assert list(rows) == ["2019", "2020", "2021", "2022", "2023", "2024", "2025"]  # from the first year with anything
    assert rows["2019"]["certificates"] == 1  # T4's, long expired
    assert (rows["2020"]["hours"], rows["2020"]["teachers_with_hours"]) == (380.0, 1)
    assert (rows["2025"]["hours"], rows["2025"]["teachers_with_hours"]) == (150.0, 2)  # T2's 40 reversed
    assert rows["2025"]["certificates"] == 4
    assert (rows["2025"]["renewed"], rows["2025"]["warned"], rows["2025"]["suspended"]) == (1, 1, 1)
    assert rows["2024"]["renewed"] == 1


def test_a_node_outside_the_jurisdiction_is_unknown_to_the_builders(reports_world):
    tree = reports_world.tree
    county_admin = make_user("a2_admin", role=Role.COUNTY_ADMIN, organisation=tree.county_a2)
    with pytest.raises(ReportNodeUnknown):
        completion_report(user=county_admin, node=tree.county_a1, today=TODAY)
    with pytest.raises(ReportNodeUnknown):
        levels_report(user=county_admin, node=tree.city_a, today=TODAY)
    own = completion_report(user=county_admin, node=tree.county_a2, today=TODAY).table("child")
    assert _row(own, "合计")["teachers"] == 1
