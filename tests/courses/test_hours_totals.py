"""Totals derived from the ledger per year, kind and cycle, under a named policy version."""

from __future__ import annotations

import datetime as dt
import importlib
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import HoursKind, HoursPolicy, HoursSource
from courses.selectors import cycle_totals_for_teachers, hours_policy_current, hours_totals
from courses.services import hours_award, hours_reverse
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db
_keys = itertools.count()
TODAY = dt.date(2024, 6, 1)


def give(teacher, hours, kind=HoursKind.ONLINE, year=2023):
    return hours_award(
        teacher_id=teacher.pk, hours=hours, kind=kind, year=year, source_type=HoursSource.MANUAL,
        source_ref="manual", idempotency_key=f"t{next(_keys)}", recognised_by=None,
    )


@pytest.fixture
def teacher(tree):
    return make_teacher(school=tree.school_a1_1)


def test_the_data_migration_creates_the_default_policy():
    from django.apps import apps

    migration = importlib.import_module("courses.migrations.0002_hours_ledger_append_only_and_default_policy")
    HoursPolicy.objects.all().delete()
    migration.default_policy(apps, None)
    policy = hours_policy_current()
    assert policy.version == 1
    assert (policy.cycle_years, policy.cycle_start_year, policy.cycle_target_hours) == (5, 2021, Decimal(360))
    assert (policy.yearly_minimum_hours, policy.probation_target_hours) == (Decimal(24), Decimal(120))


def test_cycles_run_2021_2025_then_2026_2030():
    policy = hours_policy_current()
    assert [policy.cycle_start_for(y) for y in (2016, 2020, 2021, 2025, 2026, 2030, 2031)] == [
        2016, 2016, 2021, 2021, 2026, 2026, 2031
    ]


def test_totals_per_year_kind_and_cycle(teacher):
    give(teacher, "30", HoursKind.ONLINE, 2021)
    give(teacher, "20.5", HoursKind.CENTRALISED, 2021)
    give(teacher, "40", HoursKind.ONLINE, 2022)
    give(teacher, "10", HoursKind.SCHOOL_BASED, 2024)
    give(teacher, "8", HoursKind.ONLINE, 2026)
    policy = HoursPolicy.objects.create(name="无上限", version=9, effective_from=dt.date(2030, 1, 1), kind_caps={})
    totals = hours_totals(teacher_id=teacher.pk, policy=policy, today=TODAY)
    assert totals.policy_version == 9
    assert totals.by_year == {2021: Decimal("50.5"), 2022: Decimal(40), 2024: Decimal(10), 2026: Decimal(8)}
    assert totals.by_kind[HoursKind.ONLINE] == Decimal(78)
    assert totals.total == Decimal("108.5")
    cycle = totals.cycle_for(2024)
    assert (cycle.start_year, cycle.end_year, cycle.target) == (2021, 2025, Decimal(360))
    assert cycle.total == cycle.counted == Decimal("100.5")
    assert cycle.remaining == Decimal("259.5") and not cycle.reached and cycle.progress_percent == 27
    # 2023 has nothing, 2024 has 10 of 24; 2025 lies in the future of TODAY.
    assert cycle.yearly_shortfalls == {2023: Decimal(24), 2024: Decimal(14)}
    assert totals.cycle_for(2027).total == Decimal(8)


def test_a_cap_limits_what_a_kind_counts_toward_the_cycle(teacher):
    give(teacher, "60", HoursKind.RECOGNISED, 2022)
    give(teacher, "50", HoursKind.RECOGNISED, 2023)
    give(teacher, "10", HoursKind.ONLINE, 2023)
    totals = hours_totals(teacher_id=teacher.pk, today=TODAY)  # default policy: recognised ≤ 72 per cycle
    cycle = totals.cycle_for(2023)
    assert cycle.total == Decimal(120) and cycle.counted == Decimal(82)
    assert cycle.counted_by_kind[HoursKind.RECOGNISED] == Decimal(72)
    assert totals.policy_version == 1


def test_a_reversal_takes_the_hours_back_out(teacher):
    entry = give(teacher, "30")
    give(teacher, "5")
    hours_reverse(entry=entry, reason="错误", by=None)
    assert hours_totals(teacher_id=teacher.pk, today=TODAY).by_year == {2023: Decimal(5)}


def test_the_newest_effective_policy_is_used(teacher):
    HoursPolicy.objects.create(name="新规则", version=2, effective_from=dt.date(2024, 1, 1), cycle_target_hours=300)
    HoursPolicy.objects.create(name="未来规则", version=3, effective_from=dt.date(2099, 1, 1))
    totals = hours_totals(teacher_id=teacher.pk, today=TODAY)
    assert totals.policy_version == 2 and totals.cycle_for(2024).target == Decimal(300)


def test_totals_take_one_query_for_the_entries(teacher):
    for year in range(2021, 2025):
        for kind in HoursKind.values:
            give(teacher, "3", kind, year)
    policy = hours_policy_current()
    with CaptureQueriesContext(connection) as queries:
        hours_totals(teacher_id=teacher.pk, policy=policy, today=TODAY)
    assert len(queries) == 1 and "GROUP BY" in queries[0]["sql"]


def test_cycle_totals_for_many_teachers_in_one_query(tree, teacher):
    other = make_teacher(school=tree.school_b1_1)
    nobody = make_teacher(school=tree.school_b1_1)
    give(teacher, "100", HoursKind.RECOGNISED, 2021)
    give(teacher, "10", HoursKind.ONLINE, 2025)
    give(teacher, "99", HoursKind.ONLINE, 2026)  # next cycle: not counted
    give(other, "200", HoursKind.ONLINE, 2022)
    give(other, "170", HoursKind.CENTRALISED, 2023)
    policy = hours_policy_current()
    with CaptureQueriesContext(connection) as queries:
        result = cycle_totals_for_teachers(teachers=[teacher.pk, other.pk, nobody.pk], cycle_start_year=2021, policy=policy)
    assert len(queries) == 1
    assert (result[teacher.pk].total, result[teacher.pk].counted) == (Decimal(110), Decimal(82))
    assert result[other.pk].counted == Decimal(370) and result[other.pk].reached
    assert nobody.pk not in result
    from lms.models import Teacher

    by_queryset = cycle_totals_for_teachers(
        teachers=Teacher.objects.filter(school=tree.school_b1_1), cycle_start_year=2021, policy=policy
    )
    assert set(by_queryset) == {other.pk}
