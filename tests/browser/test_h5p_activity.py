"""A teacher plays an H5P activity in a lesson in Chromium: our own package and library, the bundled
h5p-standalone player, statements to the server, and the server's recomputed score on the page."""

from __future__ import annotations

import json
import re
import time
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import H5PAttempt, H5PStatement, H5PUserState
from courses.models import Enrolment, EnrolmentStatus, LessonPage, LessonProgress, ProgressStatus
from courses.services import LessonSpec
from tests.assessments.h5p_fixtures import make_activity, province_admin
from tests.browser.conftest import log_in
from tests.courses.catalog_factories import make_course, text_block
from tests.factories import PASSWORD, build_tree, make_teacher
from tests.h5p_builder import multichoice_package, truefalse_package

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ANSWERS = [("多媒体课件", True), ("粉笔", False), ("微课视频", True)]
MC_BLOCK, TF_BLOCK = str(uuid.uuid4()), str(uuid.uuid4())


@pytest.fixture
def h5p_lesson(settings):
    settings.H5P_STATE_SAVE_SECONDS = 1  # the live server shares these settings
    tree = build_tree()
    admin = province_admin(tree)
    activity = make_activity(institution=tree.institution, data=multichoice_package(answers=ANSWERS),
                             title="信息技术教学资源辨析", approver=admin, passing_score=Decimal(100))
    judgement = make_activity(institution=tree.institution, data=truefalse_package(), title="判断", approver=admin)
    # Two players on one page: each must start, and both must be passed to finish the lesson.
    blocks = [
        {"type": "h5p", "id": MC_BLOCK, "value": {"title": "课堂练习：教学资源", "activity": activity.pk,
                                                  "required_to_pass": True}},
        {"type": "h5p", "id": TF_BLOCK, "value": {"title": "课堂练习：判断", "activity": judgement.pk,
                                                  "required_to_pass": True}},
    ]
    course = make_course(institution=tree.institution, lessons=[
        LessonSpec(title="互动练习", body=[text_block(), *blocks]),
    ])
    teacher = make_teacher(school=tree.school_a1_1, real_name="周老师")
    teacher.user.username = "teacher_zhou"
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    enrolment = Enrolment.objects.create(teacher=teacher, course=course, enrolled_at=timezone.now())
    lesson = LessonPage.objects.live().descendant_of(course).order_by("path").first()
    return lesson, enrolment, activity


def _frame(page, block_id: str = MC_BLOCK, ready: str = ".h5p-mc-answer"):
    frame = page.frame_locator(f"#h5p-{block_id} iframe")
    frame.locator(ready).first.wait_for(timeout=20_000)
    return frame


def test_the_server_recomputes_the_score_of_an_activity_played_in_a_lesson(page, live_server, h5p_lesson):
    lesson, enrolment, activity = h5p_lesson
    log_in(page, live_server, "teacher_zhou", PASSWORD)
    page.goto(f"{live_server.url}{lesson.url}")
    frame = _frame(page)

    # First attempt: one right answer and one wrong one → the server counts 0 of 2 (+1 −1).
    frame.locator(".h5p-mc-answer[data-index='0']").check()
    frame.locator(".h5p-mc-answer[data-index='1']").check()
    frame.locator(".h5p-mc-check").click()
    result = page.locator(f"#h5p-{MC_BLOCK} [data-h5p-score]")
    result.wait_for(timeout=15_000)
    assert re.search(r"(?<!\d)0\D+2\D+0%", result.inner_text()), result.inner_text()  # 0 of 2 (0%)
    first = H5PAttempt.objects.get(activity=activity)
    assert (first.score, first.max_score, first.scored_by) == (Decimal(0), Decimal(2), "server")
    assert not LessonProgress.objects.get(enrolment=enrolment, lesson=lesson).status == ProgressStatus.DONE

    # The player saves where the teacher is (every second here); a reload restores it.
    frame.locator(".h5p-mc-answer[data-index='1']").uncheck()
    frame.locator(".h5p-mc-answer[data-index='2']").check()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not _saved_choice(enrolment.teacher_id, 2, activity.pk):
        time.sleep(0.3)
    assert _saved_choice(enrolment.teacher_id, 2, activity.pk), list(H5PUserState.objects.values_list("data", flat=True))
    page.reload()
    frame = _frame(page)
    assert frame.locator(".h5p-mc-answer[data-index='0']").is_checked()
    assert frame.locator(".h5p-mc-answer[data-index='2']").is_checked()
    assert not frame.locator(".h5p-mc-answer[data-index='1']").is_checked()
    assert re.search(r"(?<!\d)0\D+2\D+0%", page.inner_text(f"#h5p-{MC_BLOCK} [data-h5p-score]"))  # from the server

    # Second attempt: both right answers → 2 of 2, passed; the lesson waits for the other activity.
    frame.locator(".h5p-mc-check").click()
    page.wait_for_function(
        f"document.querySelector('#h5p-{MC_BLOCK} [data-h5p-score]').textContent.includes('100')", timeout=15_000
    )
    assert page.locator("[data-lesson-status]").get_attribute("data-done") is None
    judgement = _frame(page, TF_BLOCK, ".h5p-tf-true")
    judgement.locator(".h5p-tf-true").click()
    judgement.locator(".h5p-tf-check").click()
    page.wait_for_function(
        "document.querySelector('[data-lesson-status]').dataset.done === '1'", timeout=15_000
    )
    assert re.search(r"(?<!\d)1\D+1\D+100%", page.inner_text(f"#h5p-{TF_BLOCK} [data-h5p-score]"))
    second = H5PAttempt.objects.filter(activity=activity).order_by("number").last()
    assert (second.number, second.score, second.passed) == (2, Decimal(2), True)
    statement = H5PStatement.objects.get(attempt=second)
    assert statement.body["actor"]["mbox"] == f"mailto:teacher-{enrolment.teacher_id}@lms.invalid"
    assert statement.body["result"]["response"] in ("0[,]2", "2[,]0")
    assert not statement.mismatch
    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lesson)
    assert progress.status == ProgressStatus.DONE and progress.score == Decimal("100.0")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED
    assert page.inner_text("[data-lesson-status]").strip() == "已完成"
    page.screenshot(path="test-results/h5p-lesson.png", full_page=True)


def _saved_choice(teacher_id: int, index: int, activity_id: int) -> bool:
    """The player has saved a state in which this answer is chosen."""
    state = H5PUserState.objects.filter(teacher_id=teacher_id, activity_id=activity_id, data_type="state").values_list(
        "data", flat=True).first()
    return bool(state) and index in json.loads(state).get("answers", [])
