"""Add a calibration case to a reviewer pool: a blind copy of decided work with the level a panel gave it.

    manage.py calibration_case_add --pool 3 --submission E7KQ2M9PA --level pass
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import ReviewerPool, Submission
from assessments.review.calibration import calibration_case_create


class Command(BaseCommand):
    help = "Add a pre-graded calibration case (a blind copy of a submission) to a reviewer pool."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pool", type=int, required=True, help="reviewer pool id")
        parser.add_argument("--submission", required=True, help="the submission's blind code")
        parser.add_argument("--level", required=True, help="the level the panel gave it (a rubric level code)")

    def handle(self, *args: Any, **options: Any) -> None:
        pool = ReviewerPool.objects.filter(pk=options["pool"]).first()
        source = Submission.objects.select_related("task__rubric").filter(blind_code=options["submission"]).first()
        if pool is None or source is None:
            raise CommandError("No such pool or submission.")
        codes = source.task.rubric.level_codes()
        if options["level"] not in codes:
            raise CommandError(f"Unknown level {options['level']!r}; the rubric has {', '.join(codes)}.")
        case = calibration_case_create(pool=pool, source=source, level=options["level"])
        self.stdout.write(f"Calibration case {case.blind_code} added to {pool.name}; members still to calibrate get it next run.")
