"""Benchmark: build a synthetic province in PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench \
        .venv/bin/python bench/generate_province.py --teachers 1000000

Creates the database if missing (--fresh drops and recreates it), migrates, runs generate_province,
and prints the total time and rows per second (users + teachers + postings).
"""

from __future__ import annotations

import argparse
import time

from common import database_url, ensure_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teachers", type=int, default=1_000_000)
    parser.add_argument("--schools", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    args = parser.parse_args()

    url = database_url()
    started = time.perf_counter()
    created = ensure_database(url, fresh=args.fresh)
    print(f"database {'created' if created else 'exists'}: {url}")
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    print(f"migrate: {migrated - started:.1f} s")
    options = {"teachers": args.teachers, "seed": args.seed}
    if args.schools:
        options["schools"] = args.schools
    if args.workers:
        options["workers"] = args.workers
    call_command("generate_province", **options)
    seconds = time.perf_counter() - migrated
    rows = 3 * args.teachers
    print(
        f"generate_province --teachers {args.teachers}: {seconds:.1f} s total, "
        f"{args.teachers / seconds:,.0f} teachers/s, {rows / seconds:,.0f} rows/s (users + teachers + postings)"
    )


if __name__ == "__main__":
    main()
