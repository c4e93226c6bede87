"""The annual review of one county as set-based SQL (SQLite and PostgreSQL): a staging table of every
reviewed certificate with its inputs and decision, the new outcome revisions, then the status changes
and history events of exactly those revisions. No Python loop over teachers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from courses.api import HoursEntry
from lms.api import Organisation, Teacher

from ..models import (
    AnnualReviewOutcome,
    AnnualReviewRule,
    AppraisalRecord,
    Certificate,
    CertificateEvent,
    EventKind,
    ReasonCode,
    ReviewOutcome,
)

RANK = {ReviewOutcome.RENEWED: 0, ReviewOutcome.WARNED: 1, ReviewOutcome.SUSPENDED: 2}
# Look no further back for consecutive warnings than any sane rule needs.
MAX_WARNING_YEARS = 10
# Events that change a certificate's status; renewed/warned notes do not.
STATUS_EVENT_KINDS = (EventKind.ISSUED, EventKind.SUSPENDED, EventKind.REINSTATED, EventKind.REVOKED)
LOCK_NAMESPACE = 0x4152  # "AR": keeps the annual review's advisory locks apart from anyone else's


@dataclass(frozen=True)
class CountyResult:
    reviewed: int
    written: int
    changed: int
    by_outcome: dict[str, int]
    suspended: int
    reinstated: int

    def as_counts(self) -> dict[str, int]:
        return {
            "reviewed": self.reviewed, "written": self.written, "changed": self.changed,
            "unchanged": self.reviewed - self.written, **self.by_outcome,
            "status_suspended": self.suspended, "status_reinstated": self.reinstated,
        }


def _q(name: str | None) -> str:
    return connection.ops.quote_name(name or "")


class _Tables:
    """Quoted table and column names from the models, so the SQL follows the schema."""

    cert = _q(Certificate._meta.db_table)
    event = _q(CertificateEvent._meta.db_table)
    outcome = _q(AnnualReviewOutcome._meta.db_table)
    appraisal = _q(AppraisalRecord._meta.db_table)
    hours = _q(HoursEntry._meta.db_table)
    teacher = _q(Teacher._meta.db_table)
    org = _q(Organisation._meta.db_table)
    h_teacher = _q(HoursEntry._meta.get_field("teacher").column)
    h_year = _q(HoursEntry._meta.get_field("year").column)
    h_hours = _q(HoursEntry._meta.get_field("hours").column)
    t_school = _q(Teacher._meta.get_field("school").column)


def advisory_lock(*, year: int, county_id: int) -> None:
    """PostgreSQL: two runs of the same county and year wait for each other (released at commit)."""
    if connection.vendor == "postgresql":
        key = (LOCK_NAMESPACE << 48) | (year << 32) | county_id
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _last_status_event_is_suspension(cert_ref: str, review_year_sql: str = "") -> str:
    """The certificate's last status-changing event is a suspension (by an annual review when
    `review_year_sql` is given, e.g. "IS NOT NULL" or "= %(year)s")."""
    kinds = ", ".join(f"'{kind}'" for kind in STATUS_EVENT_KINDS)
    year_condition = f" AND e.review_year {review_year_sql}" if review_year_sql else ""
    return (
        f"EXISTS (SELECT 1 FROM {_Tables.event} e WHERE e.certificate_id = {cert_ref} AND e.kind = 'suspended'"
        f"{year_condition} AND NOT EXISTS (SELECT 1 FROM {_Tables.event} e2 "
        f"WHERE e2.certificate_id = {cert_ref} AND e2.id > e.id AND e2.kind IN ({kinds})))"
    )


def _prior_warnings_sql(years: int) -> str:
    """Consecutive warned years just before this one, at most `years`: nested CASE over p1..pK."""
    expression = "0"
    for k in range(years, 0, -1):
        expression = f"CASE WHEN b.p{k} = 'warned' THEN {expression if k < years else years} ELSE {k - 1} END"
    return expression if years else "0"


def _rank_params(rule: AnnualReviewRule) -> dict[str, int]:
    return {
        "r_excellent": RANK[ReviewOutcome(rule.outcome_excellent)],
        "r_qualified": RANK[ReviewOutcome(rule.outcome_qualified)],
        "r_basic": RANK[ReviewOutcome(rule.outcome_basic)],
        "r_unqualified": RANK[ReviewOutcome(rule.outcome_unqualified)],
        "r_missing": RANK[ReviewOutcome(rule.outcome_missing_grade)],
        "r_short": RANK[ReviewOutcome(rule.outcome_hours_short)],
    }


def _fence() -> str:
    """Keeps a subquery from being merged into its parent, which would run each correlated look-up once
    per reference to its column instead of once per row."""
    return " OFFSET 0" if connection.vendor == "postgresql" else " LIMIT -1 OFFSET 0"


def _stage_sql(stage: str, *, warning_years: int) -> str:
    t = _Tables
    prior_lookups = "".join(
        f", (SELECT o.outcome FROM {t.outcome} o WHERE o.certificate_id = c.id AND o.year = %(year)s - {k} "
        f"ORDER BY o.revision DESC LIMIT 1) AS p{k}"
        for k in range(1, warning_years + 1)
    )

    def latest(column: str) -> str:
        # One index probe each (certificate, year, revision); a join here lets the planner pick a scan.
        return (
            f"(SELECT o.{column} FROM {t.outcome} o WHERE o.certificate_id = c.id AND o.year = %(year)s "
            f"ORDER BY o.revision DESC LIMIT 1)"
        )

    raw = (
        f"SELECT c.id AS certificate_id, c.teacher_id AS teacher_id, "
        f"(SELECT COALESCE(SUM(h.{t.h_hours}), 0) FROM {t.hours} h WHERE h.{t.h_teacher} = c.teacher_id "
        f"AND h.{t.h_year} = %(year)s) AS hours, "
        f"(SELECT a.grade FROM {t.appraisal} a WHERE a.teacher_id = c.teacher_id AND a.year = %(year)s "
        f"ORDER BY a.id DESC LIMIT 1) AS grade, "
        f"{latest('revision')} AS latest_revision, {latest('inputs')} AS latest_inputs, "
        f"{latest('outcome')} AS latest_outcome"
        f"{prior_lookups} "
        f"FROM {t.cert} c JOIN {t.teacher} te ON te.id = c.teacher_id JOIN {t.org} s ON s.id = te.{t.t_school} "
        f"WHERE s.path LIKE %(path)s AND c.issued_on <= %(last_day)s AND c.valid_until >= %(first_day)s "
        f"AND (c.status = 'valid' OR (c.status = 'suspended' AND "
        f"{_last_status_event_is_suspension('c.id', 'IS NOT NULL')})){_fence()}"
    )
    grade_rank = (
        "CASE b.grade WHEN 'excellent' THEN %(r_excellent)s WHEN 'qualified' THEN %(r_qualified)s "
        "WHEN 'basic' THEN %(r_basic)s WHEN 'unqualified' THEN %(r_unqualified)s ELSE %(r_missing)s END"
    )
    tenths = "CAST(ROUND(b.hours * 10) AS INTEGER)"
    ranked = (
        f"SELECT b.certificate_id, b.teacher_id, b.hours, b.grade, b.latest_revision, b.latest_inputs, "
        f"b.latest_outcome, {tenths} AS tenths, {grade_rank} AS grade_rank, "
        f"CASE WHEN b.hours < %(minimum)s THEN %(r_short)s ELSE 0 END AS hours_rank, "
        f"{_prior_warnings_sql(warning_years)} AS prior_warnings FROM ({raw}) b{_fence()}"
    )
    base = "CASE WHEN r.grade_rank >= r.hours_rank THEN r.grade_rank ELSE r.hours_rank END"
    repeated = f"CASE WHEN %(repeat_on)s = 1 AND {base} = 1 AND r.prior_warnings >= %(repeat_after)s THEN 1 ELSE 0 END"
    decided = (
        f"SELECT r.*, {base} AS base_rank, {repeated} AS repeated, "
        f"'h' || CAST(r.tenths AS TEXT) || '|g' || COALESCE(r.grade, '') || '|w' || CAST(r.prior_warnings AS TEXT) "
        f"|| '|r' || %(version)s AS inputs FROM ({ranked}) r{_fence()}"
    )
    reason_list = (
        "SUBSTR((CASE WHEN d.hours_rank > 0 THEN ',hours_short' ELSE '' END) || "
        "(CASE WHEN d.grade_rank > 0 THEN ',' || (CASE WHEN d.grade IS NULL THEN 'appraisal_missing' "
        "ELSE 'appraisal_' || d.grade END) ELSE '' END) || "
        "(CASE WHEN d.repeated = 1 THEN ',repeated_warning' ELSE '' END), 2)"
    )
    outcome = (
        "CASE WHEN d.repeated = 1 OR d.base_rank = 2 THEN 'suspended' WHEN d.base_rank = 1 THEN 'warned' "
        "ELSE 'renewed' END"
    )
    return (
        f"CREATE TEMP TABLE {stage} AS SELECT d.*, {outcome} AS outcome, {reason_list} AS reason_list, "
        f"CASE WHEN d.latest_revision IS NULL OR d.latest_inputs <> d.inputs THEN 1 ELSE 0 END AS is_new "
        f"FROM ({decided}) d"
    )


def _reasons_json() -> str:
    text = "CASE WHEN s.reason_list = '' THEN '[]' ELSE '[\"' || REPLACE(s.reason_list, ',', '\",\"') || '\"]' END"
    return f"CAST({text} AS jsonb)" if connection.vendor == "postgresql" else text


def _insert_outcomes_sql(stage: str) -> str:
    t = _Tables
    return (
        f"INSERT INTO {t.outcome} (certificate_id, teacher_id, year, revision, outcome, reasons, hours, grade, "
        f"inputs, rule_id, run_id, recorded_at) "
        f"SELECT s.certificate_id, s.teacher_id, %(year)s, COALESCE(s.latest_revision, 0) + 1, s.outcome, "
        f"{_reasons_json()}, s.hours, COALESCE(s.grade, ''), s.inputs, %(rule)s, %(run)s, %(now)s "
        f"FROM {stage} s WHERE s.is_new = 1 ON CONFLICT DO NOTHING"
    )


def _event_columns() -> str:
    return "(certificate_id, kind, reason_code, reason_text, effective_on, review_year, recorded_by_id, recorded_at)"


def _reason_text() -> str:
    # e.g. "2025: hours_short,appraisal_basic (hours 12.5, grade basic)": the figures behind the decision.
    return (
        "CAST(%(year)s AS TEXT) || ': ' || s.reason_list || ' (hours ' || CAST(s.tenths / 10 AS TEXT) || '.' || "
        "CAST(s.tenths %% 10 AS TEXT) || ', grade ' || COALESCE(s.grade, '-') || ')'"
    )


def _status_sql(stage: str) -> list[tuple[str, str]]:
    """(label, statement) in order: suspend, its events, reinstate, its events, renewed/warned notes."""
    t = _Tables
    written = f"SELECT certificate_id FROM {t.outcome} WHERE run_id = %(run)s"
    suspension_code = (
        f"CASE WHEN s.grade_rank >= s.hours_rank AND s.grade_rank > 0 THEN "
        f"(CASE WHEN s.grade IS NULL THEN '{ReasonCode.APPRAISAL_MISSING}' ELSE '{ReasonCode.APPRAISAL}' END) "
        f"ELSE '{ReasonCode.HOURS_SHORT}' END"
    )
    this_year_suspension = _last_status_event_is_suspension(f"{t.cert}.id", "= %(year)s")
    return [
        ("suspend", (
            f"UPDATE {t.cert} SET status = 'suspended', status_changed_on = %(today)s WHERE status = 'valid' "
            f"AND id IN ({written} AND outcome = 'suspended')"
        )),
        ("suspend_events", (
            f"INSERT INTO {t.event} {_event_columns()} SELECT o.certificate_id, 'suspended', {suspension_code}, "
            f"{_reason_text()}, %(today)s, %(year)s, %(by)s, %(now)s FROM {t.outcome} o "
            f"JOIN {stage} s ON s.certificate_id = o.certificate_id JOIN {t.cert} c ON c.id = o.certificate_id "
            f"WHERE o.run_id = %(run)s AND o.outcome = 'suspended' AND c.status = 'suspended' "
            f"AND NOT {_last_status_event_is_suspension('c.id')}"
        )),
        ("reinstate", (
            f"UPDATE {t.cert} SET status = 'valid', status_changed_on = %(today)s WHERE status = 'suspended' "
            f"AND id IN ({written} AND outcome <> 'suspended') AND {this_year_suspension}"
        )),
        ("reinstate_events", (
            f"INSERT INTO {t.event} {_event_columns()} SELECT o.certificate_id, 'reinstated', "
            f"'{ReasonCode.RESOLVED}', {_reason_text()}, %(today)s, %(year)s, %(by)s, %(now)s FROM {t.outcome} o "
            f"JOIN {stage} s ON s.certificate_id = o.certificate_id JOIN {t.cert} c ON c.id = o.certificate_id "
            f"WHERE o.run_id = %(run)s AND o.outcome <> 'suspended' AND c.status = 'valid' AND "
            f"{_last_status_event_is_suspension('c.id', '= %(year)s')}"
        )),
        ("notes", (
            f"INSERT INTO {t.event} {_event_columns()} SELECT o.certificate_id, o.outcome, "
            f"CASE WHEN o.outcome = 'warned' THEN {suspension_code} ELSE '' END, {_reason_text()}, %(today)s, "
            f"%(year)s, %(by)s, %(now)s FROM {t.outcome} o JOIN {stage} s ON s.certificate_id = o.certificate_id "
            f"WHERE o.run_id = %(run)s AND o.outcome IN ('renewed', 'warned') "
            f"AND (s.latest_outcome IS NULL OR s.latest_outcome <> o.outcome)"
        )),
    ]


def review_county_sql(
    *, year: int, county: Organisation, rule: AnnualReviewRule, run_id: int, by_id: int | None, today: dt.date | None = None
) -> CountyResult:
    """The review of one county and year, inside the caller's transaction (which holds the advisory lock)."""
    ops = connection.ops
    warning_years = min(max(rule.warnings_before_suspension - 1, 0), MAX_WARNING_YEARS)
    today = today or timezone.localdate()
    params: dict[str, Any] = {
        "year": year, "path": f"{county.path}%", "version": str(rule.version),
        "first_day": ops.adapt_datefield_value(dt.date(year, 1, 1)),
        "last_day": ops.adapt_datefield_value(dt.date(year, 12, 31)),
        # A float on both databases: SQLite would compare a Decimal's text with a number as text.
        "minimum": float(rule.yearly_minimum_hours),
        "repeat_on": 1 if rule.warnings_before_suspension > 0 else 0,
        "repeat_after": max(rule.warnings_before_suspension - 1, 0),
        "rule": rule.pk, "run": run_id, "by": by_id,
        "now": ops.adapt_datetimefield_value(timezone.now()), "today": ops.adapt_datefield_value(today),
        **_rank_params(rule),
    }
    stage = f"annual_review_stage_{run_id}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(_stage_sql(stage, warning_years=warning_years), params)
        cursor.execute(f"SELECT outcome, COUNT(*) FROM {stage} GROUP BY outcome")
        by_outcome = {value: 0 for value in ReviewOutcome.values}
        by_outcome.update({outcome: count for outcome, count in cursor.fetchall()})
        cursor.execute(_insert_outcomes_sql(stage), params)
        written = max(cursor.rowcount, 0)
        changes: dict[str, int] = {}
        for label, statement in _status_sql(stage):
            cursor.execute(statement, params)
            changes[label] = max(cursor.rowcount, 0)
        cursor.execute(f"SELECT COUNT(*) FROM {_Tables.outcome} WHERE run_id = %s AND revision > 1", [run_id])
        changed = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {stage}")
    return CountyResult(
        reviewed=sum(by_outcome.values()), written=written, changed=changed, by_outcome=by_outcome,
        suspended=changes["suspend"], reinstated=changes["reinstate"],
    )

