"""Builders for catalog tests: a published, filed course with a module and lessons."""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal
from typing import Any

from courses.models import CoursePage, ProviderIndexPage
from courses.services import LessonSpec, ModuleSpec, course_create, course_hours_file
from lms.api import Organisation

_codes = itertools.count(1)


def video_block(*, title: str = "示范课视频", duration_minutes: int = 10, required_minutes: int = 5) -> dict[str, Any]:
    return {
        "type": "video",
        "id": str(uuid.uuid4()),
        "value": {
            "title": title, "video": None, "url": "https://video.example.cn/demo.mp4",
            "duration_minutes": duration_minutes, "required_minutes": required_minutes,
        },
    }


def text_block(text: str = "<p>本课介绍技术支持的课堂讲授。</p>") -> dict[str, Any]:
    return {"type": "text", "id": str(uuid.uuid4()), "value": text}


def make_course(
    *,
    institution: Organisation,
    title: str = "技术支持的课堂讲授",
    code: str | None = None,
    publish: bool = True,
    file_hours: bool = True,
    lessons: list[LessonSpec] | None = None,
    **fields: Any,
) -> CoursePage:
    """A course in the institution's folder; published and filed (10 online hours) unless told otherwise."""
    folder = ProviderIndexPage.objects.get(institution=institution)
    fields.setdefault("proposed_hours_online", Decimal(10))
    course = course_create(
        folder=folder,
        title=title,
        code=code or f"KC{next(_codes):05d}",
        summary=f"{title}：课程简介",
        delivery_mode=fields.pop("delivery_mode", "online"),
        modules=[
            ModuleSpec(
                title="第一单元",
                lessons=lessons
                or [LessonSpec(title="观看示范课", body=[video_block()]), LessonSpec(title="阅读材料", body=[text_block()])],
            )
        ],
        publish=publish,
        **fields,
    )
    if file_hours:
        course_hours_file(course=course, user=None)
    return course
