"""Reads of learning progress: what a lesson requires, what an enrolment has done, the course outline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, Sum

from assessments.api import ActivityResult, h5p_activity_get, h5p_result, quiz_best_percent, quiz_passed
from courses.models import (
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    ModulePage,
    OfflineAttendance,
    ProgressStatus,
    WatchSession,
)


@dataclass(frozen=True)
class VideoRequirement:
    block_id: str
    title: str
    required_seconds: int
    duration_seconds: int


@dataclass(frozen=True)
class SessionRequirement:
    block_id: str
    title: str
    sign_in_required: bool


@dataclass(frozen=True)
class ActivityRequirement:
    block_id: str
    title: str
    activity_id: int
    required_to_pass: bool


@dataclass(frozen=True)
class QuizRequirement:
    block_id: str
    title: str
    quiz_id: int
    required_to_pass: bool


@dataclass(frozen=True)
class LessonRequirements:
    videos: list[VideoRequirement]
    sessions: list[SessionRequirement]
    activities: list[ActivityRequirement] = field(default_factory=list)
    quizzes: list[QuizRequirement] = field(default_factory=list)

    @property
    def counted(self) -> bool:
        """True when the server decides the lesson is done (watched videos, attended sessions, H5P and quiz
        results)."""
        return (
            any(v.required_seconds > 0 for v in self.videos) or any(s.sign_in_required for s in self.sessions)
            or bool(self.activities) or bool(self.quizzes)
        )


@dataclass(frozen=True)
class VideoResume:
    position: int
    furthest: int
    credited: int


def lesson_requirements(*, lesson: LessonPage) -> LessonRequirements:
    videos: list[VideoRequirement] = []
    sessions: list[SessionRequirement] = []
    activities: list[ActivityRequirement] = []
    quizzes: list[QuizRequirement] = []
    for child in lesson.body:
        if child.block_type == "video":
            videos.append(VideoRequirement(
                block_id=child.id, title=child.value.get("title", ""),
                required_seconds=child.value.required_seconds(), duration_seconds=child.value.duration_seconds(),
            ))
        elif child.block_type == "offline_session":
            sessions.append(SessionRequirement(
                block_id=child.id, title=child.value.get("title", ""),
                sign_in_required=bool(child.value.get("sign_in_required")),
            ))
        elif child.block_type == "h5p" and child.value.activity_id() is not None:
            activities.append(ActivityRequirement(
                block_id=child.id, title=child.value.get("title", ""), activity_id=child.value.activity_id(),
                required_to_pass=bool(child.value.get("required_to_pass")),
            ))
        elif child.block_type == "quiz" and child.value.quiz_id() is not None:
            quizzes.append(QuizRequirement(
                block_id=child.id, title=child.value.get("title", ""), quiz_id=child.value.quiz_id(),
                required_to_pass=bool(child.value.get("required_to_pass")),
            ))
    return LessonRequirements(videos=videos, sessions=sessions, activities=activities, quizzes=quizzes)


def lesson_quiz(*, lesson: LessonPage, block_id: str) -> QuizRequirement | None:
    return next((q for q in lesson_requirements(lesson=lesson).quizzes if q.block_id == block_id), None)


def quiz_requirement_met(requirement: QuizRequirement, teacher_id: int) -> bool:
    if requirement.required_to_pass:
        return quiz_passed(quiz_id=requirement.quiz_id, teacher_id=teacher_id)
    return quiz_best_percent(quiz_id=requirement.quiz_id, teacher_id=teacher_id) is not None


def lesson_activity(*, lesson: LessonPage, block_id: str) -> ActivityRequirement | None:
    return next((a for a in lesson_requirements(lesson=lesson).activities if a.block_id == block_id), None)


def activity_results(*, enrolment: Enrolment, lesson: LessonPage) -> dict[str, ActivityResult]:
    """The counted H5P result per activity block of the lesson (blocks not yet attempted are absent)."""
    results: dict[str, ActivityResult] = {}
    for requirement in lesson_requirements(lesson=lesson).activities:
        activity = h5p_activity_get(activity_id=requirement.activity_id)
        result = h5p_result(activity=activity, teacher_id=enrolment.teacher_id) if activity is not None else None
        if result is not None:
            results[requirement.block_id] = result
    return results


def activity_requirement_met(requirement: ActivityRequirement, result: ActivityResult | None) -> bool:
    if result is None:
        return False
    return result.passed if requirement.required_to_pass else result.completed


def lesson_activity_score(
    *, requirements: LessonRequirements, results: dict[str, ActivityResult], teacher_id: int | None = None
) -> Decimal | None:
    """The lesson's score: the mean percent of its scored H5P activities and quizzes (best attempt each;
    None when none is scored yet)."""
    percents = [results[a.block_id].percent for a in requirements.activities if a.block_id in results]
    if teacher_id is not None:
        percents += [quiz_best_percent(quiz_id=q.quiz_id, teacher_id=teacher_id) for q in requirements.quizzes]
    scored = [p for p in percents if p is not None]
    if not scored:
        return None
    return (sum(scored, Decimal(0)) / len(scored)).quantize(Decimal("0.1"))


def lesson_video(*, lesson: LessonPage, block_id: str) -> VideoRequirement | None:
    return next((v for v in lesson_requirements(lesson=lesson).videos if v.block_id == block_id), None)


def lesson_course(*, lesson: LessonPage) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(lesson).first()


def video_seconds_credited(*, enrolment: Enrolment, lesson: LessonPage) -> dict[str, int]:
    """Credited seconds per video block id: the sum over all of the teacher's sessions of the block."""
    rows = (
        WatchSession.objects.filter(enrolment=enrolment, lesson=lesson)
        .values("block_id").annotate(total=Sum("credited_seconds"))
    )
    return {row["block_id"]: row["total"] or 0 for row in rows}


def video_resume(*, enrolment: Enrolment, lesson: LessonPage, block_id: str) -> VideoResume:
    """Where the player picks up after a reload or a crash: the last position, the furthest point watched."""
    sessions = WatchSession.objects.filter(enrolment=enrolment, lesson=lesson, block_id=block_id)
    totals = sessions.aggregate(furthest=Max("furthest"), credited=Sum("credited_seconds"))
    last = sessions.order_by("-last_beat_at", "-pk").values_list("position", flat=True).first()
    return VideoResume(position=last or 0, furthest=totals["furthest"] or 0, credited=totals["credited"] or 0)


def offline_attendance(*, enrolment: Enrolment, lesson: LessonPage) -> dict[str, dt.datetime]:
    """Signed-in time per offline-session block id."""
    rows = OfflineAttendance.objects.filter(enrolment=enrolment, lesson=lesson).values_list("block_id", "signed_in_at")
    return dict(rows)


def lesson_requirements_met(*, enrolment: Enrolment, lesson: LessonPage) -> bool:
    requirements = lesson_requirements(lesson=lesson)
    credited = video_seconds_credited(enrolment=enrolment, lesson=lesson) if requirements.videos else {}
    attended = offline_attendance(enrolment=enrolment, lesson=lesson) if requirements.sessions else {}
    videos_done = all(credited.get(v.block_id, 0) >= v.required_seconds for v in requirements.videos)
    sessions_done = all(s.block_id in attended for s in requirements.sessions if s.sign_in_required)
    if not (videos_done and sessions_done):
        return False
    results = activity_results(enrolment=enrolment, lesson=lesson) if requirements.activities else {}
    if not all(activity_requirement_met(a, results.get(a.block_id)) for a in requirements.activities):
        return False
    return all(quiz_requirement_met(q, enrolment.teacher_id) for q in requirements.quizzes)


def course_lessons(*, course: CoursePage) -> list[LessonPage]:
    """The course's live lessons in outline order."""
    return list(LessonPage.objects.live().descendant_of(course).order_by("path"))


def course_modules(*, course: CoursePage) -> list[ModulePage]:
    return list(ModulePage.objects.live().child_of(course).order_by("path"))


def lesson_progress_by_lesson(*, enrolment: Enrolment) -> dict[int, LessonProgress]:
    return {p.lesson_id: p for p in LessonProgress.objects.filter(enrolment=enrolment)}


def lessons_done(*, enrolment: Enrolment) -> set[int]:
    return set(
        LessonProgress.objects.filter(enrolment=enrolment, status=ProgressStatus.DONE).values_list("lesson_id", flat=True)
    )
