"""Build a synthetic province of any size, fast, for benchmarks."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lms.synthetic.generate import DEFAULT_PROVINCE_CODE, GenerateOptions, GenerateRefused, generate_province
from lms.synthetic.province import MAX_SCHOOLS, default_school_count

# Below this many teachers a worker pool costs more than it saves.
POOL_THRESHOLD = 50_000


class Command(BaseCommand):
    help = (
        "Generate a synthetic province for benchmarks: ~12 cities, counties, schools and N teachers with "
        "valid, unique, encrypted ID numbers and one open posting each. Uses COPY on PostgreSQL. "
        "Refuses to run when the database already has teachers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--teachers", type=int, required=True, help="number of teachers")
        parser.add_argument(
            "--schools", type=int, default=None,
            help=f"number of schools (default max(10, teachers // 50), at most {MAX_SCHOOLS})",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same province)")
        parser.add_argument("--province-code", default=DEFAULT_PROVINCE_CODE, help="6-digit code ending in 0000")
        parser.add_argument(
            "--workers", type=int, default=None,
            help="processes building rows (default: 2 on a multi-core machine for 50,000+ teachers, else 1)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        teachers: int = options["teachers"]
        if teachers < 1:
            raise CommandError("--teachers must be at least 1")
        schools = options["schools"] or default_school_count(teachers)
        workers = options["workers"] or (min(2, os.cpu_count() or 1) if teachers >= POOL_THRESHOLD else 1)
        started = time.perf_counter()

        def progress(message: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:7.1f} s] {message}")

        try:
            report = generate_province(
                GenerateOptions(
                    teachers=teachers, schools=schools, seed=options["seed"],
                    province_code=options["province_code"], workers=workers,
                ),
                progress,
            )
        except (GenerateRefused, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        wall = time.perf_counter() - started
        self.stdout.write(
            f"Generated {report.organisations} organisations and {report.teachers} teachers "
            f"(+ as many accounts and postings) in {wall:.1f} s with {workers} worker(s)."
        )
        self.stdout.write("Time per phase (waits overlap with loading when workers build rows):")
        for phase, seconds in report.timings.items():
            self.stdout.write(f"  {phase:<45} {seconds:8.2f} s")
