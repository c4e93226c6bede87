"""Run the annual review (年度审核) by hand for a year and a region: `manage.py annual_review_run --year 2025
--region 990000`. The counties run in this process one after another unless --queue hands them to Celery."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from certification.annual.run import annual_review_county_run, annual_review_rollup, annual_review_start
from lms.api import Organisation


class Command(BaseCommand):
    help = "Run the annual review for a year over a region (province, city or county code)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", required=True, help="the region's official code, e.g. 990000")
        parser.add_argument("--queue", action="store_true", help="queue one Celery task per county instead")

    def handle(self, *args: Any, **options: Any) -> None:
        region = Organisation.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"No organisation with the code {options['region']}.")
        started = time.perf_counter()
        try:
            parent = annual_review_start(year=options["year"], region=region, by=None, queue=options["queue"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        children = list(parent.children.select_related("region").order_by("region__path"))
        if options["queue"]:
            self.stdout.write(f"Run {parent.pk}: {len(children)} county task(s) queued.")
            return
        for child in children:
            done = annual_review_county_run(run_id=child.pk)
            self.stdout.write(f"  {child.region.name}（{child.region.code}）: {done.state} {done.counts or done.error}")
        parent = annual_review_rollup(run_id=parent.pk)
        self.stdout.write(
            f"Run {parent.pk} for {parent.year} over {region.name}: {parent.state} in {time.perf_counter() - started:.1f} s; "
            + ", ".join(f"{key} {value}" for key, value in parent.counts.items())
        )
        if parent.state != parent.State.DONE:
            raise CommandError(parent.error or "The run failed.")
