"""A teacher finds a course by a Chinese keyword, enrols, plays its lesson (heartbeats counted by the
server), completes the course and sees the hours on the dashboard."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files import File
from wagtail.documents.models import Document

from courses.models import Enrolment, EnrolmentStatus, HoursEntry
from courses.services import LessonSpec
from tests.browser.conftest import log_in
from tests.courses.catalog_factories import make_course
from tests.factories import PASSWORD, build_tree, make_teacher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIDEO = Path(__file__).parent / "assets" / "lesson.webm"


@pytest.fixture
def catalog(settings):
    settings.LEARNING_HEARTBEAT_SECONDS = 1
    tree = build_tree()
    with VIDEO.open("rb") as handle:
        document = Document.objects.create(title="示范课视频", file=File(handle, name="lesson.webm"))
    video = {
        "type": "video", "id": str(uuid.uuid4()),
        "value": {"title": "示范课", "video": document.pk, "url": "", "duration_minutes": "0.3", "required_minutes": "0.1"},
    }
    make_course(institution=tree.institution, title="演示文稿设计与制作")
    course = make_course(
        institution=tree.institution, title="技术支持的课堂讲授", proposed_hours_online=Decimal(6),
        lessons=[LessonSpec(title="观看示范课", body=[video])],
    )
    teacher = make_teacher(school=tree.school_a1_1, real_name="李明")
    teacher.user.username = "teacher_li"
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    return course, teacher


def test_find_enrol_play_complete_and_see_the_hours(page, live_server, catalog):
    course, teacher = catalog
    log_in(page, live_server, "teacher_li", PASSWORD)

    page.goto(f"{live_server.url}/courses/")
    page.fill(".catalog-search input[name='q']", "课堂")
    page.press(".catalog-search input[name='q']", "Enter")
    page.wait_for_load_state("networkidle")
    titles = page.locator(".course-card-title").all_inner_texts()
    assert titles == ["技术支持的课堂讲授"]

    page.click(".course-card-title a")
    page.click(".enrol-form button[type='submit']")
    page.wait_for_load_state("networkidle")
    assert "报名成功" in page.inner_text("body") or "已报名" in page.inner_text("body")
    assert Enrolment.objects.get(teacher=teacher, course=course).status == EnrolmentStatus.ACTIVE

    page.click(".outline-lesson a")
    page.locator("video").evaluate("video => { video.muted = true; return video.play(); }")
    page.wait_for_function(
        "document.querySelector('[data-lesson-status]').textContent.includes('已完成')", timeout=30_000
    )
    assert Enrolment.objects.get(teacher=teacher, course=course).status == EnrolmentStatus.COMPLETED
    assert HoursEntry.objects.filter(teacher=teacher).count() == 1

    page.goto(f"{live_server.url}/me/courses/")
    row = page.locator("tr.enrolment-completed")
    assert "技术支持的课堂讲授" in row.inner_text()
    online = page.locator("g.chart-row[data-kind-label='网络研修']")
    assert "6" in (online.text_content() or "")
    page.screenshot(path="test-results/teacher-dashboard.png", full_page=True)
