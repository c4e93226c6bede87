"""Benchmark: hours_totals (one teacher's hours per year, kind and cycle) on a large ledger.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/hours_totals.py

Creates the database if missing and migrates. Takes 1,000 teachers of the province built by
bench/generate_province.py (or a small tree of its own when the database has no teachers), outside
the tree bench/roster_import.py removes teachers from. Gives each of them 5 years of entries (~40 a
year, by COPY) unless an earlier run already did — the ledger is append-only, so a later run reuses
those teachers. Then times hours_totals for 200 random teachers among them (after a warm-up) and
prints p50/p95/max in ms; target < 10 ms. Also times cycle_totals_for_teachers over all 1,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, ensure_database, percentile, setup_django  # noqa: E402

TARGET_MS = 10.0
KEY_PREFIX = "bench-hours:"
ROSTER_BENCH_PROVINCE = "970000"  # bench/roster_import.py deletes teachers there: leave them alone
KINDS = ("online", "centralised", "school_based", "recognised")


def teachers_with_bench_entries() -> list[int]:
    from courses.models import HoursEntry

    return list(
        HoursEntry.objects.filter(idempotency_key__startswith=KEY_PREFIX)
        .values_list("teacher_id", flat=True).distinct().order_by()
    )


def own_small_tree(count: int) -> list[int]:
    from lms.idcard import make_id_number
    from lms.models import Organisation, OrganisationKind
    from lms.services import TeacherInput, organisation_create, teacher_create
    from lms.vocab import SchoolStage, Subject, Title

    def node(parent, kind, code, name):
        return Organisation.objects.filter(code=code).first() or organisation_create(
            parent=parent, kind=kind, code=code, name=name
        )

    province = node(None, OrganisationKind.PROVINCE, "960000", "学时基准省")
    county = node(province, OrganisationKind.CITY, "960100", "学时基准市")
    school = node(county, OrganisationKind.SCHOOL, "9601000001", "学时基准学校")
    ids = []
    for n in range(count):
        teacher = teacher_create(data=TeacherInput(
            real_name=f"基准{n}", id_number=make_id_number("110101", dt.date(1980, 1, 1) + dt.timedelta(days=n // 900),
                                                           n % 900), school=school,
            stage=SchoolStage.PRIMARY, subject=Subject.MATHS, title=Title.SECOND, title_conferred_on=None,
            qualification_number="",
        ))
        ids.append(teacher.pk)
    return ids


def pick_teachers(count: int, rng: random.Random) -> list[int]:
    from django.db.models import Max, Min

    from lms.models import Organisation, Teacher

    teachers = Teacher.objects.all()
    excluded = Organisation.objects.filter(code=ROSTER_BENCH_PROVINCE).first()
    if excluded is not None:
        teachers = teachers.exclude(school__path__startswith=excluded.path)
    bounds = teachers.aggregate(low=Min("id"), high=Max("id"))
    if bounds["low"] is None:
        print("no teachers in the database: building a small tree of our own")
        return own_small_tree(count)
    chosen: set[int] = set()
    while len(chosen) < count:
        sample = rng.sample(range(bounds["low"], bounds["high"] + 1), min(count * 2, bounds["high"] - bounds["low"] + 1))
        chosen.update(teachers.filter(pk__in=sample).values_list("id", flat=True)[: count - len(chosen)])
        if len(chosen) < count and bounds["high"] - bounds["low"] + 1 <= count * 2:
            break
    return sorted(chosen)[:count]


def fill_ledger(teacher_ids: list[int], *, years: range, per_year: int, rng: random.Random) -> int:
    from django.db import connection

    now = dt.datetime.now(dt.timezone.utc)
    columns = ("teacher_id", "hours", "kind", "year", "source_type", "source_ref", "source_label",
               "idempotency_key", "recognised_at", "note")
    rows = 0
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY courses_hoursentry ({', '.join(columns)}) FROM STDIN") as copy:
            for teacher_id in teacher_ids:
                for year in years:
                    for n in range(per_year):
                        hours = Decimal(rng.randint(5, 60)) / 10
                        key = f"{KEY_PREFIX}{teacher_id}:{year}:{n}"
                        copy.write_row((teacher_id, hours, rng.choice(KINDS), year, "course", f"course:{n}", "",
                                        key, now, ""))
                        rows += 1
    with connection.cursor() as cursor:  # VACUUM sets the visibility map: index-only scans skip the heap
        cursor.execute("VACUUM (ANALYZE) courses_hoursentry")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teachers", type=int, default=1000)
    parser.add_argument("--per-year", type=int, default=40)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()

    url = database_url()
    ensure_database(url)
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from courses.selectors import cycle_totals_for_teachers, hours_policy_current, hours_totals

    call_command("migrate", verbosity=0)
    rng = random.Random(args.seed)
    teacher_ids = teachers_with_bench_entries()
    if len(teacher_ids) < args.teachers:
        fresh = [t for t in pick_teachers(args.teachers, rng) if t not in set(teacher_ids)][: args.teachers - len(teacher_ids)]
        started = time.perf_counter()
        years = range(dt.date.today().year - 4, dt.date.today().year + 1)
        rows = fill_ledger(fresh, years=years, per_year=args.per_year, rng=rng)
        print(f"ledger: {rows:,} entries for {len(fresh):,} teachers by COPY in {time.perf_counter() - started:.1f} s")
        teacher_ids = teachers_with_bench_entries()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM courses_hoursentry")
        print(f"ledger rows in the database: {cursor.fetchone()[0]:,}; bench teachers: {len(teacher_ids):,}")

    policy = hours_policy_current()
    for teacher_id in rng.sample(teacher_ids, 20):  # warm-up: connection, plan cache, buffers
        hours_totals(teacher_id=teacher_id, policy=policy)

    def timed(samples: list[int], *, with_policy: bool) -> list[float]:
        out = []
        for teacher_id in samples:
            started = time.perf_counter()
            totals = hours_totals(teacher_id=teacher_id, policy=policy if with_policy else None)
            out.append((time.perf_counter() - started) * 1000)
            assert totals.total > 0
        return out

    samples = rng.sample(teacher_ids, min(args.samples, len(teacher_ids)))
    for label, with_policy in (("hours_totals (policy given)", True), ("hours_totals (+ policy lookup)", False)):
        ms = timed(samples, with_policy=with_policy)
        verdict = "OK" if percentile(ms, 0.95) < TARGET_MS else "SLOW"
        print(f"{label}: n={len(ms)} p50={percentile(ms, 0.5):.2f} ms  p95={percentile(ms, 0.95):.2f} ms  "
              f"max={max(ms):.2f} ms  target<{TARGET_MS:.0f} ms {verdict}")

    started = time.perf_counter()
    result = cycle_totals_for_teachers(teachers=teacher_ids, cycle_start_year=policy.cycle_start_for(dt.date.today().year),
                                       policy=policy)
    print(f"cycle_totals_for_teachers: {len(result):,} teachers in {(time.perf_counter() - started) * 1000:.0f} ms")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS) SELECT year, kind, SUM(hours) FROM courses_hoursentry "
            "WHERE teacher_id = %s GROUP BY year, kind", [samples[0]],
        )
        print("plan:\n  " + "\n  ".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main()
