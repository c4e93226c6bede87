"""The annual review run: outcomes with reasons per rule, idempotent re-runs, a changed grade recorded as a
new revision with its status change, county fan-out with counts rolled up, the yearly task and the command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from certification.annual.run import annual_review_county_run, annual_review_start, annual_review_yearly
from certification.annual.selectors import annual_outcomes_for_teacher
from certification.models import (
    AnnualReviewOutcome,
    AnnualReviewRule,
    AnnualReviewRun,
    AppraisalRecord,
    Certificate,
    CertificateEvent,
    CertificateStatus,
)
from tests.certification_setup import cert_world, certificate_make, hours_give
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db
YEAR = 2025


def holder(world, school, name: str, *, hours: int | None = 30, grade: str | None = "qualified", year: int = YEAR):
    """A teacher of `school` with a 初级 certificate valid in `year`, the year's hours and appraisal grade."""
    teacher = make_teacher(school=school, real_name=name)
    certificate = certificate_make(teacher=teacher, rule=world.basic_rule, issuer=world.province_issuer, issued_on=dt.date(2024, 3, 1))
    if hours:
        hours_give(teacher, hours=hours, year=year)
    if grade:
        AppraisalRecord.objects.create(teacher=teacher, year=year, grade=grade)
    return certificate


def run_county(county, *, year: int = YEAR) -> AnnualReviewRun:
    """A county run executed in-process (what the Celery task does)."""
    rule = AnnualReviewRule.objects.order_by("-version").first()
    if rule is None:
        from certification.annual.run import annual_review_rule_for

        rule = annual_review_rule_for(year=year)
    run = AnnualReviewRun.objects.create(year=year, region=county, rule=rule)
    return annual_review_county_run(run_id=run.pk)


def latest(certificate: Certificate, year: int = YEAR) -> AnnualReviewOutcome:
    return AnnualReviewOutcome.objects.filter(certificate=certificate, year=year).order_by("-revision").first()


def events(certificate: Certificate) -> list[tuple[str, str]]:
    return list(CertificateEvent.objects.filter(certificate=certificate).order_by("pk").values_list("kind", "reason_code"))


@pytest.fixture
def world(tree):
    return cert_world(tree)


def test_outcomes_follow_the_rules_with_reasons_and_figures(tree, world):
    school = tree.school_a1_1
    good = holder(world, school, "好老师", hours=30, grade="excellent")
    basic = holder(world, school, "基本老师", hours=30, grade="basic")
    short = holder(world, school, "少时老师", hours=10, grade="qualified")
    missing = holder(world, school, "缺考老师", hours=30, grade=None)
    failed = holder(world, school, "不合格老师", hours=30, grade="unqualified")
    both = holder(world, school, "双差老师", hours=None, grade="basic")
    run = run_county(tree.county_a1)
    assert run.state == AnnualReviewRun.State.DONE, run.error
    expected = {
        good: ("renewed", []), basic: ("warned", ["appraisal_basic"]), short: ("warned", ["hours_short"]),
        missing: ("warned", ["appraisal_missing"]), failed: ("suspended", ["appraisal_unqualified"]),
        both: ("warned", ["hours_short", "appraisal_basic"]),
    }
    for certificate, (outcome, reasons) in expected.items():
        row = latest(certificate)
        assert (row.outcome, row.reasons, row.revision) == (outcome, reasons, 1), certificate.holder_name
    assert latest(short).hours == Decimal("10.0") and latest(short).grade == "qualified"
    assert latest(missing).grade == "" and latest(both).hours == Decimal("0")
    failed.refresh_from_db()
    assert failed.status == CertificateStatus.SUSPENDED and failed.status_changed_on is not None
    assert events(failed)[-1] == ("suspended", "appraisal")
    suspension = CertificateEvent.objects.filter(certificate=failed, kind="suspended").get()
    assert suspension.review_year == YEAR and "grade unqualified" in suspension.reason_text
    assert events(good)[-1] == ("renewed", "") and events(short)[-1] == ("warned", "hours_short")
    assert Certificate.objects.get(pk=basic.pk).status == CertificateStatus.VALID
    assert run.counts["reviewed"] == 6 and run.counts["written"] == 6
    assert (run.counts["renewed"], run.counts["warned"], run.counts["suspended"]) == (1, 4, 1)


def test_rule_mapping_is_data_and_hours_minimum_counts_reversals(tree, world):
    AnnualReviewRule.objects.create(
        version=1, effective_from=dt.date(2020, 1, 1), yearly_minimum_hours=Decimal(40), outcome_basic="renewed",
        outcome_hours_short="suspended", warnings_before_suspension=0,
    )
    basic = holder(world, tree.school_a1_1, "基本老师", hours=45, grade="basic")
    reversed_ = holder(world, tree.school_a1_1, "冲销老师", hours=45, grade="qualified")
    from courses.api import HoursEntry, hours_reverse

    hours_reverse(entry=HoursEntry.objects.get(teacher=reversed_.teacher), reason="误录", by=None)
    run_county(tree.county_a1)
    assert (latest(basic).outcome, latest(basic).reasons) == ("renewed", [])
    assert (latest(reversed_).outcome, latest(reversed_).reasons) == ("suspended", ["hours_short"])
    assert latest(reversed_).hours == Decimal("0")
    assert events(reversed_)[-1] == ("suspended", "hours_short")


def test_consecutive_warnings_suspend(tree, world):
    certificate = holder(world, tree.school_a1_1, "屡警老师", hours=30, grade="basic", year=YEAR - 1)
    hours_give(certificate.teacher, hours=30, year=YEAR)
    AppraisalRecord.objects.create(teacher=certificate.teacher, year=YEAR, grade="basic")
    run_county(tree.county_a1, year=YEAR - 1)
    assert latest(certificate, YEAR - 1).outcome == "warned"
    run_county(tree.county_a1, year=YEAR)
    row = latest(certificate)
    assert (row.outcome, row.reasons) == ("suspended", ["appraisal_basic", "repeated_warning"])
    assert row.inputs.split("|")[2] == "w1"
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    assert events(certificate)[-2:] == [("warned", "appraisal"), ("suspended", "appraisal")]


def test_rerun_with_unchanged_inputs_writes_nothing(tree, world):
    holder(world, tree.school_a1_1, "甲老师", grade="basic")
    holder(world, tree.school_a1_1, "乙老师", grade="unqualified")
    run_county(tree.county_a1)
    before = (AnnualReviewOutcome.objects.count(), CertificateEvent.objects.count(),
              list(Certificate.objects.order_by("pk").values_list("status", flat=True)))
    again = run_county(tree.county_a1)
    after = (AnnualReviewOutcome.objects.count(), CertificateEvent.objects.count(),
             list(Certificate.objects.order_by("pk").values_list("status", flat=True)))
    assert after == before
    assert (again.counts["written"], again.counts["unchanged"], again.counts["reviewed"]) == (0, 2, 2)


def test_changed_grade_writes_a_new_revision_and_the_status_change(tree, world):
    certificate = holder(world, tree.school_a1_1, "更正老师", grade="unqualified")
    run_county(tree.county_a1)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    AppraisalRecord.objects.create(teacher=certificate.teacher, year=YEAR, grade="qualified")  # the correction
    run = run_county(tree.county_a1)
    revisions = list(AnnualReviewOutcome.objects.filter(certificate=certificate).order_by("revision").values_list("revision", "outcome"))
    assert revisions == [(1, "suspended"), (2, "renewed")]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert events(certificate)[-3:] == [("suspended", "appraisal"), ("reinstated", "resolved"), ("renewed", "")]
    assert (run.counts["changed"], run.counts["status_reinstated"]) == (1, 1)
    # ... and back: a later correction to 不合格 suspends again.
    AppraisalRecord.objects.create(teacher=certificate.teacher, year=YEAR, grade="unqualified")
    run_county(tree.county_a1)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED and latest(certificate).revision == 3


def test_manual_suspension_and_revocation_are_left_alone(tree, world):
    from certification.models import CertificateEvent as Event

    manual = holder(world, tree.school_a1_1, "停证老师", grade="qualified")
    Event.objects.create(certificate=manual, kind="suspended", reason_code="misconduct", effective_on=dt.date(2025, 5, 1))
    Certificate.objects.filter(pk=manual.pk).update(status=CertificateStatus.SUSPENDED)
    revoked = holder(world, tree.school_a1_1, "撤证老师", grade="qualified")
    Certificate.objects.filter(pk=revoked.pk).update(status=CertificateStatus.REVOKED)
    old = make_teacher(school=tree.school_a1_1, real_name="过期老师")
    expired = certificate_make(teacher=old, rule=world.basic_rule, issuer=world.province_issuer,
                               issued_on=dt.date(2019, 1, 1), valid_until=dt.date(2024, 12, 31))
    run = run_county(tree.county_a1)
    assert run.counts["reviewed"] == 0
    for certificate in (manual, revoked, expired):
        assert not AnnualReviewOutcome.objects.filter(certificate=certificate).exists()
    assert Certificate.objects.get(pk=manual.pk).status == CertificateStatus.SUSPENDED


def test_province_run_fans_out_per_county_and_rolls_up(tree, world, django_capture_on_commit_callbacks):
    holder(world, tree.school_a1_1, "一县老师", grade="qualified")
    holder(world, tree.school_a1_2, "一县二校老师", grade="basic")
    holder(world, tree.school_a2_1, "二区老师", grade="unqualified")
    holder(world, tree.school_b1_1, "乙县老师", grade=None)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        parent = annual_review_start(year=YEAR, region=tree.province, by=None)
    assert len(callbacks) == 3
    parent.refresh_from_db()
    children = list(parent.children.order_by("region__code"))
    assert [c.region for c in children] == [tree.county_a1, tree.county_a2, tree.county_b1]
    assert [c.counts["reviewed"] for c in children] == [2, 1, 1]
    assert parent.state == AnnualReviewRun.State.DONE and parent.finished_at is not None
    assert parent.counts["reviewed"] == 4 and parent.counts["written"] == 4
    assert (parent.counts["renewed"], parent.counts["warned"], parent.counts["suspended"]) == (1, 2, 1)
    assert AnnualReviewOutcome.objects.filter(run__parent=parent).count() == 4


def test_yearly_task_runs_last_year_for_every_province(tree, world, django_capture_on_commit_callbacks):
    holder(world, tree.school_a1_1, "年度老师", grade="qualified")
    with django_capture_on_commit_callbacks(execute=True):
        runs = annual_review_yearly(today=dt.date(YEAR + 1, 1, 15))
    assert [(r.year, r.region) for r in runs] == [(YEAR, tree.province)]
    assert AnnualReviewOutcome.objects.filter(year=YEAR).count() == 1


def test_management_command_runs_a_region(tree, world, capsys):
    certificate = holder(world, tree.school_b1_1, "命令老师", grade="basic")
    call_command("annual_review_run", year=YEAR, region="990200")
    assert latest(certificate).outcome == "warned"
    assert "warned" in capsys.readouterr().out


def test_teacher_sees_own_outcomes(tree, world):
    certificate = holder(world, tree.school_a1_1, "本人老师", grade="qualified")
    AppraisalRecord.objects.create(teacher=certificate.teacher, year=YEAR, grade="basic")
    run_county(tree.county_a1)
    rows = annual_outcomes_for_teacher(teacher_id=certificate.teacher_id)
    assert [(r.year, r.outcome, r.reasons) for r in rows] == [(YEAR, "warned", ["appraisal_basic"])]
    assert annual_outcomes_for_teacher(teacher_id=certificate.teacher_id + 999) == []
