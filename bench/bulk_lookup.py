"""Benchmark: a personnel officer's bulk look-up of 10,000 ID numbers with 1,000,000 teachers loaded.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/bulk_lookup.py

Needs the province of bench/generate_province.py (and, for realistic hours and certificates, the annual
review benchmark's ledger and certificates). Adds idempotently: a personnel officer at the first city,
and a title rule set for 一级教师 if none is in force. Takes 10,000 ID numbers: ~98% teachers of that city
(decrypted from the roster), ~1% of another city and ~1% numbers nobody has; writes them to an .xlsx
(untimed), then times end to end what the upload and the Celery job do:
  1. the upload check (read the workbook, check every number),
  2. starting the job (the record and the private input file),
  3. the job body the task calls (scoped look-ups, certificates, hours, eligibility, access log, progress),
     with the result workbook written.
Prints seconds per stage and in total, rows found, and peak RSS. Target: under 10 s end to end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, setup_django  # noqa: E402

TARGET_SECONDS = 10.0
OFFICER = "bench-bulk-officer"


def officer_and_rule() -> tuple[Any, Any]:
    from django.contrib.auth import get_user_model

    from certification.models import CertificationLevel, TitleRuleSet
    from lms.api import Organisation, OrganisationKind, Role, role_grant

    city = Organisation.objects.filter(kind=OrganisationKind.CITY).order_by("path").first()
    if city is None:
        sys.exit("Load the province first: make bench-generate")
    user, _created = get_user_model().objects.get_or_create(username=OFFICER)
    role_grant(user=user, role=Role.PERSONNEL_OFFICER, organisation=city)  # granting twice returns the grant
    today = dt.date.today()
    if not TitleRuleSet.objects.filter(target_title="first", is_active=True, effective_from__lte=today).exists():
        version = (TitleRuleSet.objects.filter(target_title="first").order_by("-version").values_list("version", flat=True).first() or 0) + 1
        TitleRuleSet.objects.create(
            target_title="first", version=version, effective_from=dt.date(2024, 1, 1), from_title="second",
            years_by_education={"bachelor": 5, "master": 4, "doctor": 2, "college": 6, "": 7},
            cycle_hours_min=Decimal(360), min_level=CertificationLevel.objects.filter(code="middle").first(),
            appraisal_years=5, appraisal_min_grade="qualified", note="bench/bulk_lookup.py",
        )
    return user, city


def numbers_of(city: Any, size: int, seed: int) -> tuple[list[str], int]:
    """(ID numbers in a shuffled order, how many belong to the city)."""
    from lms.api import Organisation, OrganisationKind, Teacher, decrypt_text
    from lms.idcard import make_id_number

    rng = random.Random(seed)
    outside, unknown = size // 100, size // 100
    inside = size - outside - unknown
    schools = Organisation.objects.filter(path__startswith=city.path, kind=OrganisationKind.SCHOOL).values("id")
    ids = list(Teacher.objects.filter(school_id__in=schools).values_list("id", flat=True))
    other_schools = Organisation.objects.filter(kind=OrganisationKind.SCHOOL).exclude(path__startswith=city.path).values("id")
    other_ids = list(Teacher.objects.filter(school_id__in=other_schools).values_list("id", flat=True)[:50_000])
    chosen = rng.sample(ids, inside) + rng.sample(other_ids, outside)
    encrypted = Teacher.objects.filter(pk__in=chosen).values_list("id_number_encrypted", flat=True).iterator(chunk_size=5000)
    numbers = [decrypt_text(value) for value in encrypted]
    known = set(numbers)
    while len(numbers) < size:  # numbers nobody has: valid check digits, an area code no school uses
        number = make_id_number("990901", dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000)), rng.randrange(1000))
        if number not in known:
            known.add(number)
            numbers.append(number)
    rng.shuffle(numbers)
    return numbers, inside


def workbook_of(numbers: list[str]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "身份证号"])
    for index, number in enumerate(numbers, start=1):
        sheet.append([index, number])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the result workbook under PRIVATE_ROOT/bulk")
    args = parser.parse_args()
    database_url()
    setup_django()
    from django.conf import settings

    from certification.bulk import services, tasks
    from certification.bulk.spreadsheet import id_sheet_read
    from lms.api import Teacher

    user, city = officer_and_rule()
    prepared = time.perf_counter()
    numbers, inside = numbers_of(city, args.rows, args.seed)
    data = workbook_of(numbers)
    print(f"teachers loaded: {Teacher.objects.count():,}; officer of {city.name}; {len(numbers):,} ID numbers "
          f"({inside:,} of the city), workbook {len(data) / 1024:.0f} KB, prepared in {time.perf_counter() - prepared:.1f} s (untimed)")

    # The task is called directly below (timed as its own stage) instead of being queued on commit.
    tasks.bulk_lookup_answer.delay = lambda *a, **k: None  # type: ignore[method-assign]
    started = time.perf_counter()
    sheet = id_sheet_read(name="bench.xlsx", data=data)
    checked = time.perf_counter()
    lookup = services.bulk_lookup_start(user=user, name="bench.xlsx", sheet=sheet, title="first", reason="基准测试：批量查询")
    queued = time.perf_counter()
    lookup = services.bulk_lookup_run(lookup_id=lookup.pk)
    finished = time.perf_counter()
    total = finished - started
    result = Path(settings.PRIVATE_ROOT) / lookup.result_path if lookup.result_path else None
    print(f"1. upload check ({len(sheet.rows):,} rows):        {checked - started:6.2f} s")
    print(f"2. job record + private input file:      {queued - checked:6.2f} s")
    print(f"3. job body + result workbook:           {finished - queued:6.2f} s  "
          f"({(len(numbers) + services.CHUNK - 1) // services.CHUNK} chunks of {services.CHUNK:,})")
    print(f"state {lookup.state}; rows {lookup.total:,}; found {lookup.found:,} (expected {inside:,}); "
          f"result {result.stat().st_size / 1024:.0f} KB" if result else f"state {lookup.state}: {lookup.error}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"end to end: {total:.2f} s (target < {TARGET_SECONDS:.0f} s: {'met' if total < TARGET_SECONDS else 'NOT met'}); "
          f"peak RSS {peak:.0f} MB")
    if result is not None and not args.keep:
        result.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
