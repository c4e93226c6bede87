"""Benchmark: the province-wide completion report and the 360-hour indicator over 1,000,000 teachers and
~20,000,000 ledger rows, and the long teacher-by-teacher export of one county.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/lms_bench .venv/bin/python bench/completion_report.py

Needs the province of bench/generate_province.py and the ledger of bench/annual_review.py
(`make bench-generate`, `make bench-annual-review`). Creates a province administrator once
(bench_report_admin), then, as that user, builds the reports with the functions the pages use
(certification.reports.build) for the cycle holding --year (2025: the ledger's 2021–2025), and runs
the export job's service for the first county (no broker). Prints seconds, rows, teachers covered
and the process's peak RSS. Target: the completion report under 60 s with peak memory under 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import database_url, setup_django  # noqa: E402

TARGET_SECONDS = 60.0
TARGET_MB = 1024.0
USERNAME = "bench_report_admin"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def province_admin():
    from django.contrib.auth import get_user_model

    from lms.api import Organisation, OrganisationKind, Role, active_grants, role_grant

    province = Organisation.objects.filter(kind=OrganisationKind.PROVINCE, code="980000").first()
    if province is None:
        sys.exit("Load the province first: make bench-generate")
    user, _ = get_user_model().objects.get_or_create(username=USERNAME)
    if not active_grants(user=user, roles=[Role.PROVINCE_ADMIN]).filter(organisation=province).exists():
        role_grant(user=user, role=Role.PROVINCE_ADMIN, organisation=province)
    return user, province


def timed(build):
    started = time.perf_counter()
    result = build()
    seconds = time.perf_counter() - started
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2025, help="a year of the cycle to report (default 2025)")
    args = parser.parse_args()
    database_url()
    setup_django()
    from django.conf import settings
    from django.utils import translation

    from certification.reports.build import (
        ReportFilters, annual_report, completion_report, indicator_report, levels_report, trends_report,
    )
    from certification.reports.scope import report_children
    from certification.reports.services import report_export_run, report_export_start

    translation.activate("zh-hans")
    user, province = province_admin()
    today = dt.date.today()
    filters = ReportFilters(year=args.year)
    print(f"province {province.name}（{province.code}）; baseline peak RSS {peak_mb():.0f} MB", flush=True)

    report, seconds = timed(lambda: completion_report(user=user, node=province, filters=filters, today=today))
    table = report.tables[0]
    total = next(row for row in table.rows if row.is_total)
    figures = dict(zip([key for key, _label in table.columns], total.values))
    ok = seconds < TARGET_SECONDS and peak_mb() < TARGET_MB
    print(f"completion report (province, {report.notes[0]}): {seconds:.1f} s, {len(table.body())} city rows "
          f"+ {len(report.table('stage').body())} stage + {len(report.table('subject').body())} subject rows, "
          f"{report.teachers:,} teachers covered; peak RSS {peak_mb():.0f} MB "
          f"(target < {TARGET_SECONDS:.0f} s, < {TARGET_MB:.0f} MB: {'met' if ok else 'NOT met'})", flush=True)
    print(f"  totals: {figures}", flush=True)

    report, seconds = timed(lambda: indicator_report(user=user, node=province, filters=filters, today=today))
    total = next(row for row in report.tables[0].rows if row.is_total)
    print(f"360 indicator (province, {report.notes[0]}): {seconds:.1f} s, {len(report.tables[0].body())} rows, "
          f"{report.teachers:,} teachers covered, reached {total.values[1]:,}; peak RSS {peak_mb():.0f} MB", flush=True)

    for name, build in (("levels", levels_report), ("annual review", annual_report), ("trends", trends_report)):
        report, seconds = timed(lambda: build(user=user, node=province, filters=ReportFilters(), today=today))
        print(f"{name} report (province): {seconds:.1f} s, {len(report.tables[0].body())} rows; peak RSS {peak_mb():.0f} MB", flush=True)

    city = report_children(node=province).first()
    county = report_children(node=city).first() if city is not None else None
    if county is None:
        sys.exit("The province has no county to export")
    report, seconds = timed(lambda: completion_report(user=user, node=county, filters=filters, today=today))
    print(f"completion report (one county, {county.name}): {seconds:.1f} s, {len(report.tables[0].body())} school rows, "
          f"{report.teachers:,} teachers", flush=True)
    started = time.perf_counter()
    export = report_export_start(user=user, node=county, filters=filters, queue=False)
    export = report_export_run(export_id=export.pk, today=today)
    seconds = time.perf_counter() - started
    size = (Path(settings.PRIVATE_ROOT) / export.file_path).stat().st_size if export.file_path else 0
    print(f"teacher export (one county, {county.name}): {seconds:.1f} s, state {export.state}, {export.done:,} rows, "
          f"{size / 1024:.0f} KB{' · ' + export.error if export.error else ''}; peak RSS {peak_mb():.0f} MB", flush=True)


if __name__ == "__main__":
    main()
