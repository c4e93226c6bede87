"""The five reports for one node of the viewer's jurisdiction: SQL groups → frames → labelled tables and
charts. The page, its Excel export and the benchmark all call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.api import HoursKind, HoursPolicy, hours_policy_current
from lms.api import Organisation, OrganisationKind, SchoolStage, Subject

from ..access import UserLike
from ..models import CertificationLevel
from . import frames, sql
from .charts import Series, bar_chart, line_chart
from .scope import child_key_length, report_children, report_node
from .tables import Chart, Report, ReportTable, hours_text, report_table

TREND_YEARS = 10  # the trends page looks this many years back


@dataclass(frozen=True)
class ReportFilters:
    stage: str = ""
    subject: str = ""
    year: int | None = None  # the cycle holding it, the indicator's last year, or the review year


class ReportNodeUnknown(Http404):
    """Unknown and outside the viewer's jurisdiction alike."""


def authorised_node(*, user: UserLike, node: Organisation) -> Organisation:
    checked = report_node(user=user, node_id=node.pk)
    if checked is None:
        raise ReportNodeUnknown
    return checked


def _subtree(node: Organisation, filters: ReportFilters) -> sql.Subtree:
    return sql.Subtree(node.path, child_key_length(node), filters.stage, filters.subject)


def _layout(node: Organisation) -> tuple[list[Organisation], list[tuple[str, list[str], bool]]]:
    """The children, and the tables a node gets: (key, group columns, keep empty rows). A region's first
    table has one row per child; a school's, one per stage and subject."""
    children = list(report_children(node=node))
    first = ("stage_subject", ["stage", "subject"], False) if node.kind == OrganisationKind.SCHOOL else ("child", ["child"], True)
    return children, [first, ("stage", ["stage"], False), ("subject", ["subject"], False)]


def _order(children: list[Organisation]) -> dict[str, list[str]]:
    return {"child": [child.path for child in children], "stage": list(SchoolStage.values), "subject": list(Subject.values)}


def _policy(today: dt.date) -> HoursPolicy:
    return hours_policy_current(on=today)


def _caps_note(policy: HoursPolicy) -> str:
    kinds = dict(HoursKind.choices)
    caps = "，".join(f"{kinds.get(kind, kind)} ≤ {hours_text(cap)}" for kind, cap in sorted(policy.caps().items()))
    return _("Counted after the caps per kind: %(caps)s.") % {"caps": caps} if caps else ""


def cycle_years_for(*, policy: HoursPolicy, year: int) -> tuple[int, int]:
    start = policy.cycle_start_for(year)
    return start, start + policy.cycle_years - 1


def completion_report(
    *, user: UserLike, node: Organisation, filters: ReportFilters = ReportFilters(), today: dt.date | None = None
) -> Report:
    """Teachers, with hours in the cycle, reaching the cycle target after caps, completion %, mean and median."""
    node, today = authorised_node(user=user, node=node), today or timezone.localdate()
    policy = _policy(today)
    first, last = cycle_years_for(policy=policy, year=filters.year or today.year)
    children, layout = _layout(node)
    chunks = sql.completion_teacher_rows(subtree=_subtree(node, filters), first_year=first, last_year=last, caps=policy.caps())
    teachers = frames.teacher_hours_frame(
        chunks, children=[child.path for child in children] or [node.path], stages=SchoolStage.values, subjects=Subject.values,
    )  # a school has no children: its teachers all carry its own path
    tables = [
        report_table(
            frames.completion_frame(teachers, by=by, target=policy.cycle_target_hours, keep_empty=keep),
            key=key, children=children,
        )
        for key, by, keep in layout
    ]
    notes = [
        _("Cycle %(first)s–%(last)s; target %(target)s hours (policy %(policy)s).")
        % {"first": first, "last": last, "target": hours_text(policy.cycle_target_hours), "policy": str(policy)},
        _caps_note(policy),
    ]
    main = tables[0]
    chart = Chart(_("Completion %"), bar_chart(
        title=_("Completion %"), labels=[row.label for row in main.body()],
        series=[Series(_("Completion %"), main.column("completion_pct"))], unit="%",
    ))
    return Report("completion", _("Completion and hours"), node, tables, len(teachers), [n for n in notes if n], [chart])


def indicator_report(
    *, user: UserLike, node: Organisation, filters: ReportFilters = ReportFilters(), today: dt.date | None = None
) -> Report:
    """Teachers whose counted hours over the last cycle-length years reach the cycle target (the county
    quality indicator "teachers with 360 hours in the last 5 years" under the default policy)."""
    node, today = authorised_node(user=user, node=node), today or timezone.localdate()
    policy = _policy(today)
    last = filters.year or today.year
    first = last - policy.cycle_years + 1
    children, layout = _layout(node)
    rows = sql.indicator_groups(
        subtree=_subtree(node, filters), first_year=first, last_year=last, caps=policy.caps(), target=policy.cycle_target_hours
    )
    order = _order(children)
    reached_label = _("With %(hours)s hours") % {"hours": hours_text(policy.cycle_target_hours)}
    tables = [
        report_table(frames.indicator_frame(rows, by=by, order=order, keep_empty=keep), key=key, children=children,
                     extra_labels={"reached": reached_label})
        for key, by, keep in layout
    ]
    title = _("Teachers with %(hours)s hours in the last %(years)s years") % {
        "hours": hours_text(policy.cycle_target_hours), "years": policy.cycle_years,
    }
    notes = [_("Years %(first)s–%(last)s; hours counted after the policy's caps per kind.") % {"first": first, "last": last}]
    main = tables[0]
    chart = Chart(title, bar_chart(
        title=title, labels=[row.label for row in main.body()], series=[Series(_("Share %"), main.column("share_pct"))], unit="%",
    ))
    return Report("indicator", title, node, tables, _covered(main), notes, [chart])


def _covered(table: ReportTable) -> int:
    total = next((row for row in table.rows if row.is_total), None)
    return int(total.values[0]) if total is not None else 0


def levels_report(
    *, user: UserLike, node: Organisation, filters: ReportFilters = ReportFilters(), today: dt.date | None = None
) -> Report:
    """Teachers by their highest valid certificate today, without one, and with a suspended or revoked one."""
    node, today = authorised_node(user=user, node=node), today or timezone.localdate()
    children, layout = _layout(node)
    levels = list(CertificationLevel.objects.order_by("rank", "code"))
    ranks = sorted({level.rank for level in levels})
    rank_labels = {f"rank_{rank}": " / ".join(level.name for level in levels if level.rank == rank) for rank in ranks}
    rows = sql.level_groups(subtree=_subtree(node, filters), today=today)
    order = _order(children)
    tables = [
        report_table(frames.levels_frame(rows, by=by, ranks=ranks, order=order, keep_empty=keep), key=key,
                     children=children, extra_labels=rank_labels)
        for key, by, keep in layout
    ]
    notes = [
        _("Highest certificate valid on %(day)s. Suspended and revoked count teachers holding such a certificate.")
        % {"day": today.isoformat()}
    ]
    main = tables[0]
    series = [Series(rank_labels[column], main.column(column)) for column in rank_labels]
    series.append(Series(_("No valid certificate"), main.column("none")))
    chart = Chart(_("Certification levels"), bar_chart(
        title=_("Certification levels"), labels=[row.label for row in main.body()], series=series,
    ))
    return Report("levels", _("Certification levels"), node, tables, _covered(main), notes, [chart])


def annual_default_year(*, today: dt.date | None = None) -> int:
    years = sql.outcome_years()
    return years[0] if years else (today or timezone.localdate()).year - 1


def annual_report(
    *, user: UserLike, node: Organisation, filters: ReportFilters = ReportFilters(), today: dt.date | None = None
) -> Report:
    """Renewed / warned / suspended teachers of a review year (their worst standing decision) and not reviewed."""
    node = authorised_node(user=user, node=node)
    year = filters.year or annual_default_year(today=today)
    children, layout = _layout(node)
    rows = sql.annual_groups(subtree=_subtree(node, filters), year=year)
    order = _order(children)
    tables = [
        report_table(frames.annual_frame(rows, by=by, order=order, keep_empty=keep), key=key, children=children)
        for key, by, keep in layout
    ]
    notes = [_("Annual review %(year)s: the latest decision on each certificate counts; a teacher counts once, by the "
               "most serious outcome.") % {"year": year}]
    main = tables[0]
    chart = Chart(_("Annual review outcomes"), bar_chart(
        title=_("Annual review outcomes"), labels=[row.label for row in main.body()],
        series=[Series(_("Renewed"), main.column("renewed")), Series(_("Warned"), main.column("warned")),
                Series(_("Suspended"), main.column("suspended"))],
    ))
    return Report("annual", _("Annual review outcomes"), node, tables, _covered(main), notes, [chart])


def trends_report(
    *, user: UserLike, node: Organisation, filters: ReportFilters = ReportFilters(), today: dt.date | None = None
) -> Report:
    """Per year over the node's subtree: hours recorded, teachers with hours, certificates issued, outcomes."""
    node, today = authorised_node(user=user, node=node), today or timezone.localdate()
    last = today.year
    first = last - TREND_YEARS + 1
    subtree = _subtree(node, filters)
    frame = frames.trends_frame(
        years=range(first, last + 1),
        hours=sql.trend_hours(subtree=subtree, first_year=first, last_year=last),
        certificates=sql.trend_certificates(subtree=subtree, first_day=dt.date(first, 1, 1), last_day=dt.date(last, 12, 31)),
        outcomes=sql.trend_outcomes(subtree=subtree, first_year=first, last_year=last),
    )
    active = frame[(frame != 0).any(axis=1)]
    if not active.empty:  # from the first year with anything recorded
        frame = frame.loc[active.index.min():]
    table = report_table(frame, key="year")
    labels = [row.label for row in table.rows]
    charts = [
        Chart(_("Hours recorded"), line_chart(
            title=_("Hours recorded"), labels=labels, series=[Series(_("Hours recorded"), table.column("hours"))],
        )),
        Chart(_("Teachers, certificates and outcomes"), line_chart(
            title=_("Teachers, certificates and outcomes"), labels=labels,
            series=[Series(str(label), table.column(key)) for key, label in table.columns if key != "hours"],
        )),
    ]
    notes = [_("Net hours after reversing entries; certificates by the day they were issued.")]
    return Report("trends", _("Trends by year"), node, [table], sql.teacher_count(subtree=subtree), notes, charts)


REPORTS = {
    "completion": completion_report,
    "indicator": indicator_report,
    "levels": levels_report,
    "annual": annual_report,
    "trends": trends_report,
}

