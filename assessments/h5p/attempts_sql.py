"""The statement path's reads and writes in SQL: the teacher's earlier attempts in one query, the statement
and its attempt in one more (PostgreSQL: one data-modifying statement; SQLite: two).

Measured on PostgreSQL (bench/h5p_xapi.py): the same work through the ORM — a count, two inserts in
savepoints, a re-read of the attempts — took most of a statement's ~13 ms of worker CPU. Values are
prepared by the model fields themselves, so the SQL is the same on both databases. Callers run inside
transaction.atomic().
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection

from assessments.models import H5PActivity, H5PAttempt, H5PPackage, H5PStatement

STATEMENT = H5PStatement._meta.db_table
ATTEMPT = H5PAttempt._meta.db_table
STATEMENT_COLUMNS = (
    "statement_id", "activity_id", "teacher_id", "context_ref", "verb", "body", "client_score", "client_max",
    "recomputed_score", "recomputed_max", "mismatch", "received_at",
)
ATTEMPT_COLUMNS = (
    "activity_id", "teacher_id", "number", "scored_by", "score", "max_score", "percent", "passed", "flagged",
    "created_at",
)


class AttemptRow(NamedTuple):
    number: int
    score: Decimal | None
    max_score: Decimal | None
    percent: Decimal | None
    passed: bool
    scored_by: str


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))  # SQLite hands back floats or strings


def attempts_prior(*, activity_id: int, teacher_id: int) -> list[AttemptRow]:
    sql = (
        f"SELECT number, score, max_score, percent, passed, scored_by FROM {ATTEMPT} "
        "WHERE activity_id = %s AND teacher_id = %s ORDER BY number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [activity_id, teacher_id])
        rows = cursor.fetchall()
    return [
        AttemptRow(int(n), _decimal(s), _decimal(m), _decimal(p), bool(ok), str(by)) for n, s, m, p, ok, by in rows
    ]


ACTIVITY_SQL = f"""
SELECT a.status, a.attempts_allowed, a.counting_rule, a.passing_score, a.trusted, a.package_id, p.main_library,
       p.sha256, t.number, t.score, t.max_score, t.percent, t.passed, t.scored_by
  FROM {H5PActivity._meta.db_table} a
  LEFT JOIN {H5PPackage._meta.db_table} p ON p.id = a.package_id
  LEFT JOIN {ATTEMPT} t ON t.activity_id = a.id AND t.teacher_id = %s
 WHERE a.id = %s
 ORDER BY t.number"""


def activity_read(*, activity_id: int, teacher_id: int | None) -> tuple[tuple[Any, ...], list[AttemptRow]] | None:
    """The activity's settings (status, attempts allowed, counting rule, passing score, trusted, package id,
    main library, package hash) and the teacher's attempts so far, in one round trip."""
    with connection.cursor() as cursor:
        cursor.execute(ACTIVITY_SQL, [teacher_id, activity_id])
        rows = cursor.fetchall()
    if not rows:
        return None
    settings_row = rows[0][:8]
    settings_row = (*settings_row[:3], _decimal(settings_row[3]), bool(settings_row[4]), *settings_row[5:])
    prior = [
        AttemptRow(int(n), _decimal(s), _decimal(m), _decimal(p), bool(ok), str(by))
        for *_settings, n, s, m, p, ok, by in rows if n is not None
    ]
    return settings_row, prior


def _prepared(model: type[Any], values: dict[str, Any]) -> list[Any]:
    """Each value as its model field writes it (UUIDs, decimals, JSON, datetimes differ per database)."""
    return [model._meta.get_field(name).get_db_prep_save(value, connection) for name, value in values.items()]


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def statement_write(
    *, statement: dict[str, Any], attempt: dict[str, Any] | None
) -> tuple[int | None, int | None]:
    """Insert the statement and (when given) its attempt. Returns (statement id, attempt id); the statement
    id is None when that statement id was already received (nothing written), the attempt id None when
    another attempt took the same number at this moment (the statement is written; count again)."""
    statement_values = _prepared(H5PStatement, statement)
    statement_sql = (
        f"INSERT INTO {STATEMENT} ({', '.join(STATEMENT_COLUMNS)}) VALUES ({_marks(len(STATEMENT_COLUMNS))}) "
        "ON CONFLICT (statement_id) DO NOTHING RETURNING id"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and getattr(settings, "H5P_STATEMENT_ASYNC_COMMIT", True):
            # Don't wait for the WAL flush: a database crash can drop the last fraction of a second of
            # statements (the teacher answers again), never half of one; statement and attempt stay one write.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        if attempt is None:
            cursor.execute(statement_sql, statement_values)
            row = cursor.fetchone()
            return (row[0] if row else None), None
        attempt_values = _prepared(H5PAttempt, attempt)
        attempt_sql = (
            f"INSERT INTO {ATTEMPT} ({', '.join(ATTEMPT_COLUMNS)}, statement_id) "
            f"SELECT {_marks(len(ATTEMPT_COLUMNS))}, id FROM st "
            # "WHERE true" keeps SQLite from reading ON CONFLICT as a join's ON.
            "WHERE true ON CONFLICT (activity_id, teacher_id, number) DO NOTHING RETURNING id"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                f"WITH st AS ({statement_sql}), at AS ({attempt_sql}) SELECT (SELECT id FROM st), (SELECT id FROM at)",
                statement_values + attempt_values,
            )
            statement_id, attempt_id = cursor.fetchone()
            return statement_id, attempt_id
        cursor.execute(statement_sql, statement_values)
        row = cursor.fetchone()
        if row is None:
            return None, None
        cursor.execute(attempt_sql.replace(" FROM st ", " FROM (SELECT %s AS id) AS st "), attempt_values + [row[0]])
        attempt_row = cursor.fetchone()
        return row[0], (attempt_row[0] if attempt_row else None)


