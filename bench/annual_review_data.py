"""Inputs of the annual-review benchmark, generated in SQL (INSERT … SELECT generate_series, chunked by
teacher id): 20 ledger entries per teacher over five years (20,000,000 for the 1,000,000-teacher province),
a reversing entry for 1 % of teachers, a 初级 certificate for 80 % of teachers, and appraisal grades of the
reviewed year for 97 % of them. Rows are tagged (idempotency key prefix, sequence year) so a later run
finds them and --reuse keeps them.

The session runs with session_replication_role = replica: the rows are generated consistent, so the
foreign-key and append-only triggers are skipped while loading (the benchmark's own writes keep them).
"""

from __future__ import annotations

import time
from collections.abc import Callable

KEY_PREFIX = "bench-annual:"
SEQUENCE_YEAR = 2000  # the bench's certificates number in a year nobody issues in
ENTRIES_PER_TEACHER = 20
FIRST_LEDGER_YEAR = 2021
CHUNK_TEACHERS = 50_000


def _cursor():
    from django.db import connection

    return connection.cursor()


def _loading_session(cursor) -> None:
    cursor.execute("SET session_replication_role = replica")
    cursor.execute("SET synchronous_commit = off")


def province_bounds(province_path: str) -> tuple[int, int, int]:
    with _cursor() as cursor:
        cursor.execute(
            "SELECT MIN(t.id), MAX(t.id), COUNT(*) FROM lms_teacher t JOIN lms_organisation s ON s.id = t.school_id "
            "WHERE s.path LIKE %s", [province_path + "%"],
        )
        low, high, count = cursor.fetchone()
    return low or 0, high or 0, count


def ledger_rows() -> int:
    with _cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM courses_hoursentry WHERE idempotency_key LIKE %s", [KEY_PREFIX + "%"])
        return cursor.fetchone()[0]


def _chunks(low: int, high: int, step: int = CHUNK_TEACHERS):
    start = low
    while start <= high:
        yield start, min(start + step - 1, high)
        start += step


def ledger_generate(*, low: int, high: int, year: int, say: Callable[[str], None]) -> int:
    """Four entries a year for five years ending with `year`; hours 4.0–11.9 each (a year's sum 16–48),
    so some teachers fall short of a 24-hour minimum; 1 % get one entry of `year` reversed."""
    from django.db import transaction

    first_year = year - 4
    kinds = "(ARRAY['online','centralised','school_based','recognised'])[1 + (k %% 4)]"
    total = 0
    started = time.perf_counter()
    for a, b in _chunks(low, high):
        with transaction.atomic(), _cursor() as cursor:
            cursor.execute("SELECT 1 FROM courses_hoursentry WHERE idempotency_key = %s", [f"{KEY_PREFIX}{b}:{ENTRIES_PER_TEACHER}"])
            if cursor.fetchone():
                continue  # this chunk was loaded by an earlier, interrupted run
            _loading_session(cursor)
            cursor.execute(
                "INSERT INTO courses_hoursentry (teacher_id, hours, kind, year, source_type, source_ref, source_label, "
                "idempotency_key, recognised_at, note) "
                f"SELECT t.id, ((t.id * 7 + k * 13) %% 80 + 40) / 10.0, {kinds}, %s + (k - 1) / 4, 'course', "
                "'bench', '', %s || t.id || ':' || k, now(), '' "
                "FROM generate_series(%s, %s) AS t(id) CROSS JOIN generate_series(1, %s) AS k "
                "WHERE EXISTS (SELECT 1 FROM lms_teacher x WHERE x.id = t.id) ORDER BY t.id, k",
                [first_year, KEY_PREFIX, a, b, ENTRIES_PER_TEACHER],
            )
            total += cursor.rowcount
            cursor.execute(
                "INSERT INTO courses_hoursentry (teacher_id, hours, kind, year, source_type, source_ref, source_label, "
                "idempotency_key, recognised_at, note, reverses_id) "
                "SELECT h.teacher_id, -h.hours, h.kind, h.year, 'manual', 'bench', '', h.idempotency_key || ':rev', now(), "
                "'reversal', h.id FROM courses_hoursentry h WHERE h.idempotency_key IN "
                "(SELECT %s || t.id || ':' || %s FROM generate_series(%s, %s) AS t(id) WHERE t.id %% 100 = 0)",
                [KEY_PREFIX, ENTRIES_PER_TEACHER, a, b],
            )
            total += cursor.rowcount
        say(f"ledger: teachers {a:,}–{b:,}: {total:,} rows, {total / (time.perf_counter() - started):,.0f} rows/s")
    with _cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) courses_hoursentry")  # the visibility map: index-only scans of the ledger
    return total


def certificates_ready(issuer_id: int) -> int:
    with _cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM certification_certificate WHERE issuer_id = %s AND sequence_year = %s",
            [issuer_id, SEQUENCE_YEAR],
        )
        return cursor.fetchone()[0]


def certificates_generate(*, low: int, high: int, issuer_id: int, level_id: int, rule_id: int, prefix: str) -> int:
    """A 初级 certificate for teachers whose id mod 10 < 8, issued 2021–2024, valid five years."""
    from django.db import transaction

    total = 0
    for a, b in _chunks(low, high, 200_000):
        with transaction.atomic(), _cursor() as cursor:
            _loading_session(cursor)
            cursor.execute(
                "INSERT INTO certification_certificate (number, holder_name, issued_on, valid_until, sequence_year, "
                "sequence_value, mode, explanation, status, is_current, created_at, teacher_id, issuer_id, level_id, rule_id) "
                "SELECT %s || lpad(t.id::text, 8, '0'), t.real_name, d.issued, (d.issued + interval '5 years')::date, "
                "%s, t.id, 'bulk', '[]'::jsonb, 'valid', true, now(), t.id, %s, %s, %s "
                "FROM lms_teacher t CROSS JOIN LATERAL (SELECT DATE '2021-01-01' + (t.id %% 1400)::int AS issued) d "
                "WHERE t.id BETWEEN %s AND %s AND t.id %% 10 < 8 "
                "AND NOT EXISTS (SELECT 1 FROM certification_certificate c WHERE c.teacher_id = t.id AND c.level_id = %s AND c.is_current)",
                [prefix, SEQUENCE_YEAR, issuer_id, level_id, rule_id, a, b, level_id],
            )
            total += cursor.rowcount
    with _cursor() as cursor:
        cursor.execute("ANALYZE certification_certificate")
    return total


def appraisals_ready(year: int) -> int:
    with _cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM certification_appraisalrecord WHERE year = %s", [year])
        return cursor.fetchone()[0]


def appraisals_generate(*, low: int, high: int, year: int) -> int:
    """Grades for 97 % of teachers: ~15 % 优秀, ~78 % 合格, ~5 % 基本合格, ~2 % 不合格 (a different draw
    each year, independent of who holds a certificate: that is decided by the id's last digit)."""
    from django.db import transaction

    draw = f"(((t.id / 3) * {31 + 6 * (year % 7)} + {year % 13}) %% 100)"
    grade = (
        f"CASE WHEN {draw} < 15 THEN 'excellent' WHEN {draw} < 93 THEN 'qualified' "
        f"WHEN {draw} < 98 THEN 'basic' ELSE 'unqualified' END"
    )
    total = 0
    for a, b in _chunks(low, high, 250_000):
        with transaction.atomic(), _cursor() as cursor:
            _loading_session(cursor)
            cursor.execute(
                f"INSERT INTO certification_appraisalrecord (teacher_id, year, grade, recorded_at) "
                f"SELECT t.id, %s, {grade}, now() FROM lms_teacher t WHERE t.id BETWEEN %s AND %s AND (t.id * 7) %% 100 < 97 "
                "AND NOT EXISTS (SELECT 1 FROM certification_appraisalrecord r WHERE r.teacher_id = t.id AND r.year = %s)",
                [year, a, b, year],
            )
            total += cursor.rowcount
    with _cursor() as cursor:
        cursor.execute("ANALYZE certification_appraisalrecord")
    return total


def review_results_reset(*, year: int, issuer_id: int) -> None:
    """Back to before the review of `year`: its outcomes and events removed, the statuses it changed
    restored from the remaining history. (Append-only tables: the session skips their triggers; a
    benchmark reset, never product code.)"""
    from django.db import transaction

    with transaction.atomic(), _cursor() as cursor:
        _loading_session(cursor)
        cursor.execute("DROP TABLE IF EXISTS bench_touched")
        cursor.execute(
            "CREATE TEMP TABLE bench_touched AS SELECT DISTINCT certificate_id AS id FROM certification_certificateevent "
            "WHERE review_year = %s AND kind IN ('suspended', 'reinstated')", [year],
        )
        cursor.execute("DELETE FROM certification_certificateevent WHERE review_year = %s", [year])
        cursor.execute("DELETE FROM certification_annualreviewoutcome WHERE year = %s", [year])
        cursor.execute(
            "UPDATE certification_certificate c SET status = CASE WHEN EXISTS (SELECT 1 FROM certification_certificateevent e "
            "WHERE e.certificate_id = c.id AND e.kind = 'suspended' AND NOT EXISTS (SELECT 1 FROM certification_certificateevent e2 "
            "WHERE e2.certificate_id = c.id AND e2.id > e.id AND e2.kind IN ('issued', 'suspended', 'reinstated', 'revoked'))) "
            "THEN 'suspended' ELSE 'valid' END WHERE c.id IN (SELECT id FROM bench_touched)"
        )
        cursor.execute("DROP TABLE bench_touched")
        cursor.execute("DELETE FROM certification_annualreviewrun WHERE year = %s AND parent_id IS NOT NULL", [year])
        cursor.execute("DELETE FROM certification_annualreviewrun WHERE year = %s", [year])
    with _cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) certification_certificate")
        cursor.execute("VACUUM (ANALYZE) certification_annualreviewoutcome")
        cursor.execute("VACUUM (ANALYZE) certification_certificateevent")


def outcomes_exist(year: int) -> bool:
    with _cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM certification_annualreviewoutcome WHERE year = %s)", [year])
        return bool(cursor.fetchone()[0])
