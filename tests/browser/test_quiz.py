"""A teacher takes a quiz in a lesson in Chromium and sees each item's explanation and the result per
capability point; the server marks it."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import FrameworkNode, Quiz, QuizAttempt
from assessments.quizzes.services import quiz_item_create
from assessments.services import framework_2_0_core_ensure
from courses.models import Enrolment, LessonPage, LessonProgress, ProgressStatus
from courses.services import LessonSpec
from tests.browser.conftest import log_in
from tests.courses.catalog_factories import make_course, text_block
from tests.factories import PASSWORD, build_tree, make_teacher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

QUIZ_BLOCK = str(uuid.uuid4())


@pytest.fixture
def quiz_lesson():
    tree = build_tree()
    framework_2_0_core_ensure()
    a1 = FrameworkNode.objects.get(code="A1", framework__is_current=True)
    a3 = FrameworkNode.objects.get(code="A3", framework__is_current=True)
    quiz_item_create(institution=tree.institution, item_type="true_false", stem="学情分析可以借助在线问卷。",
                     key={"correct": True}, competency=a1, explanation="在线问卷能快速收集学情。")
    quiz_item_create(institution=tree.institution, item_type="fill_in", stem="用____展示教学内容。",
                     key={"blanks": [["演示文稿", "PPT"]], "case_sensitive": False}, competency=a3)
    quiz = Quiz.objects.create(institution=tree.institution, title="单元测验", time_limit_minutes=10,
                               pass_mark=Decimal(100), rules=[{"competency": "A1", "count": 1}, {"competency": "A3", "count": 1}])
    block = {"type": "quiz", "id": QUIZ_BLOCK, "value": {"title": "单元测验", "quiz": quiz.pk, "required_to_pass": True}}
    course = make_course(institution=tree.institution, lessons=[LessonSpec(title="测验", body=[text_block(), block])])
    teacher = make_teacher(school=tree.school_a1_1, real_name="冯老师")
    teacher.user.username = "teacher_feng"
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    enrolment = Enrolment.objects.create(teacher=teacher, course=course, enrolled_at=timezone.now())
    return LessonPage.objects.live().descendant_of(course).first(), enrolment


def test_a_teacher_takes_a_quiz_and_sees_the_explanation_of_each_item(page, live_server, quiz_lesson):
    lesson, enrolment = quiz_lesson
    log_in(page, live_server, "teacher_feng", PASSWORD)
    page.goto(f"{live_server.url}{lesson.url}")
    page.click("[data-quiz-start]")
    page.wait_for_selector("[data-quiz-form]")
    page.check("[data-type='true_false'] input[value='true']")
    page.fill("[data-type='fill_in'] input[type='text']", "ＰＰＴ")  # full-width: normalised by the server
    page.click("[data-quiz-submit]")
    page.wait_for_selector("[data-quiz-result]")
    assert "2 / 2" in page.inner_text("[data-quiz-result]") or "100" in page.inner_text("[data-quiz-result]")
    explanations = page.locator("[data-explanation]").all_inner_texts()
    assert len(explanations) == 2 and any("在线问卷能快速收集学情" in text for text in explanations)
    assert "A1" in page.inner_text(".quiz-competencies") and "A3" in page.inner_text(".quiz-competencies")
    attempt = QuizAttempt.objects.get()
    assert (attempt.score, attempt.passed) == (Decimal(2), True)
    assert LessonProgress.objects.get(enrolment=enrolment, lesson=lesson).status == ProgressStatus.DONE
    page.screenshot(path="test-results/quiz-lesson.png", full_page=True)
