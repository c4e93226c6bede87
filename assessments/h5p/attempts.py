"""xAPI statements from the player become attempts; the server decides what each attempt scores.

For content types whose answer key is in the stored content.json the score is recomputed from the
learner's response (assessments.h5p.scoring); the player's own score is only compared, and a
disagreement is flagged. Other types count toward completion only, unless the activity is trusted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.h5p.scoring import Recomputed, score_recompute, scores_disagree
from assessments.h5p.xapi import ParsedStatement, StatementError, statement_parse
from assessments.models import CountingRule, H5PActivity, H5PAttempt, H5PStatement, ScoredBy
from lms.api import Teacher


@dataclass(frozen=True)
class ActivityResult:
    """What counts for one teacher and activity under its counting rule."""

    attempts: int
    attempts_left: int | None
    completed: bool
    score: Decimal | None
    max_score: Decimal | None
    percent: Decimal | None
    passed: bool
    scored_by: str


@dataclass(frozen=True)
class StatementOutcome:
    statement: H5PStatement
    attempt: H5PAttempt | None
    message: str


def actor_mbox_for(*, teacher: Teacher) -> str:
    """The xAPI actor the player is given for a teacher; statements naming anyone else are refused."""
    return f"mailto:teacher-{teacher.pk}@lms.invalid"


def _percent(score: Decimal | None, maximum: Decimal | None) -> Decimal | None:
    if score is None or not maximum:
        return None
    return (score * 100 / maximum).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _is_attempt(parsed: ParsedStatement) -> bool:
    """A finished top-level answer: not a sub-question of another content, not an interaction."""
    return parsed.verb_short in ("answered", "completed") and parsed.sub_content_id is None and not parsed.has_parent


def _score(activity: H5PActivity, parsed: ParsedStatement) -> tuple[str, Recomputed | None, bool]:
    assert activity.package is not None
    recomputed = score_recompute(
        library=activity.package.main_library, content=activity.package.content_json, response=parsed.response
    )
    if recomputed is not None:
        mismatch = scores_disagree(recomputed=recomputed, raw_score=parsed.raw_score, max_score=parsed.max_score)
        return ScoredBy.SERVER, recomputed, mismatch
    if activity.trusted and parsed.raw_score is not None and parsed.max_score is not None:
        return ScoredBy.PLAYER_TRUSTED, Recomputed(score=parsed.raw_score, max_score=parsed.max_score), False
    return ScoredBy.COMPLETION, None, False


def h5p_statement_record(
    *, activity: H5PActivity, teacher: Teacher, body: bytes, context_ref: str = "", now: dt.datetime | None = None
) -> StatementOutcome:
    """Store one statement as received and, when it finishes an attempt, record the attempt.

    Refused with nothing written: a malformed or oversized statement (ValidationError), one for someone
    else (PermissionDenied), a replay of a statement id already received (ValidationError)."""
    now = now or timezone.now()
    if not activity.playable or activity.package is None:
        raise PermissionDenied(_("This activity cannot be played."))
    try:
        parsed, raw = statement_parse(body=body)
    except StatementError as invalid:
        raise ValidationError(invalid.message) from invalid
    if parsed.actor_mbox != actor_mbox_for(teacher=teacher):
        raise PermissionDenied(_("A statement can only be sent for yourself."))
    scored_by, recomputed, mismatch = _score(activity, parsed) if _is_attempt(parsed) else ("", None, False)
    try:
        with transaction.atomic():
            statement = H5PStatement.objects.create(
                statement_id=parsed.statement_id, activity=activity, teacher=teacher, context_ref=context_ref[:120],
                verb=parsed.verb_short[:40], body=raw, client_score=parsed.raw_score, client_max=parsed.max_score,
                recomputed_score=recomputed.score if recomputed and scored_by == ScoredBy.SERVER else None,
                recomputed_max=recomputed.max_score if recomputed and scored_by == ScoredBy.SERVER else None,
                mismatch=mismatch, received_at=now,
            )
            attempt, message = (None, "")
            if scored_by:
                attempt, message = _attempt_add(activity, teacher, statement, scored_by, recomputed, mismatch, now)
    except IntegrityError as duplicate:
        if H5PStatement.objects.filter(statement_id=parsed.statement_id).exists():
            raise ValidationError(_("This statement has already been received.")) from duplicate
        raise
    return StatementOutcome(statement=statement, attempt=attempt, message=message)


def _attempt_add(
    activity: H5PActivity, teacher: Teacher, statement: H5PStatement, scored_by: str,
    recomputed: Recomputed | None, mismatch: bool, now: dt.datetime,
) -> tuple[H5PAttempt | None, str]:
    for _retry in range(10):
        taken = H5PAttempt.objects.filter(activity=activity, teacher=teacher).count()
        if activity.attempts_allowed is not None and taken >= activity.attempts_allowed:
            return None, _("No attempts left: this one was saved but does not count.")
        score = recomputed.score if recomputed else None
        maximum = recomputed.max_score if recomputed else None
        percent = _percent(score, maximum)
        passed = percent >= activity.passing_score if percent is not None else scored_by == ScoredBy.COMPLETION
        try:
            with transaction.atomic():
                attempt = H5PAttempt.objects.create(
                    activity=activity, teacher=teacher, number=taken + 1, statement=statement, scored_by=scored_by,
                    score=score, max_score=maximum, percent=percent, passed=passed, flagged=mismatch, created_at=now,
                )
            return attempt, ""
        except IntegrityError:
            continue  # the same teacher finished another attempt at this moment: count again
    raise ValidationError(_("Too many answers at once; try again."))


def h5p_result(*, activity: H5PActivity, teacher_id: int) -> ActivityResult | None:
    return h5p_results(activity=activity, teacher_ids=[teacher_id]).get(teacher_id)


def h5p_results(*, activity: H5PActivity, teacher_ids: list[int]) -> dict[int, ActivityResult]:
    """The counted result per teacher under the activity's rule (best, last or first attempt)."""
    attempts: dict[int, list[H5PAttempt]] = {}
    for attempt in H5PAttempt.objects.filter(activity=activity, teacher_id__in=teacher_ids).order_by("number"):
        attempts.setdefault(attempt.teacher_id, []).append(attempt)
    return {teacher_id: _result(activity, rows) for teacher_id, rows in attempts.items()}


def _result(activity: H5PActivity, rows: list[H5PAttempt]) -> ActivityResult:
    if activity.counting_rule == CountingRule.FIRST:
        counted = rows[0]
    elif activity.counting_rule == CountingRule.LAST:
        counted = rows[-1]
    else:
        counted = max(rows, key=lambda a: (a.percent if a.percent is not None else Decimal(-1), -a.number))
    left = None if activity.attempts_allowed is None else max(0, activity.attempts_allowed - len(rows))
    return ActivityResult(
        attempts=len(rows), attempts_left=left, completed=True, score=counted.score, max_score=counted.max_score,
        percent=counted.percent, passed=counted.passed, scored_by=counted.scored_by,
    )


@dataclass(frozen=True)
class ActivitySummary:
    attempts: int
    teachers: int
    passed: int
    flagged: list[H5PStatement]


def h5p_activity_summary(*, activity: H5PActivity, flagged_limit: int = 50) -> ActivitySummary:
    """For the activity's editors: how it is used, and the statements whose score the server disputed."""
    attempts = H5PAttempt.objects.filter(activity=activity)
    flagged = list(
        H5PStatement.objects.filter(activity=activity, mismatch=True).order_by("-received_at")[:flagged_limit]
    )
    return ActivitySummary(
        attempts=attempts.count(), teachers=attempts.values("teacher_id").distinct().count(),
        passed=attempts.filter(passed=True).values("teacher_id").distinct().count(), flagged=flagged,
    )
