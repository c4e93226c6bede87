"""On PostgreSQL, heartbeats racing each other count once; a new session racing beats leaves the old one stale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Sum

from courses.models import Enrolment, TeacherWatchState, WatchBeat, WatchSession
from courses.services.watching import watch_heartbeat, watch_start
from tests.concurrency import race
from tests.courses.learning_factories import T0, make_learner

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]
THREADS = 6


def test_the_same_heartbeat_sent_at_once_counts_once(tree):
    learner = make_learner(tree)
    session = watch_start(user=learner.user, lesson=learner.video_lesson, block_id=learner.block_id, now=T0)
    later = T0 + dt.timedelta(seconds=30)
    results = race([lambda: watch_heartbeat(token=session.token, seq=1, position=30, played=30, now=later)] * THREADS)
    assert sorted(r.credited for r in results) == [0] * (THREADS - 1) + [30], results
    assert WatchBeat.objects.filter(session=session).count() == 1
    assert WatchSession.objects.get(pk=session.pk).credited_seconds == 30


def test_racing_beats_keep_the_ledger_the_session_and_the_daily_total_in_agreement(tree):
    learner = make_learner(tree)
    enrolment = Enrolment.objects.get(pk=learner.enrolment.pk)
    current = watch_start(user=learner.user, lesson=learner.video_lesson, block_id=learner.block_id, now=T0)
    def beat(n: int):  # type: ignore[no-untyped-def]
        return lambda: watch_heartbeat(
            token=current.token, seq=n, position=5 * n, played=5, now=T0 + dt.timedelta(seconds=5 * n)
        )

    beats = [beat(n) for n in range(1, THREADS + 1)]
    race(beats)
    credited = WatchSession.objects.filter(enrolment=enrolment).aggregate(s=Sum("credited_seconds"))["s"]
    state = TeacherWatchState.objects.get(teacher=learner.teacher)
    assert credited == state.seconds_today == WatchBeat.objects.aggregate(s=Sum("credited_seconds"))["s"]
