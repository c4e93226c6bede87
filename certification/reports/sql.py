"""Set-based SQL of the reports (SQLite and PostgreSQL): the teachers of one subtree, their ledger summed
per kind inside a span of years and capped by the policy, certificates and review outcomes, grouped in the
database. Only completion returns one narrow row per teacher (its medians need them), streamed in chunks.
Callers check the node against the viewer's jurisdiction first (`scope.report_node`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from courses.api import HoursEntry
from lms.api import EmploymentStatus, Organisation, Teacher

from ..models import AnnualReviewOutcome, Certificate, CertificateStatus, CertificationLevel, ReviewOutcome

FETCH = 20_000  # rows per round trip when streaming per-teacher rows
# Teachers who retired or left are not counted; those on leave still are.
IN_SERVICE = (EmploymentStatus.ACTIVE, EmploymentStatus.LEAVE)
# Worst standing outcome of a teacher's certificates in a year (0: not reviewed).
OUTCOME_RANK = {ReviewOutcome.RENEWED: 1, ReviewOutcome.WARNED: 2, ReviewOutcome.SUSPENDED: 3}


def _q(name: str | None) -> str:
    return connection.ops.quote_name(name or "")


def _column(model: Any, field: str) -> str:
    return _q(model._meta.get_field(field).column)


class _T:
    """Quoted table and column names from the models, so the SQL follows the schema."""

    teacher = _q(Teacher._meta.db_table)
    org = _q(Organisation._meta.db_table)
    hours = _q(HoursEntry._meta.db_table)
    cert = _q(Certificate._meta.db_table)
    level = _q(CertificationLevel._meta.db_table)
    outcome = _q(AnnualReviewOutcome._meta.db_table)
    t_school = _column(Teacher, "school")
    h_teacher = _column(HoursEntry, "teacher")
    c_teacher = _column(Certificate, "teacher")
    c_level = _column(Certificate, "level")
    o_teacher = _column(AnnualReviewOutcome, "teacher")
    o_cert = _column(AnnualReviewOutcome, "certificate")


@dataclass(frozen=True)
class Subtree:
    """The teachers a report covers: in service at schools under `path`, optionally of one stage/subject;
    each labelled by the first `key_length` characters of their school's path (the child node)."""

    path: str
    key_length: int
    stage: str = ""
    subject: str = ""


def _literal(value: Decimal) -> str:
    """A validated number written into the SQL (a numeric literal on PostgreSQL, a real on SQLite)."""
    if not value.is_finite():
        raise ValueError(f"not a number of hours: {value}")
    text = f"{value:f}"
    return text if "." in text else text + ".0"


def _scoped(subtree: Subtree, params: dict[str, Any]) -> str:
    params.update(path=subtree.path + "%", key_length=subtree.key_length)
    statuses = []
    for index, status in enumerate(IN_SERVICE):
        params[f"status_{index}"] = str(status)
        statuses.append(f"%(status_{index})s")
    where = [f"s.path LIKE %(path)s", f"t.employment_status IN ({', '.join(statuses)})"]
    if subtree.stage:
        params["stage"] = subtree.stage
        where.append("t.stage = %(stage)s")
    if subtree.subject:
        params["subject"] = subtree.subject
        where.append("t.subject = %(subject)s")
    return (
        f"SELECT t.id AS id, SUBSTR(s.path, 1, %(key_length)s) AS child, t.stage AS stage, t.subject AS subject "
        f"FROM {_T.teacher} t JOIN {_T.org} s ON s.id = t.{_T.t_school} WHERE {' AND '.join(where)}"
    )


def _per_teacher_hours(first_year: int, last_year: int, caps: dict[str, Decimal], params: dict[str, Any]) -> str:
    """One row per teacher of `scoped`: every hour recorded in the years (`total`) and the hours counted after
    the caps per kind (`counted` = total less each capped kind's excess). The ledger is joined, not grouped
    by kind first: PostgreSQL streams it in index order (teacher, year, kind) through a merge join and a
    group aggregate, so a province's 20 million rows never sit in a hash table."""
    params.update(first_year=first_year, last_year=last_year)
    excess = []
    for index, (kind, cap) in enumerate(sorted(caps.items())):
        params[f"cap_kind_{index}"] = kind
        of_kind = f"SUM(CASE WHEN h.kind = %(cap_kind_{index})s THEN h.hours ELSE 0 END)"
        excess.append(f" - CASE WHEN {of_kind} > {_literal(cap)} THEN {of_kind} - {_literal(cap)} ELSE 0 END")
    return (
        f"per_teacher AS (SELECT sc.id AS id, sc.child AS child, sc.stage AS stage, sc.subject AS subject, "
        f"COALESCE(SUM(h.hours), 0) AS total, COALESCE(SUM(h.hours), 0){''.join(excess)} AS counted "
        f"FROM scoped sc LEFT JOIN {_T.hours} h ON h.{_T.h_teacher} = sc.id "
        f"AND h.year BETWEEN %(first_year)s AND %(last_year)s GROUP BY sc.id, sc.child, sc.stage, sc.subject)"
    )


@contextmanager
def _report_cursor(*, stream: bool = False) -> Iterator[Any]:
    """PostgreSQL: one read transaction planned for the whole result (not the first rows), with room to
    hash the ledger in memory; SQLite: a plain cursor (a transaction there would take the write lock)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    with transaction.atomic():
        with connection.cursor() as setup:
            setup.execute("SET LOCAL cursor_tuple_fraction = 1.0")
            setup.execute("SET LOCAL work_mem = '128MB'")
        with (connection.chunked_cursor() if stream else connection.cursor()) as cursor:
            yield cursor


def completion_teacher_rows(
    *, subtree: Subtree, first_year: int, last_year: int, caps: dict[str, Decimal]
) -> Iterator[list[tuple[str, str, str, Any, Any]]]:
    """Chunks of (child key, stage, subject, hours recorded, hours counted): one narrow row per teacher."""
    params: dict[str, Any] = {}
    sql = (
        f"WITH scoped AS ({_scoped(subtree, params)}), {_per_teacher_hours(first_year, last_year, caps, params)} "
        f"SELECT child, stage, subject, total, counted FROM per_teacher"
    )
    with _report_cursor(stream=True) as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH):
            yield rows


def indicator_groups(
    *, subtree: Subtree, first_year: int, last_year: int, caps: dict[str, Decimal], target: Decimal
) -> list[tuple[str, str, str, int, int]]:
    """(child key, stage, subject, teachers, teachers whose counted hours in the years reach the target)."""
    params: dict[str, Any] = {}
    sql = (
        f"WITH scoped AS ({_scoped(subtree, params)}), {_per_teacher_hours(first_year, last_year, caps, params)} "
        f"SELECT child, stage, subject, COUNT(*), SUM(CASE WHEN counted >= {_literal(target)} THEN 1 ELSE 0 END) "
        f"FROM per_teacher GROUP BY child, stage, subject"
    )
    with _report_cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def level_groups(*, subtree: Subtree, today: dt.date) -> list[tuple[str, str, str, int, int, int, int]]:
    """(child key, stage, subject, rank of the highest valid certificate or 0, teachers, of whom with a
    suspended certificate, of whom with a revoked certificate)."""
    params: dict[str, Any] = {"today": today, "valid": CertificateStatus.VALID.value,
                              "suspended": CertificateStatus.SUSPENDED.value, "revoked": CertificateStatus.REVOKED.value}
    sql = (
        f"WITH scoped AS ({_scoped(subtree, params)}), "
        f"best AS (SELECT c.{_T.c_teacher} AS teacher_id, MAX(l.rank) AS rank FROM {_T.cert} c "
        f"JOIN {_T.level} l ON l.id = c.{_T.c_level} WHERE c.status = %(valid)s AND c.issued_on <= %(today)s "
        f"AND c.valid_until >= %(today)s AND c.{_T.c_teacher} IN (SELECT id FROM scoped) GROUP BY c.{_T.c_teacher}), "
        f"flags AS (SELECT c.{_T.c_teacher} AS teacher_id, "
        f"MAX(CASE WHEN c.status = %(suspended)s THEN 1 ELSE 0 END) AS suspended, "
        f"MAX(CASE WHEN c.status = %(revoked)s THEN 1 ELSE 0 END) AS revoked FROM {_T.cert} c "
        f"WHERE c.status IN (%(suspended)s, %(revoked)s) AND c.{_T.c_teacher} IN (SELECT id FROM scoped) "
        f"GROUP BY c.{_T.c_teacher}) "
        f"SELECT sc.child, sc.stage, sc.subject, COALESCE(b.rank, 0), COUNT(*), "
        f"SUM(COALESCE(f.suspended, 0)), SUM(COALESCE(f.revoked, 0)) "
        f"FROM scoped sc LEFT JOIN best b ON b.teacher_id = sc.id LEFT JOIN flags f ON f.teacher_id = sc.id "
        f"GROUP BY sc.child, sc.stage, sc.subject, COALESCE(b.rank, 0)"
    )
    with _report_cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def annual_groups(*, subtree: Subtree, year: int) -> list[tuple[str, str, str, int, int]]:
    """(child key, stage, subject, worst standing outcome rank of the year or 0, teachers): the latest
    revision of each certificate's decision counts."""
    params: dict[str, Any] = {"year": year}
    ranks = " ".join(f"WHEN '{outcome.value}' THEN {rank}" for outcome, rank in OUTCOME_RANK.items())
    sql = (
        f"WITH scoped AS ({_scoped(subtree, params)}), "
        f"worst AS (SELECT o.{_T.o_teacher} AS teacher_id, MAX(CASE o.outcome {ranks} ELSE 0 END) AS rank "
        f"FROM {_T.outcome} o WHERE o.year = %(year)s AND o.{_T.o_teacher} IN (SELECT id FROM scoped) "
        f"AND NOT EXISTS (SELECT 1 FROM {_T.outcome} n WHERE n.{_T.o_cert} = o.{_T.o_cert} AND n.year = o.year "
        f"AND n.revision > o.revision) GROUP BY o.{_T.o_teacher}) "
        f"SELECT sc.child, sc.stage, sc.subject, COALESCE(w.rank, 0), COUNT(*) "
        f"FROM scoped sc LEFT JOIN worst w ON w.teacher_id = sc.id GROUP BY sc.child, sc.stage, sc.subject, COALESCE(w.rank, 0)"
    )
    with _report_cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def trend_hours(*, subtree: Subtree, first_year: int, last_year: int) -> list[tuple[int, Any, int]]:
    """Per year: net hours recorded and teachers whose net hours of the year are above zero."""
    params: dict[str, Any] = {"first_year": first_year, "last_year": last_year}
    sql = (
        f"WITH scoped AS ({_scoped(subtree, params)}), "
        f"per_year AS (SELECT h.year AS year, sc.id AS teacher_id, SUM(h.hours) AS hours "
        f"FROM scoped sc JOIN {_T.hours} h ON h.{_T.h_teacher} = sc.id AND h.year BETWEEN %(first_year)s AND %(last_year)s "
        f"GROUP BY sc.id, h.year) "
        f"SELECT year, SUM(hours), SUM(CASE WHEN hours > 0 THEN 1 ELSE 0 END) FROM per_year GROUP BY year ORDER BY year"
    )
    with _report_cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def trend_certificates(*, subtree: Subtree, first_day: dt.date, last_day: dt.date) -> list[tuple[Any, int]]:
    """Certificates issued per day to the subtree's teachers (the caller sums them per year)."""
    params: dict[str, Any] = {"first_day": first_day, "last_day": last_day}
    sql = (
        f"WITH scoped AS ({_scoped(subtree, params)}) "
        f"SELECT c.issued_on, COUNT(*) FROM {_T.cert} c WHERE c.{_T.c_teacher} IN (SELECT id FROM scoped) "
        f"AND c.issued_on BETWEEN %(first_day)s AND %(last_day)s GROUP BY c.issued_on"
    )
    with _report_cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def trend_outcomes(*, subtree: Subtree, first_year: int, last_year: int) -> list[tuple[int, int, int]]:
    """(year, worst standing outcome rank, teachers) for every reviewed year in the span."""
    params: dict[str, Any] = {"first_year": first_year, "last_year": last_year}
    ranks = " ".join(f"WHEN '{outcome.value}' THEN {rank}" for outcome, rank in OUTCOME_RANK.items())
    sql = (
        f"WITH scoped AS ({_scoped(subtree, params)}), "
        f"worst AS (SELECT o.year AS year, o.{_T.o_teacher} AS teacher_id, MAX(CASE o.outcome {ranks} ELSE 0 END) AS rank "
        f"FROM {_T.outcome} o WHERE o.year BETWEEN %(first_year)s AND %(last_year)s "
        f"AND o.{_T.o_teacher} IN (SELECT id FROM scoped) "
        f"AND NOT EXISTS (SELECT 1 FROM {_T.outcome} n WHERE n.{_T.o_cert} = o.{_T.o_cert} AND n.year = o.year "
        f"AND n.revision > o.revision) GROUP BY o.year, o.{_T.o_teacher}) "
        f"SELECT year, rank, COUNT(*) FROM worst GROUP BY year, rank ORDER BY year"
    )
    with _report_cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def teacher_count(*, subtree: Subtree) -> int:
    params: dict[str, Any] = {}
    with _report_cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({_scoped(subtree, params)}) scoped", params)
        return int(cursor.fetchone()[0])


def outcome_years() -> list[int]:
    """Years any annual review decided, newest first (few rows: one per year)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT year FROM {_T.outcome} ORDER BY year DESC")
        return [row[0] for row in cursor.fetchall()]
