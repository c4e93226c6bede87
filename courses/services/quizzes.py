"""Quizzes inside lessons: only a teacher still studying the course takes a lesson's quiz; submitting saves
the answers the server still accepts, marks the attempt and brings the lesson's progress up to date."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from assessments.api import (
    Quiz,
    QuizAttemptResult,
    QuizItem,
    quiz_answer_save,
    quiz_attempt_current,
    quiz_attempt_items,
    quiz_attempt_submit,
    quiz_get,
)
from courses.models import Enrolment, EnrolmentStatus, LessonPage
from courses.selectors.progress import lesson_course, lesson_quiz
from courses.services.progress import lesson_progress_update
from lms.api import Teacher, teacher_for_user


@dataclass(frozen=True)
class LessonQuiz:
    enrolment: Enrolment
    teacher: Teacher
    quiz: Quiz


@dataclass(frozen=True)
class LessonQuizSubmitted:
    result: QuizAttemptResult
    refused: list[str]  # why some answers were not saved (late, malformed); the rest were marked


def lesson_quiz_for(*, user: User | AnonymousUser, lesson: LessonPage, block_id: str) -> LessonQuiz:
    teacher = teacher_for_user(user=user) if user.is_authenticated else None
    course = lesson_course(lesson=lesson)
    enrolment = Enrolment.objects.filter(teacher=teacher, course=course).first() if teacher and course else None
    if teacher is None or enrolment is None or enrolment.status != EnrolmentStatus.ACTIVE:
        raise PermissionDenied(_("Only teachers studying this course can take its quizzes."))
    requirement = lesson_quiz(lesson=lesson, block_id=block_id)
    quiz = quiz_get(quiz_id=requirement.quiz_id) if requirement else None
    if quiz is None:
        raise PermissionDenied(_("This quiz is not part of the lesson."))
    return LessonQuiz(enrolment=enrolment, teacher=teacher, quiz=quiz)


def lesson_quiz_submit(
    *, access: LessonQuiz, lesson: LessonPage, attempt_id: str, response_of: Callable[[QuizItem], Any]
) -> LessonQuizSubmitted:
    """Save each answer (`response_of(item)`, None when unanswered) and submit the open attempt."""
    attempt = quiz_attempt_current(quiz=access.quiz, teacher=access.teacher)
    if attempt is None or str(attempt.pk) != attempt_id:
        raise ValidationError(_("This attempt is no longer open: the answers were not saved."))
    refused = []
    for item in quiz_attempt_items(attempt=attempt):
        response = response_of(item)
        if response is None:
            continue
        try:
            quiz_answer_save(attempt_id=attempt.pk, teacher=access.teacher, item_id=item.pk, response=response)
        except ValidationError as invalid:
            refused.append(" ".join(invalid.messages))
    result = quiz_attempt_submit(attempt=attempt, teacher=access.teacher)
    lesson_progress_update(enrolment=access.enrolment, lesson=lesson)
    return LessonQuizSubmitted(result=result, refused=sorted(set(refused)))
