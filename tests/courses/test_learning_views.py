"""Lesson pages and the player's endpoints, through the test client."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from courses.models import EnrolmentStatus, LessonProgress, ProgressStatus, WatchBeat, WatchSession
from tests.courses.learning_factories import enrol, make_learner
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(tree):
    return make_learner(tree, required_minutes=5, duration_minutes=10)


def start_url(learner) -> str:
    return reverse("courses:watch_start", args=[learner.video_lesson.pk, learner.block_id])


def post_beat(client, **data):
    return client.post(reverse("courses:heartbeat"), json.dumps(data), content_type="application/json")


def test_an_anonymous_visitor_is_sent_to_log_in(client, learner):
    response = client.get(learner.video_lesson.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("lms:login")) and "next=" in response.url


def test_a_teacher_not_enrolled_is_refused_with_a_link_to_the_course(client, learner, tree):
    stranger = make_teacher(school=tree.school_a1_1, real_name="王老师")
    client.force_login(stranger.user)
    response = client.get(learner.video_lesson.url)
    body = response.content.decode()
    assert response.status_code == 403
    assert "只有选修本课程的教师才能打开它的课时" in body and learner.course.url in body
    assert "<video" not in body


def test_a_withdrawn_teacher_is_refused(client, learner):
    learner.enrolment.status = EnrolmentStatus.WITHDRAWN
    learner.enrolment.save()
    client.force_login(learner.user)
    response = client.get(learner.video_lesson.url)
    assert response.status_code == 403 and "您已退出本课程" in response.content.decode()


def test_an_enrolled_teacher_opens_the_lesson_with_the_player(client, learner):
    client.force_login(learner.user)
    response = client.get(learner.video_lesson.url)
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-block-id="{learner.block_id}"' in body and start_url(learner) in body
    assert "已计时 0 / 需 5 分钟" in body and "courses/player.js" in body
    assert "阅读材料" in body  # the outline and the next lesson
    assert LessonProgress.objects.get(enrolment=learner.enrolment, lesson=learner.video_lesson).status == (
        ProgressStatus.IN_PROGRESS
    )


def test_starting_and_beating_through_the_endpoints_counts_and_shows_on_reopening(client, learner):
    client.force_login(learner.user)
    started = client.post(start_url(learner))
    assert started.status_code == 200
    token = started.json()["token"]
    session = WatchSession.objects.get(token=token)
    session.last_beat_at -= dt.timedelta(seconds=31)  # as if 31 s passed
    session.save()
    answer = post_beat(client, token=token, seq=1, position=30, played=30)
    assert answer.status_code == 200 and answer.json()["credited"] == 30
    reopened = client.get(learner.video_lesson.url).content.decode()
    assert "已计时 0.5 / 需 5 分钟" in reopened and 'data-position="30"' in reopened


def test_a_teacher_not_enrolled_cannot_start_a_viewing(client, learner, tree):
    stranger = make_teacher(school=tree.school_a1_1, real_name="王老师")
    client.force_login(stranger.user)
    response = client.post(start_url(learner))
    assert response.status_code == 403 and "未选修" in response.json()["message"]
    assert not WatchSession.objects.exists()


def test_an_anonymous_visitor_cannot_start_a_viewing(client, learner):
    response = client.post(start_url(learner))
    assert response.status_code == 403 and not WatchSession.objects.exists()


def test_a_malformed_heartbeat_is_refused_and_nothing_is_written(client, learner):
    client.force_login(learner.user)
    token = client.post(start_url(learner)).json()["token"]
    bad_beats = [
        {"token": token, "seq": 1, "position": 30},
        {"token": token, "seq": 1.5, "position": 3, "played": 3},
        {"token": token, "seq": 1, "position": -1, "played": 3},
        {"token": token, "seq": 1, "position": 3, "played": "30"},
        {"token": token, "seq": 1, "position": 1e12, "played": 3},
        {"token": token, "seq": 2**40, "position": 3, "played": 3},
    ]
    for bad in bad_beats:
        response = post_beat(client, **bad)
        assert response.status_code == 400 and "心跳数据" in response.json()["message"]
    assert not WatchBeat.objects.exists()


def test_a_stale_window_is_told_another_took_over(client, learner):
    client.force_login(learner.user)
    first = client.post(start_url(learner)).json()["token"]
    client.post(start_url(learner))
    response = post_beat(client, token=first, seq=1, position=0, played=0)
    assert response.status_code == 409
    assert response.json()["reason"] == "stale" and "另一个窗口" in response.json()["message"]


def test_a_text_lesson_is_marked_done(client, learner):
    client.force_login(learner.user)
    page = client.get(learner.text_lesson.url).content.decode()
    assert "我已学完本课时" in page
    response = client.post(reverse("courses:lesson_done", args=[learner.text_lesson.pk]), follow=True)
    assert "已标记本课时为完成" in response.content.decode()
    assert LessonProgress.objects.get(enrolment=learner.enrolment, lesson=learner.text_lesson).status == (
        ProgressStatus.DONE
    )


def test_a_video_lesson_cannot_be_marked_done_through_the_form(client, learner):
    client.force_login(learner.user)
    assert "我已学完本课时" not in client.get(learner.video_lesson.url).content.decode()
    response = client.post(reverse("courses:lesson_done", args=[learner.video_lesson.pk]), follow=True)
    assert "规定分钟数" in response.content.decode()
    assert LessonProgress.objects.get(enrolment=learner.enrolment, lesson=learner.video_lesson).status != (
        ProgressStatus.DONE
    )


def test_a_completed_course_still_opens_without_counting(client, learner, tree):
    learner.enrolment.status = EnrolmentStatus.COMPLETED
    learner.enrolment.save()
    client.force_login(learner.user)
    body = client.get(learner.video_lesson.url).content.decode()
    assert "<video" in body and "data-watch-start-url" not in body and "不再计时" in body


def test_another_teachers_enrolment_does_not_open_the_lesson(client, learner, tree):
    other = make_teacher(school=tree.school_a1_1, real_name="赵老师")
    enrol(other, learner.course, status=EnrolmentStatus.WITHDRAWN)
    client.force_login(other.user)
    assert client.get(learner.video_lesson.url).status_code == 403


def test_a_wagtail_preview_shows_the_content_without_the_player(learner):
    response = learner.video_lesson.make_preview_request()
    body = response.content.decode()
    assert response.status_code == 200
    assert "示范课视频" in body and "<video" in body and "data-watch-start-url" not in body
