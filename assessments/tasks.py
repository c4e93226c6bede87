"""Celery tasks of assessments: thin, ids in, the service does the work."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="assessments.tasks.h5p_activity_check", ignore_result=True)
def h5p_activity_check(activity_id: int) -> None:
    from assessments.h5p.packages import h5p_activity_check_run

    h5p_activity_check_run(activity_id=activity_id)


# Tasks defined next to their services; importing them here registers them with Celery.
from assessments.quizzes.tasks import *  # noqa: E402,F401,F403
from assessments.review.tasks import *  # noqa: E402,F401,F403
