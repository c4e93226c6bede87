"""Reads of the hours ledger: totals derived by aggregate SQL, never a loop over entries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from courses.data import ZERO, CycleHours, HoursTotals, TeacherCycleHours
from courses.models import HoursEntry, HoursImport, HoursKind, HoursPolicy


def hours_policy_current(*, on: dt.date | None = None) -> HoursPolicy:
    """The policy in force on a date: the latest effective one, the highest version on a tie."""
    on = on or timezone.localdate()
    policy = HoursPolicy.objects.filter(effective_from__lte=on).order_by("-effective_from", "-version").first()
    if policy is None:
        policy = HoursPolicy.objects.order_by("effective_from", "version").first()
    if policy is None:
        raise HoursPolicy.DoesNotExist("No hours policy is defined.")
    return policy


def hours_policies() -> QuerySet[HoursPolicy]:
    return HoursPolicy.objects.order_by("-version")


def hours_ledger(*, teacher_id: int) -> QuerySet[HoursEntry]:
    """A teacher's entries, newest first, with what reversed them (callers scope the teacher first)."""
    return (
        HoursEntry.objects.filter(teacher_id=teacher_id)
        .select_related("recognised_by", "reversed_by")
        .order_by("-year", "-recognised_at", "-id")
    )


def _cycle(
    policy: HoursPolicy, start: int, by_year_kind: dict[tuple[int, str], Decimal], this_year: int
) -> CycleHours:
    end = start + policy.cycle_years - 1
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (year, kind), hours in by_year_kind.items():
        if start <= year <= end:
            by_kind[kind] += hours
            by_year[year] += hours
    caps = policy.caps()
    counted_by_kind = {kind: min(hours, caps[kind]) if kind in caps else hours for kind, hours in by_kind.items()}
    minimum = policy.yearly_minimum_hours
    shortfalls = {
        year: minimum - by_year[year]
        for year in range(start, min(end, this_year) + 1)
        if minimum > 0 and by_year[year] < minimum
    }
    return CycleHours(
        start_year=start,
        end_year=end,
        target=policy.cycle_target_hours,
        total=sum(by_kind.values(), ZERO),
        counted=sum(counted_by_kind.values(), ZERO),
        by_kind=dict(by_kind),
        counted_by_kind=counted_by_kind,
        yearly_minimum=minimum,
        yearly_shortfalls=shortfalls,
    )


def hours_totals(*, teacher_id: int, policy: HoursPolicy | None = None, today: dt.date | None = None) -> HoursTotals:
    """Per year, kind and cycle, from one GROUP BY year, kind query over the teacher's entries."""
    policy = policy or hours_policy_current(on=today)
    this_year = (today or timezone.localdate()).year
    rows = (
        HoursEntry.objects.filter(teacher_id=teacher_id)
        .values_list("year", "kind")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    by_year_kind = {(year, kind): Decimal(total) for year, kind, total in rows}
    by_year: dict[int, Decimal] = defaultdict(lambda: ZERO)
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (year, kind), hours in by_year_kind.items():
        by_year[year] += hours
        by_kind[kind] += hours
    starts = {policy.cycle_start_for(year) for year in by_year} | {policy.cycle_start_for(this_year)}
    return HoursTotals(
        teacher_id=teacher_id,
        policy_version=policy.version,
        policy_name=policy.name,
        probation_target=policy.probation_target_hours,
        by_year_kind=by_year_kind,
        by_year=dict(sorted(by_year.items())),
        by_kind=dict(by_kind),
        total=sum(by_kind.values(), ZERO),
        cycles=[_cycle(policy, start, by_year_kind, this_year) for start in sorted(starts, reverse=True)],
    )


def cycle_totals_for_teachers(
    *,
    teachers: QuerySet | Iterable[int],
    cycle_start_year: int,
    policy: HoursPolicy | None = None,
) -> dict[int, TeacherCycleHours]:
    """Cycle totals for many teachers from one GROUP BY teacher, kind query; teachers without hours are absent."""
    policy = policy or hours_policy_current()
    end = cycle_start_year + policy.cycle_years - 1
    if isinstance(teachers, QuerySet):
        entries = HoursEntry.objects.filter(teacher__in=teachers.values("id"))
    else:
        entries = HoursEntry.objects.filter(teacher_id__in=list(teachers))
    rows = (
        entries.filter(year__gte=cycle_start_year, year__lte=end)
        .values_list("teacher_id", "kind")
        .annotate(total=Sum("hours"))
        .order_by()
    )
    caps = policy.caps()
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    counted: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for teacher_id, kind, hours in rows:  # one row per teacher and kind, not per entry
        totals[teacher_id] += hours
        counted[teacher_id] += min(hours, caps[kind]) if kind in caps else hours
    return {
        teacher_id: TeacherCycleHours(
            teacher_id=teacher_id, total=total, counted=counted[teacher_id], target=policy.cycle_target_hours
        )
        for teacher_id, total in totals.items()
    }


def hours_imports_by(*, user) -> QuerySet[HoursImport]:
    if user.is_superuser:
        return HoursImport.objects.all()
    return HoursImport.objects.filter(uploaded_by=user)


KIND_LABELS = dict(HoursKind.choices)
