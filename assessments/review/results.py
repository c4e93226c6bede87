"""Reading competency results, for teachers' pages and for certification (through assessments.api).

Results are append-only; the standing result of a teacher for a competency is the latest one recorded
(an appeal's result is recorded after the one it re-examines). A result stays tied to the framework version
it was recorded against, so a new version of a framework never changes it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from assessments.models import CompetencyResult, FrameworkNode, NodeKind, QuizItemResult, ResultSource


@dataclass(frozen=True)
class CompetencySummary:
    """A teacher's standing results in one framework version: passed competency codes, and counts per
    dimension and per tier/environment."""

    teacher_id: int
    framework_code: str
    framework_version: int
    passed: frozenset[str]
    levels: dict[str, str]
    passed_by_dimension: dict[str, int]
    passed_by_tier: dict[str, int]


def competency_results_history(*, teacher_id: int) -> QuerySet[CompetencyResult]:
    return CompetencyResult.objects.filter(teacher_id=teacher_id).select_related("competency").order_by("-recorded_at", "-pk")


def competency_results_standing(*, teacher_ids: Sequence[int], framework_code: str, framework_version: int) -> dict[int, dict[int, CompetencyResult]]:
    """Per teacher, per competency id: the latest result recorded against that framework version."""
    standing: dict[int, dict[int, CompetencyResult]] = defaultdict(dict)
    rows = CompetencyResult.objects.filter(
        teacher_id__in=teacher_ids, framework_code=framework_code, framework_version=framework_version
    ).select_related("competency").order_by("teacher_id", "competency_id", "recorded_at", "pk")
    for result in rows:
        standing[result.teacher_id][result.competency_id] = result
    return standing


def _ancestors(framework_code: str, framework_version: int) -> dict[int, tuple[str, str]]:
    """competency id → (dimension code, tier code)."""
    nodes = {n.pk: n for n in FrameworkNode.objects.filter(framework__code=framework_code, framework__version=framework_version)}
    found: dict[int, tuple[str, str]] = {}
    for node in nodes.values():
        if node.kind != NodeKind.COMPETENCY:
            continue
        dimension = nodes.get(node.parent_id) if node.parent_id else None
        tier = nodes.get(dimension.parent_id) if dimension is not None and dimension.parent_id else None
        found[node.pk] = (dimension.code if dimension else "", tier.code if tier else "")
    return found


def competency_summaries(*, teacher_ids: Iterable[int], framework_code: str, framework_version: int) -> dict[int, CompetencySummary]:
    ids = list(teacher_ids)
    standing = competency_results_standing(teacher_ids=ids, framework_code=framework_code, framework_version=framework_version)
    places = _ancestors(framework_code, framework_version)
    summaries = {}
    for teacher_id in ids:
        results = standing.get(teacher_id, {})
        passed = [r for r in results.values() if r.passed]
        by_dimension: dict[str, int] = defaultdict(int)
        by_tier: dict[str, int] = defaultdict(int)
        for result in passed:
            dimension, tier = places.get(result.competency_id, ("", ""))
            by_dimension[dimension] += 1
            by_tier[tier] += 1
        summaries[teacher_id] = CompetencySummary(
            teacher_id=teacher_id, framework_code=framework_code, framework_version=framework_version,
            passed=frozenset(r.competency.code for r in passed), levels={r.competency.code: r.level for r in results.values()},
            passed_by_dimension=dict(by_dimension), passed_by_tier=dict(by_tier),
        )
    return summaries


def competency_results_from_quiz(*, attempt_ids: Sequence[int], now: dt.datetime | None = None) -> int:
    """Append one result per marked attempt and competency: passed when the attempt's share of that
    competency's points reaches the quiz's pass mark. Set-based (one INSERT … SELECT on PostgreSQL);
    running it twice records nothing new. Returns the number of rows written."""
    now = now or timezone.now()
    if connection.vendor == "postgresql":
        return _quiz_results_insert_select(list(attempt_ids), now)
    rows = (
        QuizItemResult.objects.filter(attempt_id__in=attempt_ids)
        .values("attempt_id", "attempt__teacher_id", "attempt__quiz__pass_mark", "item__competency_id",
                "item__competency__framework__code", "item__competency__framework__version")
        .annotate(score=Sum("score"), maximum=Sum("max_score"))
    )
    results = []
    for row in rows:
        maximum = row["maximum"] or Decimal(0)
        passed = maximum > 0 and row["score"] * 100 >= row["attempt__quiz__pass_mark"] * maximum
        results.append(CompetencyResult(
            teacher_id=row["attempt__teacher_id"], competency_id=row["item__competency_id"],
            framework_code=row["item__competency__framework__code"],
            framework_version=row["item__competency__framework__version"],
            level="pass" if passed else "fail", passed=passed, source=ResultSource.QUIZ,
            quiz_attempt_id=row["attempt_id"], recorded_at=now,
        ))
    return len(CompetencyResult.objects.bulk_create(results, batch_size=5000, ignore_conflicts=True))


QUIZ_RESULTS_SQL = """
INSERT INTO assessments_competencyresult
    (teacher_id, competency_id, framework_code, framework_version, level, passed, source, quiz_attempt_id,
     review_ids, recorded_at)
SELECT a.teacher_id, i.competency_id, f.code, f.version,
       CASE WHEN SUM(r.max_score) > 0 AND SUM(r.score) * 100 >= q.pass_mark * SUM(r.max_score)
            THEN 'pass' ELSE 'fail' END,
       SUM(r.max_score) > 0 AND SUM(r.score) * 100 >= q.pass_mark * SUM(r.max_score),
       'quiz', a.id, '[]'::jsonb, %s
FROM assessments_quizitemresult r
JOIN assessments_quizattempt a ON a.id = r.attempt_id
JOIN assessments_quiz q ON q.id = a.quiz_id
JOIN assessments_quizitem i ON i.id = r.item_id
JOIN assessments_frameworknode n ON n.id = i.competency_id
JOIN assessments_capabilityframework f ON f.id = n.framework_id
WHERE r.attempt_id = ANY(%s)
GROUP BY a.id, a.teacher_id, i.competency_id, f.code, f.version, q.pass_mark
ON CONFLICT DO NOTHING
"""


def _quiz_results_insert_select(attempt_ids: list[int], now: dt.datetime) -> int:
    with connection.cursor() as cursor:
        cursor.execute(QUIZ_RESULTS_SQL, [now, attempt_ids])
        return int(cursor.rowcount)


def teacher_ids_with_passed_results(*, framework_code: str, framework_version: int, min_count: int) -> list[int]:
    """Teachers with at least min_count competencies ever passed in the framework version: a cheap superset
    of those whose standing results pass (a later failure may have replaced a pass)."""
    rows = (
        CompetencyResult.objects.filter(framework_code=framework_code, framework_version=framework_version, passed=True)
        .values("teacher_id").annotate(n=Count("competency_id", distinct=True)).filter(n__gte=min_count)
        .values_list("teacher_id", flat=True)
    )
    return list(rows)


def competency_result_recognise(
    *, teacher_id: int, competency_code: str, framework_code: str, framework_version: int, level: str,
    passed: bool, recorded_at: dt.datetime | None = None,
) -> CompetencyResult:
    """Append a result that came from outside the product's own review (an earlier platform's records, the
    demo); the same teacher, competency and level already recognised is returned, not written twice."""
    competency = FrameworkNode.objects.get(
        framework__code=framework_code, framework__version=framework_version, code=competency_code, kind=NodeKind.COMPETENCY
    )
    found = CompetencyResult.objects.filter(
        teacher_id=teacher_id, competency=competency, source=ResultSource.RECOGNISED, level=level
    ).first()
    if found is not None:
        return found
    return CompetencyResult.objects.create(
        teacher_id=teacher_id, competency=competency, framework_code=framework_code, framework_version=framework_version,
        level=level, passed=passed, source=ResultSource.RECOGNISED, recorded_at=recorded_at or timezone.now(),
    )
