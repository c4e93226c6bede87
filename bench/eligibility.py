"""Benchmark: one eligibility check (every requirement of a level explained) with 1,000,000 teachers loaded.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/eligibility.py

Needs the province of bench/generate_province.py (`make bench-generate`; the annual-review benchmark's
ledger makes the hours look-ups realistic). Loads the 2.0 framework and the demo's three levels and
rules if missing, recognises 2–6 competency results for 1,000 random teachers (once; results are
append-only, a later run reuses them), then times level_eligibility for 500 random teachers × every
level after a warm-up, and prints p50/p95/max in ms. Target: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, percentile, setup_django  # noqa: E402

TARGET_MS = 50.0
CODES = ("A1", "A3", "A6", "A10", "A11", "B6")


def prepare(sample: int) -> list[int]:
    from assessments.api import competency_result_recognise, framework_2_0_core_ensure
    from assessments.models import CompetencyResult
    from certification.demo import _levels, _rules
    from lms.models import Teacher

    framework_2_0_core_ensure()
    _rules(_levels())
    done = list(CompetencyResult.objects.filter(source="recognised").values_list("teacher_id", flat=True).distinct()[:sample])
    if len(done) >= sample:
        return done
    total = Teacher.objects.count()
    if total < 1000:
        sys.exit("Load the province first: make bench-generate")
    rng = random.Random(7)
    first = Teacher.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    ids = list(Teacher.objects.filter(pk__in=[first + rng.randrange(total) for _ in range(sample * 2)]).values_list("pk", flat=True)[:sample])
    for teacher_id in ids:
        for code in rng.sample(CODES, rng.randint(2, 6)):
            competency_result_recognise(teacher_id=teacher_id, competency_code=code, framework_code="2.0", framework_version=1, level="pass", passed=True)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checks", type=int, default=500)
    args = parser.parse_args()
    database_url()
    setup_django()
    from certification.eligibility import level_eligibility, levels_in_use
    from lms.models import Teacher

    ids = prepare(1000)
    levels = levels_in_use()
    print(f"teachers loaded: {Teacher.objects.count():,}; sample with results: {len(ids)}; levels: {[level.name for level in levels]}")
    rng = random.Random(11)
    chosen = [Teacher.objects.select_related("school").get(pk=pk) for pk in rng.sample(ids, min(args.checks, len(ids)))]
    for teacher in chosen[:20]:  # warm-up
        level_eligibility(teacher=teacher, level=levels[0])
    timings: list[float] = []
    eligible = 0
    for teacher in chosen:
        for level in levels:
            start = time.perf_counter()
            result = level_eligibility(teacher=teacher, level=level)
            timings.append((time.perf_counter() - start) * 1000)
            eligible += int(result.eligible)
    p50, p95 = percentile(timings, 0.50), percentile(timings, 0.95)
    print(f"eligibility checks: {len(timings)}  eligible: {eligible}")
    print(f"p50 {p50:.1f} ms  p95 {p95:.1f} ms  max {max(timings):.1f} ms  (target p95 < {TARGET_MS:.0f} ms: {'met' if p95 < TARGET_MS else 'NOT met'})")


if __name__ == "__main__":
    main()
