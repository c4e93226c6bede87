"""Automatic assignment of reviewers: the least-loaded calibrated reviewer of the submission's pool who has no
conflict with it and has not reviewed it before, never over the reviewer's cap.

`plan_assignments` is the pure planner (a heap keyed by load); `review_assign` reads what is waiting, plans
and writes, under row locks so two runs at once never give one role twice (a partial unique index backs it).
It reads plain rows, not model instances, and on PostgreSQL writes the assignments and their events by COPY:
50,000 submissions take seconds (bench/review_assign.py).
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Count, Model, Q
from django.utils import timezone

from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    CalibrationStatus,
    EvidenceTask,
    PoolMember,
    ReviewAssignment,
    ReviewerPool,
    ReviewEvent,
    Submission,
    SubmissionStatus,
)
from lms.api import Organisation, Teacher

STEP = Organisation.steplen
WAITING = (SubmissionStatus.SUBMITTED, SubmissionStatus.IN_REVIEW, SubmissionStatus.ADJUDICATING, SubmissionStatus.APPEALED)
ROLES_FOR: dict[str, tuple[str, ...]] = {
    SubmissionStatus.SUBMITTED: (AssignmentRole.FIRST, AssignmentRole.SECOND),
    SubmissionStatus.IN_REVIEW: (AssignmentRole.FIRST, AssignmentRole.SECOND),
    SubmissionStatus.ADJUDICATING: (AssignmentRole.ADJUDICATOR,),
    SubmissionStatus.APPEALED: (AssignmentRole.APPEAL,),
}


@dataclass
class Reviewer:
    user_id: int
    cap: int
    load: int
    conflict_prefixes: tuple[str, ...]

    def conflicts_with(self, school_path: str) -> bool:
        return any(school_path.startswith(prefix) for prefix in self.conflict_prefixes)


@dataclass(frozen=True)
class Need:
    submission_id: int
    school_path: str
    roles: tuple[str, ...]
    exclude: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Placement:
    submission_id: int
    role: str
    user_id: int


@dataclass(frozen=True)
class AssignOutcome:
    assigned: int
    waiting: int


def _take(heap: list[tuple[int, int, Reviewer]], need: Need, chosen: set[int]) -> Reviewer | None:
    """Pop the least-loaded acceptable reviewer; the ones skipped go back on the heap."""
    skipped: list[tuple[int, int, Reviewer]] = []
    found: Reviewer | None = None
    while heap:
        entry = heapq.heappop(heap)
        reviewer = entry[2]
        if reviewer.user_id in chosen or reviewer.user_id in need.exclude or reviewer.conflicts_with(need.school_path):
            skipped.append(entry)
            continue
        found = reviewer
        break
    for entry in skipped:
        heapq.heappush(heap, entry)
    return found


def plan_assignments(needs: Iterable[Need], reviewers: Sequence[Reviewer]) -> tuple[list[Placement], list[int]]:
    """Place every role of every need; returns the placements and the submissions left (partly) unplaced."""
    heap = [(r.load, r.user_id, r) for r in reviewers if r.load < r.cap]
    heapq.heapify(heap)
    placements: list[Placement] = []
    unplaced: list[int] = []
    for need in needs:
        chosen: set[int] = set()
        for role in need.roles:
            reviewer = _take(heap, need, chosen)
            if reviewer is None:
                unplaced.append(need.submission_id)
                break
            chosen.add(reviewer.user_id)
            placements.append(Placement(need.submission_id, role, reviewer.user_id))
            reviewer.load += 1
            if reviewer.load < reviewer.cap:
                heapq.heappush(heap, (reviewer.load, reviewer.user_id, reviewer))
    return placements, unplaced


def _ancestor_paths(path: str) -> list[str]:
    return [path[: STEP * depth] for depth in range(1, len(path) // STEP + 1)]


def pool_for_school(pools: Sequence[ReviewerPool], school_path: str) -> ReviewerPool | None:
    """The deepest active pool whose region contains the school."""
    inside = [pool for pool in pools if school_path.startswith(pool.region.path)]
    return max(inside, key=lambda pool: len(pool.region.path), default=None)


def _scope_prefix(home_path: str, scope: str, kinds: dict[str, str]) -> str:
    """The part of the tree the reviewer may not review: their own school, or its county or city."""
    if scope == "school":
        return home_path
    for path in _ancestor_paths(home_path):
        if kinds.get(path) == scope:
            return path
    return home_path


def pool_reviewers(pool: ReviewerPool, *, calibration_needed: bool) -> list[Reviewer]:
    """Active (and, where the pool has calibration cases, calibrated) members with their open load."""
    members = PoolMember.objects.filter(pool=pool, is_active=True).select_related("home")
    if calibration_needed:
        members = members.filter(calibration=CalibrationStatus.PASSED)
    members_list = list(members.prefetch_related("conflicts"))
    load = dict(
        ReviewAssignment.objects.filter(pool=pool, status=AssignmentStatus.OPEN)
        .exclude(role=AssignmentRole.CALIBRATION)
        .values("reviewer").annotate(n=Count("pk")).values_list("reviewer", "n")
    )
    paths = {p for m in members_list for p in _ancestor_paths(m.home.path)}
    kinds = dict(Organisation.objects.filter(path__in=paths).values_list("path", "kind"))
    # A reviewer who teaches somewhere never reviews that school either, whatever home the pool gives them.
    taught = dict(Teacher.objects.filter(user_id__in=[m.reviewer_id for m in members_list]).values_list("user_id", "school__path"))
    return [
        Reviewer(
            user_id=m.reviewer_id, cap=m.effective_cap(), load=load.get(m.reviewer_id, 0),
            conflict_prefixes=(
                _scope_prefix(m.home.path, pool.conflict_scope, kinds), *(o.path for o in m.conflicts.all()),
                *([taught[m.reviewer_id]] if m.reviewer_id in taught else []),
            ),
        )
        for m in members_list
    ]


@dataclass(frozen=True)
class Waiting:
    """A waiting submission (locked by this run) with what assigning it needs: no model instances, which
    at tens of thousands of submissions cost more than the rest of the run."""

    submission_id: int
    status: str
    round: int
    task_id: int
    school_path: str
    teacher_user_id: int | None


def _needs(waiting: Sequence[Waiting], *, all_waiting: bool) -> dict[int, Need]:
    """What each waiting submission still lacks: roles without a live assignment, and who may not take them.

    `all_waiting`: the run takes every waiting submission, so the assignments are read by joining on the
    waiting ones rather than through a list of tens of thousands of ids."""
    ours = {w.submission_id for w in waiting}
    assignments = ReviewAssignment.objects.all()
    if all_waiting:
        assignments = assignments.filter(submission__status__in=WAITING, submission__is_calibration=False)
    else:
        assignments = assignments.filter(submission_id__in=ours)
    live: dict[int, set[tuple[int, str]]] = defaultdict(set)
    used: dict[int, set[int]] = defaultdict(set)
    for sub_id, rnd, role, status, user_id in assignments.values_list(
        "submission_id", "round", "role", "status", "reviewer_id"
    ):
        if sub_id not in ours:
            continue
        used[sub_id].add(user_id)
        if status in (AssignmentStatus.OPEN, AssignmentStatus.DONE):
            live[sub_id].add((rnd, role))
    needs = {}
    for w in waiting:
        done = live.get(w.submission_id, set())
        roles = tuple(role for role in ROLES_FOR[w.status] if (w.round, role) not in done)
        if roles:
            own = {w.teacher_user_id} if w.teacher_user_id else set()
            exclude = frozenset(used.get(w.submission_id, set()) | own)
            needs[w.submission_id] = Need(w.submission_id, w.school_path, roles, exclude)
    return needs


def _insert(model: type[Model], fields: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """Many new rows: COPY on PostgreSQL (no model instances to build, no statement to compile per value),
    bulk_create elsewhere. `fields` are attribute names; JSON values come already dumped."""
    if not rows:
        return
    concrete = {f.attname: f for f in model._meta.concrete_fields}
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(concrete[name].column)) for name in fields)
        with connection.wrap_database_errors, connection.cursor() as cursor:
            with cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    json_fields = [i for i, name in enumerate(fields) if isinstance(concrete[name], models.JSONField)]
    objects = []
    for row in rows:
        values = list(row)
        for i in json_fields:
            values[i] = json.loads(values[i])
        objects.append(model(**dict(zip(fields, values, strict=True))))
    model._default_manager.bulk_create(objects, batch_size=5000)


ASSIGNMENT_FIELDS = ("submission_id", "reviewer_id", "pool_id", "role", "round", "status", "assigned_at", "due_at")
EVENT_FIELDS = ("at", "action", "submission_id", "detail")


def _write(
    placements: Sequence[Placement], pool: ReviewerPool, subs: dict[int, Waiting], review_days: dict[int, int],
    now: dt.datetime,
) -> None:
    due = {task_id: now + dt.timedelta(days=days) for task_id, days in review_days.items()}
    rows = []
    for p in placements:
        sub = subs[p.submission_id]
        rows.append((p.submission_id, p.user_id, pool.pk, p.role, sub.round, AssignmentStatus.OPEN.value, now,
                     due[sub.task_id]))
    _insert(ReviewAssignment, ASSIGNMENT_FIELDS, rows)
    by_sub: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for p in placements:
        by_sub[p.submission_id].append((p.role, p.user_id))
    placed = sorted(by_sub)
    Submission.objects.filter(pk__in=placed, status=SubmissionStatus.SUBMITTED).update(status=SubmissionStatus.IN_REVIEW)
    _insert(
        ReviewEvent, EVENT_FIELDS,
        [(now, "assigned", sid, json.dumps({"pool": pool.pk, "reviewers": pairs})) for sid, pairs in by_sub.items()],
    )


def _assign_pool(
    pool: ReviewerPool, needs: list[Need], subs: dict[int, Waiting], review_days: dict[int, int], now: dt.datetime,
) -> AssignOutcome:
    calibration_needed = pool.calibration_cases.exists()
    reviewers = pool_reviewers(pool, calibration_needed=calibration_needed)
    placements, unplaced = plan_assignments(needs, reviewers)
    _write(placements, pool, subs, review_days, now)
    return AssignOutcome(assigned=len(placements), waiting=len(set(unplaced)))


def _waiting(submission_ids: Sequence[int] | None) -> list[Waiting]:
    """The waiting submissions (or the given ones among them), oldest first, locked."""
    qs = Submission.objects.filter(status__in=WAITING, is_calibration=False)
    if submission_ids is not None:
        qs = qs.filter(pk__in=submission_ids)
    # The locking read joins nothing, so only submission rows are locked; their schools and teachers come in
    # a second read. A full run skips rows another transaction holds (the next run takes them); a run for
    # named submissions (right after a submit, an appeal, a disagreement) waits for such a brief lock (a
    # second submit of the same work being refused, say), so the work is never left waiting.
    skip = submission_ids is None
    locked = list(qs.select_for_update(skip_locked=skip).order_by("submitted_at", "pk").values_list("pk", flat=True))
    details = {
        row[0]: row for row in qs.values_list("pk", "status", "round", "task_id", "school__path", "teacher__user_id")
    }
    return [Waiting(*details[pk]) for pk in locked if pk in details]


def review_assign(*, now: dt.datetime | None = None, submission_ids: Sequence[int] | None = None) -> AssignOutcome:
    """Assign reviewers to every waiting submission (or the given ones), pool by pool."""
    now = now or timezone.now()
    assigned = waiting = 0
    with transaction.atomic():
        pools = list(ReviewerPool.objects.filter(is_active=True).select_related("region").select_for_update(of=("self",)))
        subs = _waiting(submission_ids)
        needs = _needs(subs, all_waiting=submission_ids is None)
        pool_of: dict[str, ReviewerPool | None] = {}
        by_pool: dict[int, list[Need]] = defaultdict(list)
        for sub in subs:
            if sub.school_path not in pool_of:
                pool_of[sub.school_path] = pool_for_school(pools, sub.school_path)
            pool = pool_of[sub.school_path]
            if pool is None:
                waiting += 1
                continue
            if sub.submission_id in needs:
                by_pool[pool.pk].append(needs[sub.submission_id])
        if by_pool:
            task_ids = {sub.task_id for sub in subs}
            review_days = dict(EvidenceTask.objects.filter(pk__in=task_ids).values_list("pk", "review_days"))
            by_id = {sub.submission_id: sub for sub in subs}
            for pool in pools:
                if by_pool.get(pool.pk):
                    outcome = _assign_pool(pool, by_pool[pool.pk], by_id, review_days, now)
                    assigned += outcome.assigned
                    waiting += outcome.waiting
    return AssignOutcome(assigned=assigned, waiting=waiting)


def open_load(*, pool: ReviewerPool) -> dict[int, int]:
    """Open assignments per reviewer in a pool (for the admin and the benchmark's checks)."""
    return dict(
        ReviewAssignment.objects.filter(pool=pool, status=AssignmentStatus.OPEN)
        .filter(~Q(role=AssignmentRole.CALIBRATION))
        .values("reviewer").annotate(n=Count("pk")).values_list("reviewer", "n")
    )
