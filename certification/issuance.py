"""The nightly issuance: every teacher newly eligible for a level gets it, lowest level first (so a
prerequisite issued tonight counts for the next level tonight). Safe to run twice or in two workers."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from assessments.api import teacher_ids_with_passed_results
from lms.api import EmploymentStatus, Teacher

from .eligibility import level_rule_in_force, levels_in_use
from .models import Certificate, IssueMode
from .services import IssueRefused, certificate_issue

log = logging.getLogger(__name__)
CHUNK = 500


def _candidates(*, level_id: int, framework_code: str, framework_version: int, min_count: int, today: dt.date) -> list[int]:
    ids = set(teacher_ids_with_passed_results(
        framework_code=framework_code, framework_version=framework_version, min_count=max(min_count, 1)
    ))
    holding = set(
        Certificate.objects.filter(level_id=level_id, is_current=True, valid_until__gte=today, teacher_id__in=ids)
        .values_list("teacher_id", flat=True)
    )
    return sorted(ids - holding)


def certificates_issue_newly_eligible(*, today: dt.date | None = None) -> dict[str, int]:
    """Counts per level code of certificates issued; teachers not (yet) eligible are skipped silently."""
    today = today or timezone.localdate()
    issued: dict[str, int] = {}
    for level in levels_in_use():
        rule = level_rule_in_force(level=level, today=today)
        if rule is None:
            continue
        ids = _candidates(
            level_id=level.pk, framework_code=rule.framework_code, framework_version=rule.framework_version,
            min_count=rule.competencies_min, today=today,
        )
        count = 0
        for start in range(0, len(ids), CHUNK):
            teachers = Teacher.objects.filter(pk__in=ids[start:start + CHUNK], employment_status=EmploymentStatus.ACTIVE).select_related("school")
            for teacher in teachers:
                try:
                    result = certificate_issue(teacher=teacher, level=level, mode=IssueMode.AUTOMATIC, today=today)
                except IssueRefused:
                    continue
                count += int(result.created)
        issued[level.code] = count
        log.info("nightly issuance: %s issued %s", level.code, count)
    return issued
