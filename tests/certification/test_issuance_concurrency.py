"""PostgreSQL: issuance racing in many sessions issues once per teacher, and numbers stay unique and gap-free."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from certification.issuance import certificates_issue_newly_eligible
from certification.models import Certificate, CertificateSequence
from certification.services import IssueResult, certificate_issue
from tests.certification_setup import basic_eligible, cert_world
from tests.concurrency import race
from tests.factories import build_tree, make_teacher

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]
TODAY = dt.date(2026, 6, 1)
NAMES = ["王小明", "李小红", "赵大海", "钱多多", "孙悟空", "周星星", "吴晓光", "郑晓燕"]


def test_same_teacher_issued_at_once_gets_one_certificate():
    world = cert_world(build_tree())
    teacher = make_teacher(school=world.tree.school_a1_1, real_name="王小明")
    basic_eligible(teacher)
    results = race([lambda: certificate_issue(teacher=teacher, level=world.basic, today=TODAY)] * 6)
    assert all(isinstance(r, IssueResult) for r in results), results
    assert sum(r.created for r in results) == 1  # type: ignore[union-attr]
    assert Certificate.objects.count() == 1 and CertificateSequence.objects.get().last_value == 1


def test_many_teachers_at_once_are_numbered_without_gaps_or_duplicates():
    world = cert_world(build_tree())
    teachers = [make_teacher(school=world.tree.school_a1_1, real_name=name) for name in NAMES]
    for teacher in teachers:
        basic_eligible(teacher)
    results = race([lambda t=t: certificate_issue(teacher=t, level=world.basic, today=TODAY) for t in teachers])
    assert all(isinstance(r, IssueResult) and r.created for r in results), results
    values = sorted(Certificate.objects.values_list("sequence_value", flat=True))
    assert values == list(range(1, len(NAMES) + 1))
    assert Certificate.objects.values("number").distinct().count() == len(NAMES)


def test_two_nightly_runs_at_once_issue_each_certificate_once():
    world = cert_world(build_tree())
    for name in NAMES[:4]:
        basic_eligible(make_teacher(school=world.tree.school_a1_2, real_name=name))
    results = race([lambda: certificates_issue_newly_eligible(today=TODAY)] * 2)
    assert all(isinstance(r, dict) for r in results), results
    assert sum(r["basic"] for r in results) == 4  # type: ignore[index]
    assert sorted(Certificate.objects.values_list("sequence_value", flat=True)) == [1, 2, 3, 4]
