"""Quizzes in lessons through the pages: only studying teachers start them, answers count only for the
open attempt and before the deadline, passing completes the lesson."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import AttemptStatus, FrameworkNode, Quiz, QuizAnswer, QuizAttempt
from assessments.quizzes.services import quiz_item_create
from assessments.services import framework_2_0_core_ensure
from courses.models import LessonProgress, ProgressStatus
from courses.services import LessonSpec
from tests.courses.catalog_factories import make_course, text_block
from tests.courses.learning_factories import enrol, lessons_of
from tests.factories import make_teacher

pytestmark = pytest.mark.django_db


class QuizSetup:
    def __init__(self, tree) -> None:
        framework_2_0_core_ensure()
        a1 = FrameworkNode.objects.get(code="A1", framework__is_current=True)
        self.item = quiz_item_create(institution=tree.institution, item_type="true_false", stem="判断",
                                     key={"correct": True}, competency=a1)
        self.quiz = Quiz.objects.create(institution=tree.institution, title="测验", time_limit_minutes=5,
                                        pass_mark=Decimal(100), rules=[{"competency": "A1", "count": 1}])
        self.block_id = str(uuid.uuid4())
        block = {"type": "quiz", "id": self.block_id, "value": {"title": "测验", "quiz": self.quiz.pk, "required_to_pass": True}}
        course = make_course(institution=tree.institution, lessons=[
            LessonSpec(title="测验", body=[block]), LessonSpec(title="阅读", body=[text_block()]),
        ])
        self.lesson = lessons_of(course)[0]
        self.teacher = make_teacher(school=tree.school_a1_1, real_name="陈老师")
        self.enrolment = enrol(self.teacher, course)
        self.client = Client()
        self.client.force_login(self.teacher.user)

    def start(self, client: Client | None = None):
        return (client or self.client).post(reverse("courses:quiz_start", args=[self.lesson.pk, self.block_id]))

    def submit(self, answer: str, attempt_id: int | str, client: Client | None = None):
        return (client or self.client).post(
            reverse("courses:quiz_submit", args=[self.lesson.pk, self.block_id]),
            {"attempt": str(attempt_id), f"item-{self.item.pk}": answer},
        )


def test_a_passed_quiz_completes_the_lesson_and_the_page_explains_each_item(tree):
    setup = QuizSetup(tree)
    setup.start()
    attempt = QuizAttempt.objects.get()
    assert f'name="item-{setup.item.pk}"' in setup.client.get(setup.lesson.url).content.decode()
    setup.submit("true", attempt.pk)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.passed
    progress = LessonProgress.objects.get(enrolment=setup.enrolment, lesson=setup.lesson)
    assert progress.status == ProgressStatus.DONE and progress.score == Decimal("100.0")
    assert "data-explanation" in setup.client.get(setup.lesson.url).content.decode()


def test_a_failed_quiz_leaves_the_lesson_open(tree):
    setup = QuizSetup(tree)
    setup.start()
    setup.submit("false", QuizAttempt.objects.get().pk)
    progress = LessonProgress.objects.filter(enrolment=setup.enrolment, lesson=setup.lesson).first()
    assert progress is None or progress.status != ProgressStatus.DONE


def test_answers_for_a_different_attempt_are_not_saved(tree):
    setup = QuizSetup(tree)
    setup.start()
    attempt = QuizAttempt.objects.get()
    setup.submit("true", attempt.pk + 1000)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.IN_PROGRESS and not QuizAnswer.objects.exists()


def test_answers_after_the_time_limit_are_refused_and_the_attempt_scores_what_was_saved_in_time(tree):
    setup = QuizSetup(tree)
    setup.start()
    attempt = QuizAttempt.objects.get()
    QuizAttempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    setup.submit("true", attempt.pk)
    attempt.refresh_from_db()
    assert not QuizAnswer.objects.exists()
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score == Decimal(0) and not attempt.passed


def test_a_teacher_not_enrolled_cannot_start_the_quiz(tree):
    setup = QuizSetup(tree)
    stranger = make_teacher(school=tree.school_a1_1, real_name="褚老师")
    client = Client()
    client.force_login(stranger.user)
    setup.start(client)
    assert not QuizAttempt.objects.exists()
