"""Eligibility explained, issuance by hand and nightly, numbering, status changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from certification.eligibility import level_eligibility
from certification.issuance import certificates_issue_newly_eligible
from certification.models import (
    Certificate,
    CertificateEvent,
    CertificateSequence,
    EligibilityDecision,
    EventKind,
    IssueMode,
    LevelRule,
)
from certification.numbering import number_pattern_check
from certification.services import (
    IssueRefused,
    certificate_issue,
    certificate_reinstate,
    certificate_revoke,
    certificate_suspend,
)
from tests.certification_setup import basic_eligible, cert_world, competencies_pass, hours_give
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def world(tree):
    return cert_world(tree)


def test_eligibility_lists_every_requirement_with_its_figures(world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    competencies_pass(teacher, ["A1", "A3"])
    hours_give(teacher, hours=24, kind="online", year=2026)
    hours_give(teacher, hours=18, kind="school_based", year=2025)
    hours_give(teacher, hours=40, kind="online", year=2020)  # outside the three-year window
    result = level_eligibility(teacher=teacher, level=world.basic, today=TODAY)
    checks = {c.code: c for c in result.requirements}
    assert not result.eligible and result.rule == world.basic_rule
    assert checks["competencies"].figures == "已通过 2/3 个" and not checks["competencies"].met
    assert checks["hours"].figures == "已完成 42/50 学时" and not checks["hours"].met
    assert checks["hours"].label == "2024–2026 学时"
    assert checks["hours_school_based"].figures == "已完成 18/25 学时"
    assert set(result.unmet) == {"已通过能力点：已通过 2/3 个", "2024–2026 学时：已完成 42/50 学时", "校本研修：已完成 18/25 学时"}


def test_eligible_once_every_requirement_is_met(world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    result = level_eligibility(teacher=teacher, level=world.basic, today=TODAY)
    assert result.eligible, result.unmet
    assert all(c.met for c in result.requirements)


def test_prerequisite_level_required_and_counted_when_held(world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    competencies_pass(teacher, ["A10", "A11"])
    hours_give(teacher, hours=50, kind="centralised", year=2026)
    before = level_eligibility(teacher=teacher, level=world.middle, today=TODAY)
    assert [c.code for c in before.requirements if not c.met] == ["prerequisite"]
    certificate_issue(teacher=teacher, level=world.basic, today=TODAY)
    assert level_eligibility(teacher=teacher, level=world.middle, today=TODAY).eligible


def test_required_codes_and_environments(world):
    rule = world.basic_rule
    rule.competencies_required = ["A1", "B6"]
    rule.environments_required = ["A", "B"]
    rule.save()
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    checks = {c.code: c for c in level_eligibility(teacher=teacher, level=world.basic, today=TODAY).requirements}
    assert checks["required_codes"].figures == "缺少 B6" and not checks["required_codes"].met
    assert not checks["environments"].met and "缺少 B" in checks["environments"].figures
    competencies_pass(teacher, ["B6"])
    assert level_eligibility(teacher=teacher, level=world.basic, today=TODAY).eligible


def test_no_rule_in_force_is_never_eligible(world):
    LevelRule.objects.filter(level=world.basic).update(is_active=False)
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    result = level_eligibility(teacher=teacher, level=world.basic, today=TODAY)
    assert not result.eligible and result.rule is None


def test_manual_issue_to_ineligible_teacher_is_refused_with_unmet_requirements(world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    competencies_pass(teacher, ["A1"])
    with pytest.raises(IssueRefused) as refused:
        certificate_issue(teacher=teacher, level=world.basic, today=TODAY)
    assert "已通过能力点：已通过 1/3 个" in refused.value.unmet
    assert not Certificate.objects.exists() and not CertificateSequence.objects.exists()
    decision = EligibilityDecision.objects.get()
    assert decision.eligible is False and decision.rule == world.basic_rule


def test_issue_numbers_by_issuer_and_year_and_records_rule_and_history(world):
    a = make_teacher(school=world.tree.school_a1_1, real_name="王小明")  # county a1 issues for its schools
    b = make_teacher(school=world.tree.school_a1_2, real_name="李小红")
    c = make_teacher(school=world.tree.school_b1_1, real_name="赵大海")  # city b: the province issues
    for teacher in (a, b, c):
        basic_eligible(teacher)
    first = certificate_issue(teacher=a, level=world.basic, today=TODAY).certificate
    second = certificate_issue(teacher=b, level=world.basic, today=TODAY).certificate
    third = certificate_issue(teacher=c, level=world.basic, today=TODAY).certificate
    assert (first.number, second.number, third.number) == ("9901012026000001", "9901012026000002", "9900002026000001")
    assert first.issuer == world.county_issuer and third.issuer == world.province_issuer
    assert first.rule == world.basic_rule and first.valid_until == dt.date(2031, 5, 31)
    assert first.explanation[0]["met"] is True
    assert [e.kind for e in first.events.all()] == [EventKind.ISSUED]


def test_issuing_twice_issues_once(world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    first = certificate_issue(teacher=teacher, level=world.basic, today=TODAY)
    again = certificate_issue(teacher=teacher, level=world.basic, today=TODAY)
    assert first.created and not again.created and again.certificate == first.certificate
    assert Certificate.objects.count() == 1 and CertificateSequence.objects.get().last_value == 1


def test_custom_number_pattern_and_year_restart(world):
    world.province_issuer.number_pattern = "JS-{year}-{level}-{seq:04d}"
    world.province_issuer.save()
    teacher = make_teacher(school=world.tree.school_b1_1, real_name="赵大海")
    other = make_teacher(school=world.tree.school_b1_1, real_name="钱多多")
    basic_eligible(teacher, year=2026)
    basic_eligible(other, year=2027)
    assert certificate_issue(teacher=teacher, level=world.basic, today=TODAY).certificate.number == "JS-2026-basic-0001"
    next_year = certificate_issue(teacher=other, level=world.basic, today=dt.date(2027, 1, 5)).certificate
    assert next_year.number == "JS-2027-basic-0001"


@pytest.mark.parametrize("pattern", ["{region}{year}", "{region}{seq:06d}{oops}", "{seq:06d}/x", "{seq:06d}" + "9" * 40])
def test_bad_number_patterns_are_refused(pattern):
    with pytest.raises(ValidationError):
        number_pattern_check(pattern)


def test_expired_certificate_is_replaced_by_a_new_one_when_eligible_again(world):
    LevelRule.objects.filter(pk=world.basic_rule.pk).update(validity_years=1)
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher, year=2025)
    old = certificate_issue(teacher=teacher, level=world.basic, today=dt.date(2025, 6, 1)).certificate
    later = dt.date(2026, 6, 2)
    hours_give(teacher, hours=30, kind="school_based", year=2026)
    hours_give(teacher, hours=20, kind="online", year=2026)
    assert old.valid_until == dt.date(2026, 5, 31) and old.status_on(later) == "expired"
    new = certificate_issue(teacher=teacher, level=world.basic, today=later).certificate
    old.refresh_from_db()
    assert new != old and not old.is_current and new.is_current and new.number.endswith("2026000001")


def test_nightly_run_issues_to_the_newly_eligible_lowest_level_first_and_is_idempotent(world):
    ready = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(ready)
    competencies_pass(ready, ["A10", "A11"])
    hours_give(ready, hours=50, kind="centralised", year=2026)
    not_ready = make_teacher(school=world.tree.school_a1_1, real_name="李小红")
    competencies_pass(not_ready, ["A1", "A3", "A6"])  # no hours
    assert certificates_issue_newly_eligible(today=TODAY) == {"basic": 1, "middle": 1, "high": 0}
    assert certificates_issue_newly_eligible(today=TODAY) == {"basic": 0, "middle": 0, "high": 0}
    held = Certificate.objects.filter(teacher=ready)
    assert sorted(held.values_list("level__code", flat=True)) == ["basic", "middle"]
    assert set(held.values_list("mode", flat=True)) == {IssueMode.AUTOMATIC}
    assert not Certificate.objects.filter(teacher=not_ready).exists()


def test_suspend_reinstate_revoke_keep_history_and_never_delete(world, django_user_model):
    admin = django_user_model.objects.create_user("boss")
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    certificate = certificate_issue(teacher=teacher, level=world.basic, today=TODAY).certificate
    certificate_suspend(certificate=certificate, reason_code="misconduct", by=admin, effective_on=dt.date(2026, 7, 1))
    certificate.refresh_from_db()
    assert certificate.status == "suspended" and certificate.status_changed_on == dt.date(2026, 7, 1)
    certificate_reinstate(certificate=certificate, reason_code="resolved", by=admin)
    certificate_revoke(certificate=certificate, reason_code="fraud", reason_text="教学设计抄袭", by=admin)
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and not certificate.is_current
    kinds = list(CertificateEvent.objects.filter(certificate=certificate).values_list("kind", "reason_code"))
    assert kinds == [("issued", ""), ("suspended", "misconduct"), ("reinstated", "resolved"), ("revoked", "fraud")]


@pytest.mark.parametrize(
    ("action", "reason", "text", "message"),
    [
        (certificate_reinstate, "resolved", "", "不能"),  # a valid certificate cannot be reinstated
        (certificate_suspend, "bogus", "", "请选择原因"),
        (certificate_suspend, "other", "  ", "请说明"),
    ],
)
def test_bad_status_changes_are_refused_and_change_nothing(world, action, reason, text, message):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    certificate = certificate_issue(teacher=teacher, level=world.basic, today=TODAY).certificate
    with pytest.raises(ValidationError) as error:
        action(certificate=certificate, reason_code=reason, reason_text=text)
    assert message in " ".join(error.value.messages)
    certificate.refresh_from_db()
    assert certificate.status == "valid" and certificate.events.count() == 1


def test_revoked_certificate_cannot_be_changed_again(world):
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    certificate = certificate_issue(teacher=teacher, level=world.basic, today=TODAY).certificate
    certificate_revoke(certificate=certificate, reason_code="issued_in_error")
    for action in (certificate_suspend, certificate_reinstate, certificate_revoke):
        with pytest.raises(ValidationError):
            action(certificate=certificate, reason_code="other", reason_text="再试一次")
    assert certificate.events.count() == 2
