"""Automatic assignment of reviewers: the least-loaded calibrated reviewer of the submission's pool who has no
conflict with it and has not reviewed it before, never over the reviewer's cap.

`plan_assignments` is the pure planner (a heap keyed by load); `review_assign` reads what is waiting, plans
and writes, under row locks so two runs at once never give one role twice (a partial unique index backs it).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from assessments.models import (
    AssignmentRole,
    AssignmentStatus,
    CalibrationStatus,
    PoolMember,
    ReviewAssignment,
    ReviewerPool,
    ReviewEvent,
    Submission,
    SubmissionStatus,
)
from lms.api import Organisation

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
    return [
        Reviewer(
            user_id=m.reviewer_id, cap=m.effective_cap(), load=load.get(m.reviewer_id, 0),
            conflict_prefixes=(_scope_prefix(m.home.path, pool.conflict_scope, kinds), *(o.path for o in m.conflicts.all())),
        )
        for m in members_list
    ]


def _needs(submissions: Sequence[Submission]) -> list[Need]:
    """What each waiting submission still lacks: roles without a live assignment, and who may not take them."""
    ids = [s.pk for s in submissions]
    live: dict[int, set[tuple[int, str]]] = defaultdict(set)
    used: dict[int, set[int]] = defaultdict(set)
    for sub_id, rnd, role, status, user_id in ReviewAssignment.objects.filter(submission_id__in=ids).values_list(
        "submission_id", "round", "role", "status", "reviewer_id"
    ):
        used[sub_id].add(user_id)
        if status in (AssignmentStatus.OPEN, AssignmentStatus.DONE):
            live[sub_id].add((rnd, role))
    needs = []
    for s in submissions:
        roles = tuple(role for role in ROLES_FOR[s.status] if (s.round, role) not in live[s.pk])
        if roles:
            own = {s.teacher.user_id} if s.teacher is not None and s.teacher.user_id else set()
            needs.append(Need(s.pk, s.school.path, roles, frozenset(used[s.pk] | own)))
    return needs


def _write(placements: Sequence[Placement], pool: ReviewerPool, subs: dict[int, Submission], now: dt.datetime) -> None:
    rows = []
    for p in placements:
        sub = subs[p.submission_id]
        due = now + dt.timedelta(days=sub.task.review_days)
        rows.append(ReviewAssignment(
            submission_id=p.submission_id, reviewer_id=p.user_id, pool=pool, role=p.role, round=sub.round,
            assigned_at=now, due_at=due,
        ))
    ReviewAssignment.objects.bulk_create(rows, batch_size=5000)
    placed = sorted({p.submission_id for p in placements})
    Submission.objects.filter(pk__in=placed, status=SubmissionStatus.SUBMITTED).update(status=SubmissionStatus.IN_REVIEW)
    by_sub: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for p in placements:
        by_sub[p.submission_id].append((p.role, p.user_id))
    ReviewEvent.objects.bulk_create(
        [ReviewEvent(at=now, action="assigned", submission_id=sid, detail={"pool": pool.pk, "reviewers": pairs})
         for sid, pairs in by_sub.items()],
        batch_size=5000,
    )


def _assign_pool(pool: ReviewerPool, subs: list[Submission], now: dt.datetime) -> AssignOutcome:
    calibration_needed = pool.calibration_cases.exists()
    reviewers = pool_reviewers(pool, calibration_needed=calibration_needed)
    needs = _needs(subs)
    placements, unplaced = plan_assignments(needs, reviewers)
    _write(placements, pool, {s.pk: s for s in subs}, now)
    return AssignOutcome(assigned=len(placements), waiting=len(set(unplaced)))


def _waiting(submission_ids: Sequence[int] | None) -> list[Submission]:
    qs = Submission.objects.filter(status__in=WAITING, is_calibration=False)
    if submission_ids is not None:
        qs = qs.filter(pk__in=submission_ids)
    # Locked, skipping rows another run holds: that run assigns them.
    return list(qs.select_for_update(skip_locked=True, of=("self",)).select_related("school", "task", "teacher").order_by("submitted_at", "pk"))


def review_assign(*, now: dt.datetime | None = None, submission_ids: Sequence[int] | None = None) -> AssignOutcome:
    """Assign reviewers to every waiting submission (or the given ones), pool by pool."""
    now = now or timezone.now()
    assigned = waiting = 0
    with transaction.atomic():
        pools = list(ReviewerPool.objects.filter(is_active=True).select_related("region").select_for_update(of=("self",)))
        by_pool: dict[int, list[Submission]] = defaultdict(list)
        for sub in _waiting(submission_ids):
            pool = pool_for_school(pools, sub.school.path)
            if pool is None:
                waiting += 1
                continue
            by_pool[pool.pk].append(sub)
        for pool in pools:
            if by_pool.get(pool.pk):
                outcome = _assign_pool(pool, by_pool[pool.pk], now)
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
