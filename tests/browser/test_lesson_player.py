"""A teacher plays an enrolled lesson's video: heartbeats are credited by the server and the lesson is done."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.files import File
from django.utils import timezone
from wagtail.documents.models import Document

from courses.models import Enrolment, LessonPage, LessonProgress, ProgressStatus, WatchBeat
from courses.services import LessonSpec
from tests.browser.conftest import log_in
from tests.courses.catalog_factories import make_course, text_block
from tests.factories import PASSWORD, build_tree, make_teacher

# serialized_rollback: the page tree and site that the migrations create come back after each flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIDEO = Path(__file__).parent / "assets" / "lesson.webm"  # 20 s; see assets/README.md


@pytest.fixture
def lesson(settings):
    settings.LEARNING_HEARTBEAT_SECONDS = 1  # the live server shares these settings
    tree = build_tree()
    with VIDEO.open("rb") as handle:
        document = Document.objects.create(title="示范课视频", file=File(handle, name="lesson.webm"))
    video = {
        "type": "video", "id": str(uuid.uuid4()),
        "value": {"title": "示范课：技术支持的课堂讲授", "video": document.pk, "url": "",
                  "duration_minutes": "0.3", "required_minutes": "0.1"},
    }
    course = make_course(institution=tree.institution, lessons=[
        LessonSpec(title="观看示范课", body=[video]), LessonSpec(title="阅读材料", body=[text_block()]),
    ])
    teacher = make_teacher(school=tree.school_a1_1, real_name="李明")
    teacher.user.username = "teacher_li"
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    enrolment = Enrolment.objects.create(teacher=teacher, course=course, enrolled_at=timezone.now())
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    return lesson, enrolment


def test_playing_the_video_is_counted_and_the_lesson_is_done(page, live_server, lesson):
    lesson_page, enrolment = lesson
    log_in(page, live_server, "teacher_li", PASSWORD)
    page.goto(f"{live_server.url}{lesson_page.url}")
    label = page.locator(".video-progress-label")
    assert label.inner_text() == "已计时 0 / 需 0.1 分钟"
    page.locator("video").evaluate("video => { video.muted = true; return video.play(); }")
    page.wait_for_function(
        "document.querySelector('[data-lesson-status]').textContent.includes('已完成')", timeout=30_000
    )
    assert label.inner_text() == "已计时 0.1 / 需 0.1 分钟"
    assert page.inner_text(".video-status") == "本视频的规定观看时间已计满。"
    page.screenshot(path="test-results/lesson-player.png", full_page=True)
    credited = sum(WatchBeat.objects.filter(session__enrolment=enrolment).values_list("credited_seconds", flat=True))
    assert credited == 6
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=lesson_page).status == ProgressStatus.DONE
    page.reload()
    assert "已完成" in page.inner_text("#lesson-status")
    assert page.locator(".lesson-outline li.done").count() == 1


def test_skipping_ahead_in_the_player_is_held_back(page, live_server, lesson):
    lesson_page, _enrolment = lesson
    log_in(page, live_server, "teacher_li", PASSWORD)
    page.goto(f"{live_server.url}{lesson_page.url}")
    video = page.locator("video")
    # The test server answers without byte ranges, so Chromium could not seek at all: play from memory instead.
    video.evaluate(
        "video => fetch(video.currentSrc).then(r => r.blob()).then(blob => new Promise(done => {"
        " video.addEventListener('loadedmetadata', done, {once: true}); video.src = URL.createObjectURL(blob); }))"
    )
    position = video.evaluate(
        "video => new Promise(done => { video.addEventListener('seeked', () => done(video.currentTime), {once: true});"
        " video.currentTime = 15; })"
    )
    assert position < 2
    assert "快进" in page.inner_text(".video-status")
