"""A teacher's own hours: this year and this cycle by kind against the targets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from courses.models import HoursKind
from courses.selectors import hours_ledger, hours_totals
from lms.api import teacher_for_user


@login_required
def my_hours(request: HttpRequest) -> HttpResponse:
    teacher = teacher_for_user(user=request.user)
    if teacher is None:
        return render(request, "courses/hours_me.html", {"teacher": None}, status=404)
    year = timezone.localdate().year
    totals = hours_totals(teacher_id=teacher.pk)
    cycle = totals.cycle_for(year)
    this_year = totals.year_by_kind(year)
    kinds = [
        {
            "label": label,
            "year": this_year.get(kind, 0),
            "cycle": cycle.by_kind.get(kind, 0) if cycle else 0,
            "percent": min(100, int(cycle.by_kind.get(kind, 0) * 100 / cycle.target)) if cycle and cycle.target else 0,
        }
        for kind, label in HoursKind.choices
    ]
    year_total = totals.by_year.get(year, 0)
    minimum = cycle.yearly_minimum if cycle else 0
    context = {
        "teacher": teacher,
        "totals": totals,
        "cycle": cycle,
        "year": year,
        "year_total": year_total,
        "year_percent": min(100, int(year_total * 100 / minimum)) if minimum else 100,
        "kinds": kinds,
        "entries": hours_ledger(teacher_id=teacher.pk)[:200],
    }
    return render(request, "courses/hours_me.html", context)
