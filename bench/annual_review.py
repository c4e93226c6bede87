"""Benchmark: the annual review (年度审核) of a 1,000,000-teacher province with 20,000,000 ledger rows.

    make bench-generate        # once: the province (bench/generate_province.py)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/annual_review.py --reuse

Generates the inputs in SQL unless present (bench/annual_review_data.py: 20 ledger entries per teacher,
certificates for 80 % of teachers, appraisal grades for 97 %); --reuse keeps inputs from an earlier run,
otherwise they are regenerated. Resets any earlier review of the year, then runs the review for the
province the way the Celery fan-out does — one run per county — in a pool of --workers processes (2)
that call the county service directly (no broker), and prints the wall time, rows per second and the
outcome counts; then runs it again with unchanged inputs (it must write nothing) and prints that time.
Target: the first run under 10 minutes with 2 worker processes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, ensure_database, setup_django  # noqa: E402

TARGET_SECONDS = 600
YEAR = 2025


def say(message: str) -> None:
    print(message, flush=True)


def _worker_init() -> None:
    from django.db import connections

    connections.close_all()  # each process opens its own connection


def _county(run_id: int) -> tuple[int, str, float]:
    from certification.annual.run import annual_review_county_run

    started = time.perf_counter()
    run = annual_review_county_run(run_id=run_id)
    return run_id, run.state, time.perf_counter() - started


def prepare(*, reuse: bool, year: int):
    from django.db import connection

    import annual_review_data as data
    from certification.demo import _levels, _rules
    from certification.models import CertificateIssuer, LevelRule
    from lms.models import Organisation, OrganisationKind

    province = Organisation.objects.filter(kind=OrganisationKind.PROVINCE, code="980000").first()
    if province is None:
        sys.exit("Load the province first: make bench-generate")
    low, high, teachers = data.province_bounds(province.path)
    say(f"province {province.name}（{province.code}）: {teachers:,} teachers")
    levels = _levels()
    _rules(levels)
    rule = LevelRule.objects.get(level=levels["basic"], version=1)
    issuer, _ = CertificateIssuer.objects.get_or_create(organisation=province, defaults={"name": f"{province.name}教育厅"})

    started = time.perf_counter()
    if data.ledger_rows() and not reuse:
        sys.exit("Benchmark ledger rows exist (append-only): run with --reuse to keep them")
    # Each generator skips what an earlier (possibly interrupted) run already loaded.
    data.ledger_generate(low=low, high=high, year=year, say=say)
    ledger = data.ledger_rows()
    say(f"ledger ready: {ledger:,} rows ({time.perf_counter() - started:.0f} s)")
    step = time.perf_counter()
    data.certificates_generate(
        low=low, high=high, issuer_id=issuer.pk, level_id=rule.level_id, rule_id=rule.pk, prefix="BENCH" + province.code
    )
    certificates = data.certificates_ready(issuer.pk)
    say(f"certificates ready: {certificates:,} ({time.perf_counter() - step:.0f} s)")
    step = time.perf_counter()
    for grades_year in (year - 1, year):
        data.appraisals_generate(low=low, high=high, year=grades_year)
    grades = data.appraisals_ready(year)
    say(f"appraisal grades ready: {grades:,} for {year}, {data.appraisals_ready(year - 1):,} for {year - 1} "
        f"({time.perf_counter() - step:.0f} s)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM courses_hoursentry")
        say(f"inputs: ledger {cursor.fetchone()[0]:,} rows (bench {ledger:,}), certificates {certificates:,}, "
            f"appraisal grades {year} {grades:,}")
    return province, issuer


def review(province, *, year: int, workers: int) -> tuple[float, dict[str, int]]:
    from django.db import connections

    from certification.annual.run import annual_review_rollup, annual_review_start

    started = time.perf_counter()
    parent = annual_review_start(year=year, region=province, by=None, queue=False)
    run_ids = list(parent.children.order_by("pk").values_list("pk", flat=True))
    connections.close_all()
    slowest = 0.0
    failed = 0
    with multiprocessing.get_context("fork").Pool(workers, initializer=_worker_init) as pool:
        for index, (_run_id, state, seconds) in enumerate(pool.imap_unordered(_county, run_ids), start=1):
            slowest = max(slowest, seconds)
            failed += state != "done"
            if index % 20 == 0 or index == len(run_ids):
                say(f"  {index}/{len(run_ids)} counties done, {time.perf_counter() - started:.0f} s (slowest county {slowest:.1f} s)")
    parent = annual_review_rollup(run_id=parent.pk)
    if failed:
        say(f"{failed} counties FAILED: " + "; ".join(parent.children.exclude(error="").values_list("error", flat=True)[:3]))
    return time.perf_counter() - started, parent.counts


def reason_counts(year: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reason, COUNT(*) FROM certification_annualreviewoutcome o, jsonb_array_elements_text(o.reasons) AS reason "
            "WHERE o.year = %s GROUP BY reason ORDER BY reason", [year],
        )
        return ", ".join(f"{reason} {count:,}" for reason, count in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reuse", action="store_true", help="keep the generated inputs of an earlier run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--year", type=int, default=YEAR)
    args = parser.parse_args()

    url = database_url()
    ensure_database(url)
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    province, issuer = prepare(reuse=args.reuse, year=args.year)
    import annual_review_data as data

    if not data.outcomes_exist(args.year - 1):  # the year before: earlier warnings count (once, kept)
        seconds, counts = review(province, year=args.year - 1, workers=args.workers)
        say(f"review of {args.year - 1} (once, for the earlier warnings): {seconds:.1f} s; "
            + ", ".join(f"{key} {counts.get(key, 0):,}" for key in ("reviewed", "renewed", "warned", "suspended")))
    data.review_results_reset(year=args.year, issuer_id=issuer.pk)

    say(f"annual review {args.year} of the province with {args.workers} worker processes (county runs in a process pool)")
    seconds, counts = review(province, year=args.year, workers=args.workers)
    reviewed = counts.get("reviewed", 0)
    say(f"first run: {seconds:.1f} s wall, {reviewed / seconds:,.0f} certificates/s, "
        f"{counts.get('written', 0) / seconds:,.0f} outcomes written/s — target < {TARGET_SECONDS} s: "
        f"{'met' if seconds < TARGET_SECONDS else 'NOT met'}")
    say("  outcomes: " + ", ".join(f"{key} {counts.get(key, 0):,}" for key in ("reviewed", "renewed", "warned", "suspended", "written", "status_suspended", "status_reinstated")))
    say("  reasons: " + reason_counts(args.year))
    again, counts2 = review(province, year=args.year, workers=args.workers)
    say(f"second run (unchanged inputs): {again:.1f} s wall, written {counts2.get('written', 0):,}, "
        f"unchanged {counts2.get('unchanged', 0):,}")


if __name__ == "__main__":
    main()
