"""The teacher dashboard (我的学习): courses and progress, hours against the targets as a chart,
upcoming sessions and deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from courses.data import HoursTotals
from courses.models import HoursKind
from courses.selectors import hours_totals, my_course_progress, my_upcoming
from lms.api import teacher_for_user

CHART_WIDTH = 520  # px of the longest bar


@dataclass(frozen=True)
class ChartRow:
    label: str
    year: Decimal
    cycle: Decimal
    year_width: int
    cycle_width: int


def hours_chart(*, totals: HoursTotals, year: int) -> tuple[list[ChartRow], int]:
    """Bars per kind (this year, this cycle) on one scale that fits the largest figure and the yearly
    minimum (the cycle target has its own progress bar); returns rows and the minimum marker's x."""
    cycle = totals.cycle_for(year)
    this_year = totals.year_by_kind(year)
    minimum = cycle.yearly_minimum if cycle else Decimal(0)
    largest = max([minimum, *(cycle.by_kind.values() if cycle else []), *this_year.values(), Decimal(1)])
    scale = Decimal(CHART_WIDTH) / (largest * Decimal("1.1"))
    rows = [
        ChartRow(
            label=str(label),
            year=this_year.get(kind, Decimal(0)),
            cycle=cycle.by_kind.get(kind, Decimal(0)) if cycle else Decimal(0),
            year_width=int(this_year.get(kind, Decimal(0)) * scale),
            cycle_width=int((cycle.by_kind.get(kind, Decimal(0)) if cycle else 0) * scale),
        )
        for kind, label in HoursKind.choices
    ]
    minimum_x = int(minimum * scale)
    return rows, minimum_x


@login_required
def my_courses(request: HttpRequest) -> HttpResponse:
    teacher = teacher_for_user(user=request.user)
    if teacher is None:
        return redirect("lms:home")
    year = timezone.localdate().year
    totals = hours_totals(teacher_id=teacher.pk)
    cycle = totals.cycle_for(year)
    rows, minimum_x = hours_chart(totals=totals, year=year)
    progress = my_course_progress(teacher=teacher)
    context = {
        "teacher": teacher,
        "year": year,
        "year_total": totals.by_year.get(year, Decimal(0)),
        "cycle": cycle,
        "chart_rows": rows,
        "chart_width": CHART_WIDTH,
        "chart_height": 40 + 44 * len(rows),
        "minimum_x": minimum_x,
        "progress": progress,
        "upcoming": my_upcoming(teacher=teacher, progress=progress),
    }
    return render(request, "courses/dashboard.html", context)
