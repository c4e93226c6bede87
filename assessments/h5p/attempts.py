"""xAPI statements from the player become attempts; the server decides what each attempt scores.

For content types whose answer key is in the stored content.json the score is recomputed from the
learner's response (assessments.h5p.scoring); the player's own score is only compared, and a
disagreement is flagged. Other types count toward completion only, unless the activity is trusted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.h5p.attempts_sql import (
    ATTEMPT_COLUMNS,
    STATEMENT_COLUMNS,
    AttemptRow,
    activity_read,
    attempts_prior,
    statement_write,
)
from assessments.h5p.scoring import Recomputed, score_recompute, scores_disagree
from assessments.h5p.xapi import ParsedStatement, StatementError, statement_parse
from assessments.models import ActivityStatus, CountingRule, H5PActivity, H5PAttempt, H5PPackage, H5PStatement, ScoredBy
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
    result: ActivityResult | None = None  # what counts after this statement (None when it was no answer)


def actor_mbox_for(*, teacher: Teacher) -> str:
    """The xAPI actor the player is given for a teacher; statements naming anyone else are refused."""
    return actor_mbox_for_id(teacher_id=teacher.pk)


def actor_mbox_for_id(*, teacher_id: int) -> str:
    return f"mailto:teacher-{teacher_id}@lms.invalid"


def _percent(score: Decimal | None, maximum: Decimal | None) -> Decimal | None:
    if score is None or not maximum:
        return None
    return (score * 100 / maximum).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _is_attempt(parsed: ParsedStatement) -> bool:
    """A finished top-level answer: not a sub-question of another content, not an interaction."""
    return parsed.verb_short in ("answered", "completed") and parsed.sub_content_id is None and not parsed.has_parent


@dataclass(frozen=True)
class ScoringActivity:
    """What recording a statement needs of an activity, read in one query (content from a cache)."""

    id: int
    playable: bool
    attempts_allowed: int | None
    counting_rule: str
    passing_score: Decimal
    trusted: bool
    main_library: str
    content: dict[str, Any]
    teacher_id: int | None = None  # whose attempts `prior` holds
    prior: tuple[AttemptRow, ...] = ()


# A package's content.json never changes (packages are stored by content hash): cache it per process,
# keyed by that hash.
_CONTENT_CACHE: OrderedDict[str, dict[str, Any]] = OrderedDict()
_CONTENT_CACHE_SIZE = 256


def _package_content(package_id: int, sha256: str) -> dict[str, Any]:
    content = _CONTENT_CACHE.get(sha256)
    if content is None:
        content = H5PPackage.objects.values_list("content_json", flat=True).get(pk=package_id)
        _CONTENT_CACHE[sha256] = content
        if len(_CONTENT_CACHE) > _CONTENT_CACHE_SIZE:
            _CONTENT_CACHE.popitem(last=False)
    return content


def scoring_activity(*, activity_id: int, teacher_id: int | None = None) -> ScoringActivity | None:
    """The activity's settings and, for a teacher, their attempts so far: one query (call it inside the
    transaction that records the statement)."""
    found = activity_read(activity_id=activity_id, teacher_id=teacher_id)
    if found is None:
        return None
    (status, allowed, rule, passing, trusted, package_id, main_library, sha256), prior = found
    playable = status == ActivityStatus.READY and package_id is not None
    return ScoringActivity(
        id=activity_id, playable=playable, attempts_allowed=allowed, counting_rule=rule, passing_score=passing,
        trusted=trusted, main_library=main_library or "", content=_package_content(package_id, sha256) if playable else {},
        teacher_id=teacher_id, prior=tuple(prior),
    )


def _scoring_of(activity: H5PActivity) -> ScoringActivity:
    package = activity.package
    return ScoringActivity(
        id=activity.pk, playable=activity.playable, attempts_allowed=activity.attempts_allowed,
        counting_rule=activity.counting_rule, passing_score=activity.passing_score, trusted=activity.trusted,
        main_library=package.main_library if package else "", content=package.content_json if package else {},
    )


def _score(activity: ScoringActivity, parsed: ParsedStatement) -> tuple[str, Recomputed | None, bool]:
    recomputed = score_recompute(library=activity.main_library, content=activity.content, response=parsed.response)
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
    return h5p_statement_store(
        activity=_scoring_of(activity), teacher_id=teacher.pk, body=body, context_ref=context_ref, now=now
    )


def h5p_statement_store(
    *, activity: ScoringActivity, teacher_id: int, body: bytes, context_ref: str = "", now: dt.datetime | None = None
) -> StatementOutcome:
    """The statement path with the activity already read (see scoring_activity): what the player's
    requests take. The result that counts afterwards comes back with it."""
    now = now or timezone.now()
    if not activity.playable:
        raise PermissionDenied(_("This activity cannot be played."))
    try:
        parsed, raw = statement_parse(body=body)
    except StatementError as invalid:
        raise ValidationError(invalid.message) from invalid
    if parsed.actor_mbox != actor_mbox_for_id(teacher_id=teacher_id):
        raise PermissionDenied(_("A statement can only be sent for yourself."))
    scored_by, recomputed, mismatch = _score(activity, parsed) if _is_attempt(parsed) else ("", None, False)
    server = recomputed if recomputed and scored_by == ScoredBy.SERVER else None
    statement = H5PStatement(
        statement_id=uuid.UUID(parsed.statement_id), activity_id=activity.id, teacher_id=teacher_id,
        context_ref=context_ref[:120], verb=parsed.verb_short[:40], body=raw, client_score=parsed.raw_score,
        client_max=parsed.max_score, recomputed_score=server.score if server else None,
        recomputed_max=server.max_score if server else None, mismatch=mismatch, received_at=now,
    )
    with transaction.atomic(savepoint=False):
        prior = _prior(activity, teacher_id) if scored_by else []
        attempt = _attempt_new(activity, teacher_id, prior, scored_by, recomputed, mismatch, now) if scored_by else None
        statement.pk, attempt_pk = statement_write(
            statement={name: getattr(statement, name) for name in STATEMENT_COLUMNS},
            attempt=None if attempt is None else {name: getattr(attempt, name) for name in ATTEMPT_COLUMNS},
        )
        if statement.pk is None:
            raise ValidationError(_("This statement has already been received."))
        message = ""
        if scored_by and attempt is None:
            message = _("No attempts left: this one was saved but does not count.")
        elif attempt is not None and attempt_pk is None:  # another attempt took this number at this moment
            attempt, message = _attempt_add(activity, teacher_id, statement, scored_by, recomputed, mismatch, now)
            prior = attempts_prior(activity_id=activity.id, teacher_id=teacher_id)
        elif attempt is not None:
            attempt.pk, attempt.statement = attempt_pk, statement
            prior = [*prior, _row(attempt)]
    result = _result(activity, prior) if prior else None
    return StatementOutcome(statement=statement, attempt=attempt, message=message, result=result)


def _prior(activity: ScoringActivity, teacher_id: int) -> list[AttemptRow]:
    if activity.teacher_id == teacher_id:  # read with the activity
        return list(activity.prior)
    return attempts_prior(activity_id=activity.id, teacher_id=teacher_id)


def _attempt_new(
    activity: ScoringActivity, teacher_id: int, prior: list[AttemptRow], scored_by: str,
    recomputed: Recomputed | None, mismatch: bool, now: dt.datetime,
) -> H5PAttempt | None:
    """The next attempt, or None when the activity's attempts are used up."""
    if activity.attempts_allowed is not None and len(prior) >= activity.attempts_allowed:
        return None
    score = recomputed.score if recomputed else None
    maximum = recomputed.max_score if recomputed else None
    percent = _percent(score, maximum)
    passed = percent >= activity.passing_score if percent is not None else scored_by == ScoredBy.COMPLETION
    return H5PAttempt(
        activity_id=activity.id, teacher_id=teacher_id, number=max((r.number for r in prior), default=0) + 1,
        scored_by=scored_by, score=score, max_score=maximum, percent=percent, passed=passed, flagged=mismatch,
        created_at=now,
    )


def _row(attempt: H5PAttempt) -> AttemptRow:
    return AttemptRow(attempt.number, attempt.score, attempt.max_score, attempt.percent, attempt.passed,
                      attempt.scored_by)


def _attempt_add(
    activity: ScoringActivity, teacher_id: int, statement: H5PStatement, scored_by: str,
    recomputed: Recomputed | None, mismatch: bool, now: dt.datetime,
) -> tuple[H5PAttempt | None, str]:
    """The slow way, when attempts race: count again, insert in a savepoint, until a number is free."""
    for _retry in range(10):
        attempt = _attempt_new(
            activity, teacher_id, attempts_prior(activity_id=activity.id, teacher_id=teacher_id), scored_by,
            recomputed, mismatch, now,
        )
        if attempt is None:
            return None, _("No attempts left: this one was saved but does not count.")
        attempt.statement = statement
        try:
            with transaction.atomic():
                attempt.save()
            return attempt, ""
        except IntegrityError:
            continue  # the same teacher finished another attempt at this moment: count again
    raise ValidationError(_("Too many answers at once; try again."))


def h5p_result(*, activity: H5PActivity | ScoringActivity, teacher_id: int) -> ActivityResult | None:
    return h5p_results(activity=activity, teacher_ids=[teacher_id]).get(teacher_id)


def h5p_results(*, activity: H5PActivity | ScoringActivity, teacher_ids: list[int]) -> dict[int, ActivityResult]:
    """The counted result per teacher under the activity's rule (best, last or first attempt)."""
    attempts: dict[int, list[H5PAttempt]] = {}
    rows = H5PAttempt.objects.filter(activity_id=activity.id, teacher_id__in=teacher_ids).order_by("number").only(
        "teacher_id", "number", "score", "max_score", "percent", "passed", "scored_by"
    )
    for attempt in rows:
        attempts.setdefault(attempt.teacher_id, []).append(attempt)
    return {teacher_id: _result(activity, rows) for teacher_id, rows in attempts.items()}


def _result(activity: H5PActivity | ScoringActivity, rows: Sequence[H5PAttempt | AttemptRow]) -> ActivityResult:
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
