"""The annual review run (年度审核): a parent run for a year and a region, one child run per county as a
Celery task; each child is one transaction of set-based SQL under a per-(year, county) lock, and the
parent's state and counts roll up from its children."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.api import Organisation, OrganisationKind

from ..access import regions_administered_by
from ..models import AnnualReviewRule, AnnualReviewRun
from .sql import advisory_lock, review_county_sql

logger = logging.getLogger(__name__)

REGION_KINDS = (OrganisationKind.PROVINCE, OrganisationKind.CITY, OrganisationKind.COUNTY)
FIRST_YEAR = 2000
COUNT_KEYS = (
    "reviewed", "written", "changed", "unchanged", "renewed", "warned", "suspended", "status_suspended",
    "status_reinstated",
)


def annual_review_rule_for(*, year: int) -> AnnualReviewRule:
    """The rules in force at the end of the reviewed year (else the earliest); a default v1 if none exist."""
    rules = AnnualReviewRule.objects.order_by("-effective_from", "-version")
    rule = rules.filter(effective_from__lte=dt.date(year, 12, 31)).first() or rules.last()
    if rule is None:
        rule, _created = AnnualReviewRule.objects.get_or_create(
            version=1, defaults={"effective_from": dt.date(FIRST_YEAR, 1, 1), "note": "default"}
        )
    return rule


def counties_of(region: Organisation) -> list[Organisation]:
    """The counties a run fans out to: the region's counties, or the region itself when it has none."""
    if region.kind == OrganisationKind.COUNTY:
        return [region]
    counties = list(
        Organisation.objects.filter(path__startswith=region.path, kind=OrganisationKind.COUNTY).order_by("path")
    )
    return counties or [region]


def _check_start(*, year: int, region: Organisation, by: Any) -> None:
    if region.kind not in REGION_KINDS:
        raise ValidationError(_("Choose a province, city or county."))
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ValidationError(
            _("The year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": timezone.localdate().year}
        )
    if by is not None and not regions_administered_by(user=by).filter(pk=region.pk).exists():
        raise PermissionDenied(_("You can run the annual review only for regions you administer."))


def annual_review_start(*, year: int, region: Organisation, by: Any, queue: bool = True) -> AnnualReviewRun:
    """A parent run and one child per county, each queued as a task once this transaction commits
    (queue=False: the caller runs the children itself, e.g. the management command)."""
    _check_start(year=year, region=region, by=by)
    rule = annual_review_rule_for(year=year)
    started_by = by if by is not None and by.is_authenticated else None
    with transaction.atomic():
        parent = AnnualReviewRun.objects.create(year=year, region=region, rule=rule, started_by=started_by)
        children = AnnualReviewRun.objects.bulk_create(
            [AnnualReviewRun(year=year, region=county, rule=rule, parent=parent, started_by=started_by) for county in counties_of(region)]
        )
        for child in children if queue else ():
            transaction.on_commit(_queue_county(child.pk))
    return parent


def _queue_county(run_id: int) -> Callable[[], None]:
    from .tasks import annual_review_county

    return lambda: annual_review_county.delay(run_id)


def annual_review_county_run(*, run_id: int) -> AnnualReviewRun:
    """Review one county; record the counts or the failure, then roll the parent up. Never raises for a
    failure of the review itself: the run records it."""
    run = AnnualReviewRun.objects.select_related("region", "rule").get(pk=run_id)
    if run.state in (AnnualReviewRun.State.DONE, AnnualReviewRun.State.FAILED):
        return run  # a redelivered task: the run already finished
    AnnualReviewRun.objects.filter(pk=run.pk).update(state=AnnualReviewRun.State.RUNNING)
    if run.parent_id:
        AnnualReviewRun.objects.filter(pk=run.parent_id, state=AnnualReviewRun.State.QUEUED).update(
            state=AnnualReviewRun.State.RUNNING
        )
    try:
        with transaction.atomic():
            advisory_lock(year=run.year, county_id=run.region_id)
            result = review_county_sql(
                year=run.year, county=run.region, rule=run.rule, run_id=run.pk, by_id=run.started_by_id
            )
        run.state, run.counts, run.error = AnnualReviewRun.State.DONE, result.as_counts(), ""
    except Exception as exc:  # noqa: BLE001 - the run records any failure for the administrator
        logger.exception("annual review run %s failed", run.pk)
        run.state, run.error = AnnualReviewRun.State.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "counts", "error", "finished_at"])
    if run.parent_id:
        annual_review_rollup(run_id=run.parent_id)
    return run


def annual_review_rollup(*, run_id: int) -> AnnualReviewRun:
    """The parent's counts are the sum of its children's; it is done when every child finished."""
    with transaction.atomic():
        parent = AnnualReviewRun.objects.select_for_update().get(pk=run_id)
        children = list(parent.children.values("state", "counts"))
        totals = dict.fromkeys(COUNT_KEYS, 0)
        for child in children:
            for key, value in (child["counts"] or {}).items():
                totals[key] = totals.get(key, 0) + int(value)
        states = {child["state"] for child in children}
        finished = states <= {AnnualReviewRun.State.DONE, AnnualReviewRun.State.FAILED}
        if finished:
            parent.state = AnnualReviewRun.State.FAILED if AnnualReviewRun.State.FAILED in states else AnnualReviewRun.State.DONE
            parent.finished_at = parent.finished_at or timezone.now()
            failed = sum(1 for child in children if child["state"] == AnnualReviewRun.State.FAILED)
            parent.error = _("%(failed)s of %(total)s counties failed.") % {"failed": failed, "total": len(children)} if failed else ""
        elif states - {AnnualReviewRun.State.QUEUED}:
            parent.state = AnnualReviewRun.State.RUNNING
        parent.counts = totals
        parent.save(update_fields=["state", "counts", "finished_at", "error"])
    return parent


def annual_review_yearly(*, today: dt.date | None = None) -> list[AnnualReviewRun]:
    """Beat, every January: the review of the year just ended, for every province."""
    year = (today or timezone.localdate()).year - 1
    provinces = Organisation.objects.filter(kind=OrganisationKind.PROVINCE).order_by("path")
    return [annual_review_start(year=year, region=province, by=None) for province in provinces]


def run_progress(run: AnnualReviewRun) -> dict[str, int]:
    """Children finished out of all (a county run counts as one of one)."""
    children = list(run.children.values_list("state", flat=True))
    if not children:
        done = run.state in (AnnualReviewRun.State.DONE, AnnualReviewRun.State.FAILED)
        return {"done": int(done), "total": 1, "percent": 100 if done else 0}
    finished = sum(1 for state in children if state in (AnnualReviewRun.State.DONE, AnnualReviewRun.State.FAILED))
    return {"done": finished, "total": len(children), "percent": int(finished * 100 / len(children))}
