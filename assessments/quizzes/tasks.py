"""Celery tasks of quiz marking: a sweep finds the attempts whose time ran out and fans them out in batches;
each batch is marked set-based by assessments.quizzes.bulk. Running a batch twice, or two at once, marks
each attempt once."""

from __future__ import annotations

import logging

from celery import shared_task

__all__ = ["quiz_attempts_expire_sweep", "quiz_attempts_mark_batch"]

logger = logging.getLogger(__name__)


@shared_task(name="assessments.tasks.quiz_attempts_mark_batch", ignore_result=True)
def quiz_attempts_mark_batch(attempt_ids: list[int]) -> int:
    """Mark a batch; when the batch fails as a whole, mark its attempts one by one so that one attempt
    that cannot be marked (a broken answer key) holds back none of the others."""
    from django.conf import settings
    from django.utils import translation

    from assessments.quizzes.bulk import quiz_attempts_mark

    with translation.override(settings.LANGUAGE_CODE):  # no request: explanations in the site's language
        try:
            return quiz_attempts_mark(attempt_ids=attempt_ids)
        except Exception:
            if len(attempt_ids) == 1:
                raise
            logger.exception("Marking %d quiz attempts together failed; marking them one by one", len(attempt_ids))
        return sum(_mark_alone(attempt_id) for attempt_id in attempt_ids)


def _mark_alone(attempt_id: int) -> int:
    from assessments.quizzes.bulk import quiz_attempts_mark

    try:
        return quiz_attempts_mark(attempt_ids=[attempt_id])
    except Exception:
        logger.exception("Quiz attempt %s could not be marked; it stays in progress", attempt_id)
        return 0


@shared_task(name="assessments.tasks.quiz_attempts_expire_sweep", ignore_result=True)
def quiz_attempts_expire_sweep(batch_size: int = 500, limit: int = 100_000) -> int:
    """Queue the attempts past their deadline (and the grace) in batches of batch_size, at most `limit` per
    sweep; the number queued. A batch still queued from the last sweep may be queued again: harmless."""
    from django.utils import timezone

    from assessments.quizzes.bulk import quiz_attempts_expired_ids

    expired = quiz_attempts_expired_ids(now=timezone.now(), limit=limit)
    for start in range(0, len(expired), batch_size):
        quiz_attempts_mark_batch.delay(expired[start:start + batch_size])
    return len(expired)
