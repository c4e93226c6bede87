"""Builders for learning tests: an enrolled teacher in a course with a video lesson and a text lesson."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from courses.models import CoursePage, Enrolment, EnrolmentStatus, LessonPage
from courses.services import LessonSpec
from lms.api import Teacher
from tests.courses.catalog_factories import make_course, text_block, video_block
from tests.factories import make_teacher

T0 = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # a Monday morning in Beijing


@dataclass
class Learner:
    teacher: Teacher
    course: CoursePage
    enrolment: Enrolment
    video_lesson: LessonPage
    text_lesson: LessonPage

    @property
    def user(self):  # type: ignore[no-untyped-def]
        return self.teacher.user

    @property
    def block_id(self) -> str:
        return self.video_lesson.body[0].id


def lessons_of(course: CoursePage) -> list[LessonPage]:
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def enrol(teacher: Teacher, course: CoursePage, status: str = EnrolmentStatus.ACTIVE) -> Enrolment:
    return Enrolment.objects.create(teacher=teacher, course=course, status=status, enrolled_at=timezone.now())


def make_learner(tree: Any, *, required_minutes: Any = 5, duration_minutes: Any = 10, **course_fields: Any) -> Learner:
    video = video_block(duration_minutes=duration_minutes, required_minutes=required_minutes)
    lessons = [LessonSpec(title="观看示范课", body=[video]), LessonSpec(title="阅读材料", body=[text_block()])]
    course = make_course(institution=tree.institution, lessons=lessons, **course_fields)
    teacher = make_teacher(school=tree.school_a1_1, real_name="李老师")
    video_lesson, text_lesson = lessons_of(course)
    return Learner(teacher, course, enrol(teacher, course), video_lesson, text_lesson)
