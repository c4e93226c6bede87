"""The long export's rows: every teacher of a subtree the viewer may read, with their figures, gathered per
keyset chunk of teachers in four queries (teachers, cycle hours, hours of the indicator's years, levels)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from courses.api import HoursPolicy, cycle_totals_for_teachers, hours_policy_current
from lms.api import Organisation, SchoolStage, Subject, Teacher

from ..access import UserLike, teachers_readable_by
from ..models import Certificate, CertificateStatus
from .build import ReportFilters, cycle_years_for
from .sql import IN_SERVICE
from .tables import hours_text

CHUNK = 5000  # teachers per round of queries: bounded memory and query size


@dataclass(frozen=True)
class TeacherExportPlan:
    """The spans of years and the target one export counts against (fixed when the job starts)."""

    policy: HoursPolicy
    cycle: tuple[int, int]
    window: tuple[int, int]
    today: dt.date


def teacher_export_plan(*, filters: ReportFilters, today: dt.date) -> TeacherExportPlan:
    """The cycle holding the chosen year (this year's by default); the indicator's years end with that cycle's
    last year, or this year while the cycle is still running."""
    policy = hours_policy_current(on=today)
    cycle = cycle_years_for(policy=policy, year=filters.year or today.year)
    last = min(cycle[1], today.year)
    return TeacherExportPlan(policy=policy, cycle=cycle, window=(last - policy.cycle_years + 1, last), today=today)


def teacher_export_teachers(*, user: UserLike, node: Organisation, filters: ReportFilters) -> QuerySet[Teacher]:
    """The teachers of the node's subtree in service, within what the user may read (the caller has checked
    the node itself against the user's jurisdiction)."""
    teachers = teachers_readable_by(user=user).filter(school__path__startswith=node.path, employment_status__in=IN_SERVICE)
    if filters.stage:
        teachers = teachers.filter(stage=filters.stage)
    if filters.subject:
        teachers = teachers.filter(subject=filters.subject)
    return teachers


def teacher_export_headers(*, plan: TeacherExportPlan) -> list[str]:
    target = hours_text(plan.policy.cycle_target_hours)
    return [
        _("Name"), _("ID number"), _("School"), _("School stage"), _("Subject"),
        _("Hours counted in cycle %(first)s–%(last)s") % {"first": plan.cycle[0], "last": plan.cycle[1]},
        _("Reached the cycle target"),
        _("%(hours)s hours in %(first)s–%(last)s") % {"hours": target, "first": plan.window[0], "last": plan.window[1]},
        _("Certification level"),
    ]


def teacher_export_chunks(*, teachers: QuerySet[Teacher], plan: TeacherExportPlan) -> Iterator[list[list[Any]]]:
    """Keyset pages by primary key: each chunk is four queries however deep into the subtree it is."""
    stages, subjects = dict(SchoolStage.choices), dict(Subject.choices)
    yes, no, none = _("Yes"), _("No"), _("None")
    target = plan.policy.cycle_target_hours
    last = 0
    while True:
        chunk = list(
            teachers.filter(pk__gt=last).order_by("pk")
            .values_list("pk", "real_name", "id_number_masked", "school__name", "stage", "subject")[:CHUNK]
        )
        if not chunk:
            return
        ids = [row[0] for row in chunk]
        cycle = cycle_totals_for_teachers(teachers=ids, cycle_start_year=plan.cycle[0], policy=plan.policy)
        window = cycle_totals_for_teachers(teachers=ids, cycle_start_year=plan.window[0], policy=plan.policy)
        best: dict[int, tuple[int, str]] = {}
        held = Certificate.objects.filter(
            teacher_id__in=ids, status=CertificateStatus.VALID, issued_on__lte=plan.today, valid_until__gte=plan.today
        )
        for teacher_id, rank, name in held.values_list("teacher_id", "level__rank", "level__name"):
            if teacher_id not in best or rank > best[teacher_id][0]:
                best[teacher_id] = (rank, name)
        rows = []
        for pk, name, masked, school, stage, subject in chunk:
            counted = cycle[pk].counted if pk in cycle else 0
            in_window = window[pk].counted if pk in window else 0
            rows.append([
                name, masked, school, str(stages.get(stage, stage)), str(subjects.get(subject, subject)),
                float(counted), yes if counted >= target else no, yes if in_window >= target else no,
                best[pk][1] if pk in best else none,
            ])
        yield rows
        if len(chunk) < CHUNK:
            return
        last = chunk[-1][0]
