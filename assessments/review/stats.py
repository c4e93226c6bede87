"""Reviewer quality: exact agreement with the co-reviewer, Cohen's kappa, how often an adjudicator overturned
the reviewer, and time to review — per reviewer and per pool. Calibration work is left out."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from assessments.models import AssignmentRole, AssignmentStatus, ReviewDecision, ReviewAssignment, ReviewerPool


def exact_agreement(pairs: Sequence[tuple[str, str]]) -> float | None:
    return sum(1 for a, b in pairs if a == b) / len(pairs) if pairs else None


def cohen_kappa(pairs: Sequence[tuple[str, str]]) -> float | None:
    """κ = (pₒ − pₑ) / (1 − pₑ) over pairs of levels; None when undefined (no pairs, or pₑ = 1)."""
    if not pairs:
        return None
    n = len(pairs)
    observed = sum(1 for a, b in pairs if a == b) / n
    first, second = Counter(a for a, _b in pairs), Counter(b for _a, b in pairs)
    expected = sum(first[c] * second[c] for c in set(first) | set(second)) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


@dataclass(frozen=True)
class QualityFigures:
    """The figures shown for a reviewer and for a pool."""

    pairs: int
    agreement: float | None
    kappa: float | None
    adjudicated: int
    overturned: int
    median_hours: float | None

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.adjudicated if self.adjudicated else None


@dataclass(frozen=True)
class ReviewerQuality(QualityFigures):
    reviewer_id: int
    username: str
    reviews: int


@dataclass(frozen=True)
class PoolQuality(QualityFigures):
    pool: ReviewerPool
    reviewers: list[ReviewerQuality]


@dataclass(frozen=True)
class _Row:
    submission_id: int
    round: int
    role: str
    reviewer_id: int
    username: str
    level: str
    hours: float


def _rows(pool: ReviewerPool) -> list[_Row]:
    found = ReviewAssignment.objects.filter(
        pool=pool, status=AssignmentStatus.DONE, review__decision=ReviewDecision.GRADE,
    ).exclude(role=AssignmentRole.CALIBRATION).values_list(
        "submission_id", "round", "role", "reviewer_id", "reviewer__username", "review__level", "assigned_at", "completed_at"
    )
    return [
        _Row(sid, rnd, role, rid, name, level, _hours(start, end))
        for sid, rnd, role, rid, name, level, start, end in found
    ]


def _hours(start: dt.datetime, end: dt.datetime | None) -> float:
    return (end - start).total_seconds() / 3600 if end else 0.0


def pool_quality(*, pool: ReviewerPool) -> PoolQuality:
    rows = _rows(pool)
    rounds: dict[tuple[int, int], dict[str, _Row]] = defaultdict(dict)
    for row in rows:
        rounds[(row.submission_id, row.round)][row.role] = row
    mine: dict[int, list[tuple[str, str]]] = defaultdict(list)
    judged: dict[int, list[bool]] = defaultdict(list)
    pool_pairs: list[tuple[str, str]] = []
    for roles in rounds.values():
        first, second, judge = roles.get(AssignmentRole.FIRST), roles.get(AssignmentRole.SECOND), roles.get(AssignmentRole.ADJUDICATOR)
        if first is None or second is None:
            continue
        pool_pairs.append((first.level, second.level))
        mine[first.reviewer_id].append((first.level, second.level))
        mine[second.reviewer_id].append((second.level, first.level))
        if judge is not None:
            judged[first.reviewer_id].append(first.level != judge.level)
            judged[second.reviewer_id].append(second.level != judge.level)
    reviewers = _per_reviewer(rows, mine, judged)
    all_judged = [flag for flags in judged.values() for flag in flags]
    hours = [r.hours for r in rows]
    return PoolQuality(
        pool=pool, reviewers=reviewers, pairs=len(pool_pairs), agreement=exact_agreement(pool_pairs),
        kappa=cohen_kappa(pool_pairs), adjudicated=len(all_judged), overturned=sum(all_judged),
        median_hours=median(hours) if hours else None,
    )


def _per_reviewer(
    rows: list[_Row], mine: dict[int, list[tuple[str, str]]], judged: dict[int, list[bool]]
) -> list[ReviewerQuality]:
    by_reviewer: dict[int, list[_Row]] = defaultdict(list)
    for row in rows:
        by_reviewer[row.reviewer_id].append(row)
    return [
        ReviewerQuality(
            reviewer_id=rid, username=own[0].username, reviews=len(own), pairs=len(mine[rid]),
            agreement=exact_agreement(mine[rid]), kappa=cohen_kappa(mine[rid]), adjudicated=len(judged[rid]),
            overturned=sum(judged[rid]), median_hours=median(r.hours for r in own),
        )
        for rid, own in sorted(by_reviewer.items(), key=lambda item: item[1][0].username)
    ]
