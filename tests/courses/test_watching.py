"""Server-counted video time: heartbeats are evidence; the server decides what counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum

from courses.models import EnrolmentStatus, TeacherWatchState, WatchBeat, WatchSession
from courses.services.watching import Refusal, watch_heartbeat, watch_start
from tests.courses.learning_factories import T0, enrol, make_learner
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def learner(tree):
    return make_learner(tree, required_minutes=5, duration_minutes=10)


def start(learner, seconds: float = 0) -> WatchSession:
    return watch_start(user=learner.user, lesson=learner.video_lesson, block_id=learner.block_id, now=at(seconds))


def beat(session, seq, seconds, *, position=None, played=30):
    return watch_heartbeat(
        token=session.token, seq=seq, position=position if position is not None else seq * 30, played=played,
        now=at(seconds),
    )


def credited_total(learner) -> int:
    return WatchSession.objects.filter(enrolment=learner.enrolment).aggregate(s=Sum("credited_seconds"))["s"] or 0


def test_heartbeats_of_a_playing_video_are_credited(learner):
    session = start(learner)
    first = beat(session, 1, 30)
    second = beat(session, 2, 60)
    assert (first.credited, second.credited) == (30, 30)
    assert second.accepted and second.block_credited == 60 and second.message == ""
    assert WatchBeat.objects.filter(session=session).count() == 2
    assert credited_total(learner) == 60


def test_credit_is_never_more_than_the_time_that_passed(learner):
    session = start(learner)
    result = beat(session, 1, 28, played=30)  # 30 s reported after 28 s: within tolerance, counted as 28
    assert result.accepted and result.credited == 28


def test_beats_faster_than_real_time_are_refused(learner):
    session = start(learner)
    beat(session, 1, 30)
    result = beat(session, 2, 35, position=60, played=30)  # 30 s of playing 5 s later
    assert not result.accepted and result.refused_reason == Refusal.FASTER_THAN_REAL_TIME
    assert "多" in result.message  # the teacher is told in Chinese
    assert result.credited == 0 and credited_total(learner) == 30
    assert WatchBeat.objects.get(session=session, seq=2).refused_reason == Refusal.FASTER_THAN_REAL_TIME


def test_a_forged_duration_is_refused(learner):
    session = start(learner)
    result = beat(session, 1, 30, position=29, played=600)
    assert result.refused_reason == Refusal.FASTER_THAN_REAL_TIME
    assert credited_total(learner) == 0
    assert TeacherWatchState.objects.get(teacher=learner.teacher).seconds_today == 0


def test_one_beat_never_credits_more_than_an_interval(learner):
    session = start(learner)
    result = beat(session, 1, 100, position=100, played=100)  # a throttled timer: 100 s real, 100 s played
    assert result.accepted and result.credited == 35  # heartbeat 30 s + tolerance 5 s


def test_seeking_ahead_gets_no_credit_and_does_not_move_the_furthest_point(learner):
    session = start(learner)
    beat(session, 1, 30)
    result = beat(session, 2, 60, position=400, played=30)
    assert result.refused_reason == Refusal.SEEK_AHEAD and result.credited == 0
    session.refresh_from_db()
    assert session.furthest == 30 and session.credited_seconds == 30
    back = beat(session, 3, 90, position=60, played=30)  # watching on from where it was is counted again
    assert back.accepted and back.credited == 30


def test_a_second_session_makes_the_first_stale(learner):
    first = start(learner, 0)
    beat(first, 1, 30)
    second = start(learner, 40)
    stale = beat(first, 2, 60, position=60)
    assert stale.refused_reason == Refusal.STALE and stale.credited == 0
    assert "另一个窗口" in stale.message
    counted = beat(second, 1, 70, position=60)
    assert counted.accepted and counted.credited == 30
    assert credited_total(learner) == 60  # the stale window's beat counted nothing


def test_a_duplicate_heartbeat_is_not_counted_twice(learner):
    session = start(learner)
    beat(session, 1, 30)
    again = beat(session, 1, 31)
    assert again.refused_reason == Refusal.DUPLICATE and not again.recorded
    assert WatchBeat.objects.filter(session=session).count() == 1
    assert credited_total(learner) == 30


def test_an_older_sequence_number_is_a_replay(learner):
    session = start(learner)
    beat(session, 1, 30)
    beat(session, 2, 60)
    replay = beat(session, 1, 90, position=90)
    assert replay.refused_reason == Refusal.DUPLICATE and credited_total(learner) == 60


def test_an_unknown_token_is_refused_and_nothing_is_written(learner):
    result = watch_heartbeat(token="not-a-session", seq=1, position=30, played=30, now=at(30))
    assert result.refused_reason == Refusal.UNKNOWN_SESSION and not result.recorded
    assert not WatchBeat.objects.exists()


def test_an_idle_session_is_over(learner):
    session = start(learner)
    idle = beat(session, 1, 200, position=30)
    assert idle.refused_reason == Refusal.IDLE and idle.credited == 0
    after = beat(session, 2, 230, position=60)
    assert after.refused_reason == Refusal.ENDED and credited_total(learner) == 0


def test_a_withdrawn_teacher_is_no_longer_credited(learner):
    session = start(learner)
    learner.enrolment.status = EnrolmentStatus.WITHDRAWN
    learner.enrolment.save()
    result = beat(session, 1, 30)
    assert result.refused_reason == Refusal.NOT_STUDYING and credited_total(learner) == 0


def test_credit_stops_at_the_required_time_of_the_video(tree):
    learner = make_learner(tree, required_minutes=1, duration_minutes=10)
    session = start(learner)
    results = [beat(session, n, 25 * n, position=25 * n, played=25) for n in (1, 2, 3, 4)]
    assert [r.credited for r in results] == [25, 25, 10, 0]
    assert credited_total(learner) == 60


def test_the_daily_cap_stops_credit_and_resets_the_next_day(learner, settings):
    settings.LEARNING_DAILY_CAP_MINUTES = 1
    session = start(learner)
    first, second, third = (beat(session, n, 30 * n) for n in (1, 2, 3))
    assert (first.credited, second.credited, third.credited) == (30, 30, 0)
    assert third.refused_reason == Refusal.DAILY_CAP and "明天" in third.message
    tomorrow = T0 + dt.timedelta(days=1)
    next_day = watch_start(user=learner.user, lesson=learner.video_lesson, block_id=learner.block_id, now=tomorrow)
    result = watch_heartbeat(token=next_day.token, seq=1, position=90, played=30, now=tomorrow + dt.timedelta(seconds=30))
    assert result.accepted and result.credited == 30
    state = TeacherWatchState.objects.get(teacher=learner.teacher)
    assert state.day == tomorrow.date() and state.seconds_today == 30


def test_the_daily_cap_is_per_day_in_beijing_time(learner, settings):
    settings.LEARNING_DAILY_CAP_MINUTES = 1
    late = dt.datetime(2025, 3, 10, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    session = watch_start(user=learner.user, lesson=learner.video_lesson, block_id=learner.block_id, now=late)
    watch_heartbeat(token=session.token, seq=1, position=30, played=30, now=late + dt.timedelta(seconds=30))
    watch_heartbeat(token=session.token, seq=2, position=60, played=30, now=late + dt.timedelta(seconds=59))
    after_midnight = watch_heartbeat(token=session.token, seq=3, position=90, played=30, now=late + dt.timedelta(seconds=89))
    assert after_midnight.credited == 30  # 00:00:29 on 11 March in Beijing is a new day


def test_a_new_session_resumes_where_the_last_one_stopped(learner):
    first = start(learner)
    beat(first, 1, 30)
    beat(first, 2, 60)
    second = start(learner, 3600)  # the browser crashed; the teacher comes back an hour later
    assert (second.position, second.furthest, second.credited_before) == (60, 60, 60)
    result = watch_heartbeat(token=second.token, seq=1, position=90, played=30, now=at(3630))
    assert result.accepted and result.block_credited == 90


def test_a_teacher_not_enrolled_cannot_start(learner, tree):
    stranger = make_teacher(school=tree.school_a1_1, real_name="王老师")
    with pytest.raises(PermissionDenied, match="未"):
        watch_start(user=stranger.user, lesson=learner.video_lesson, block_id=learner.block_id, now=at(0))
    assert not WatchSession.objects.exists()


def test_a_withdrawn_teacher_cannot_start(learner, tree):
    other = make_teacher(school=tree.school_a1_1, real_name="赵老师")
    enrol(other, learner.course, status=EnrolmentStatus.WITHDRAWN)
    with pytest.raises(PermissionDenied):
        watch_start(user=other.user, lesson=learner.video_lesson, block_id=learner.block_id, now=at(0))
    assert not WatchSession.objects.exists()


def test_only_a_video_of_the_lesson_can_be_started(learner):
    text_block_id = learner.text_lesson.body[0].id
    with pytest.raises(ValidationError):
        watch_start(user=learner.user, lesson=learner.text_lesson, block_id=text_block_id, now=at(0))
    with pytest.raises(ValidationError):
        watch_start(user=learner.user, lesson=learner.video_lesson, block_id="no-such-block", now=at(0))
    assert not WatchSession.objects.exists()


def test_a_session_caches_the_video_rules(learner):
    session = start(learner)
    assert (session.required_seconds, session.duration_seconds, session.credited_before) == (300, 600, 0)
    assert TeacherWatchState.objects.get(teacher=learner.teacher).current_session == session


def test_the_beat_counts_even_if_the_progress_update_fails(tree, monkeypatch):
    learner = make_learner(tree, required_minutes=0.5, duration_minutes=10)

    def broken(**_kwargs):
        raise RuntimeError("progress store unavailable")

    monkeypatch.setattr("courses.services.progress.lesson_progress_update", broken)
    session = start(learner)
    result = beat(session, 1, 30)
    assert result.accepted and result.credited == 30 and not result.lesson_done
    assert credited_total(learner) == 30
