"""Demo courses for the demo province: published courses from two institutions, one awaiting approval,
a whole-school cohort, school-based sessions (done and approved, awaiting the county, upcoming), a few
years of ledger entries for the demo teacher, and H5P activities (three ready in a lesson, one held for
the province to approve its library). Idempotent: a second run finds everything in place."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from assessments.api import (
    ActivityStatus,
    FrameworkNode,
    H5PActivity,
    LibraryStatus,
    framework_2_0_core_ensure,
    h5p_activity_check_run,
    h5p_activity_receive,
    h5p_libraries_awaiting,
    h5p_library_decide,
    h5p_sample_package,
    quiz_item_create,
    Quiz,
)
from courses.models import (
    Cohort,
    CoursePage,
    Enrolment,
    HoursEntry,
    HoursKind,
    HoursSource,
    LessonPage,
    LessonProgress,
    ModulePage,
    ProgressStatus,
    ProviderIndexPage,
    SchoolSession,
    SessionStatus,
)
from courses.services import LessonSpec, ModuleSpec, course_create, course_hours_file, hours_award
from courses.services.enrolment import cohort_create, cohort_enrol_school, enrolment_self
from courses.services.progress import enrolment_completion_check
from courses.services.school_sessions import (
    attendance_add_manually,
    school_session_review,
    school_session_schedule,
    school_session_submit,
)
from lms.api import Organisation, Teacher, teacher_for_user

DEMO_VIDEO_URL = "/static/courses/demo/lesson.webm"


@dataclass
class CoursesDemoResult:
    published: int = 0
    awaiting_approval: int = 0
    cohorts: int = 0
    school_sessions: int = 0
    hours_entries: int = 0
    h5p_ready: int = 0
    h5p_held: int = 0


@dataclass(frozen=True)
class DemoCourse:
    code: str
    title: str
    points: tuple[str, ...]
    mode: str
    hours: tuple[int, int, int]  # online, centralised, school-based
    stages: tuple[str, ...] = ("primary", "junior")
    subjects: tuple[str, ...] = ()
    seats: int | None = None
    opens_in_days: int = -30
    institution: int = 0


DEMO_COURSES = (
    DemoCourse("SF2026-001", "技术支持的课堂讲授", ("A6",), "online", (10, 0, 0), subjects=("chinese", "maths")),
    DemoCourse("SF2026-002", "演示文稿设计与制作", ("A3",), "online", (8, 0, 0)),
    DemoCourse("SF2026-003", "技术支持的学情分析", ("A1",), "blended", (6, 6, 0), stages=("junior", "senior")),
    DemoCourse("SF2026-004", "数字教育资源获取与评价", ("A2", "A4"), "online", (6, 0, 0)),
    DemoCourse("SF2026-005", "评价量规设计与应用", ("A11",), "online", (8, 0, 0), seats=30),
    DemoCourse("SF2026-006", "技术支持的展示交流", ("B6",), "blended", (6, 6, 0), stages=("senior",)),
    DemoCourse("SF2026-007", "数据可视化呈现与解读", ("A13", "A12"), "online", (8, 0, 0), opens_in_days=10),
    DemoCourse("SF2026-008", "整校推进：校本研修的组织与实施", ("A5", "A7"), "school_based", (4, 0, 16)),
    DemoCourse("SF2026-009", "学习小组组织与管理", ("A9",), "offline", (0, 12, 0), institution=1),
    DemoCourse("SF2026-010", "技术支持的方法指导", ("A8",), "online", (6, 0, 0), institution=1),
)
AWAITING = DemoCourse("SF2026-011", "技术支持的测验与练习", ("A10",), "online", (8, 0, 0))


@dataclass(frozen=True)
class DemoH5P:
    kind: str  # a sample content type: truefalse, multichoice, blanks
    title: str
    content: dict[str, Any]
    patch: int = 0


DEMO_H5P = (
    DemoH5P("truefalse", "判断题：多媒体课件与课堂讲授",
            {"question": "<p>多媒体课件可以支持课堂讲授。</p>", "correct": "true"}),
    DemoH5P("multichoice", "多选题：信息技术教学资源", {
        "question": "<p>下列哪些属于信息技术教学资源？</p>",
        "answers": [{"text": "<div>多媒体课件</div>", "correct": True}, {"text": "<div>微课视频</div>", "correct": True},
                    {"text": "<div>粉笔</div>", "correct": False}],
        "behaviour": {"singlePoint": False, "type": "auto"},
    }),
    DemoH5P("blanks", "填空题：演示文稿与微课", {
        "text": "<p>在空白处填写正确答案。</p>",
        "questions": ["<p>用 *演示文稿/PPT* 展示教学内容，用 *微课* 支持课前预习。</p>"],
        "behaviour": {"caseSensitive": False},
    }),
)
# A newer patch of the TrueFalse library: its activity stays held until province_admin approves the library.
HELD_H5P = DemoH5P("truefalse", "判断题：交互式电子白板（新版题型，待审核）",
                   {"question": "<p>交互式电子白板可以支持课堂互动。</p>", "correct": "true"}, patch=1)
H5P_LESSON_TITLE = "互动练习"
QUIZ_LESSON_TITLE = "能力点自测"
QUIZ_TITLE = "学情分析与演示文稿：能力点自测"
# (competency, type, stem, key, explanation)
DEMO_ITEMS: tuple[tuple[str, str, str, dict[str, Any], str], ...] = (
    ("A1", "true_false", "学情分析只能在课前进行。", {"correct": False}, "学情分析贯穿课前、课中和课后。"),
    ("A1", "single", "下列哪种工具最适合快速收集全班的前测数据？",
     {"options": ["在线问卷", "黑板板书", "纸质教案"], "correct": "在线问卷"}, "在线问卷可即时汇总全班作答。"),
    ("A1", "multiple", "技术支持的学情分析可以使用哪些数据？",
     {"options": ["前测成绩", "课堂练习作答", "学生座位号"], "correct": ["前测成绩", "课堂练习作答"], "scoring": "partial"},
     "座位号与学习情况无关。"),
    ("A3", "fill_in", "演示文稿中，一页幻灯片宜突出____个核心观点。",
     {"blanks": [["一", "1", "１"]]}, "一页一个核心观点，便于学生聚焦。"),
    ("A3", "ordering", "把制作演示文稿的步骤排好顺序。",
     {"items": ["明确教学目标", "设计内容结构", "制作与美化", "试讲修改"]}, "先目标、后结构，再制作与修改。"),
    ("A3", "matching", "把功能与用途配对。",
     {"pairs": {"动画": "呈现过程", "超链接": "跳转资源"}, "rights": ["呈现过程", "跳转资源", "打印讲义"]},
     "动画适合呈现过程，超链接用于跳转。"),
)


def _block(kind: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "id": str(uuid.uuid4()), "value": value}


def _lessons(spec: DemoCourse, now: dt.datetime) -> list[ModuleSpec]:
    intro = _block("text", f"<p>本课程围绕“{spec.title}”展开，结合课堂实例讲解方法与工具。</p>")
    video = _block("video", {
        "title": f"{spec.title}：示范课", "video": None, "url": DEMO_VIDEO_URL,
        "duration_minutes": "0.3", "required_minutes": "0.2",
    })
    practice = _block("text", "<p>请结合本学科设计一个教学片段，并在研修活动中交流。</p>")
    modules = [
        ModuleSpec("第一单元 理念与方法", [LessonSpec("导学", [intro]), LessonSpec("示范课观摩", [video])]),
        ModuleSpec("第二单元 实践应用", [LessonSpec("实践任务", [practice])]),
    ]
    if spec.mode in ("offline", "blended"):
        start = (now + dt.timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
        session = _block("offline_session", {
            "title": "集中研修：课例研讨", "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=3)).isoformat(), "place": "县教师发展中心 302 室",
            "sign_in_required": True,
        })
        modules[1].lessons.append(LessonSpec("集中研修", [session]))
    return modules


def _course(spec: DemoCourse, folder: ProviderIndexPage, now: dt.datetime, *, publish: bool, user: Any) -> CoursePage:
    existing = CoursePage.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing
    online, centralised, school_based = (Decimal(h) for h in spec.hours)
    course = course_create(
        folder=folder, title=spec.title, code=spec.code, delivery_mode=spec.mode, publish=publish, user=user,
        summary=f"面向中小学教师的“{spec.title}”微能力点研修课程，含示范课观摩与实践任务。",
        modules=_lessons(spec, now),
        audience_stages=list(spec.stages), audience_subjects=list(spec.subjects),
        proposed_hours_online=online, proposed_hours_centralised=centralised,
        proposed_hours_school_based=school_based, seats=spec.seats,
        enrol_opens_at=now + dt.timedelta(days=spec.opens_in_days), enrol_closes_at=now + dt.timedelta(days=120),
    )
    course.capability_points.set(FrameworkNode.objects.filter(code__in=spec.points, framework__is_current=True))
    course.save_revision(user=user, log_action=False)
    if publish:
        course.get_latest_revision().publish(user=user, log_action=False, skip_permission_checks=True)
        course_hours_file(course=course, user=None, comment="示范数据")
    return course


def _catalog(result: CoursesDemoResult, now: dt.datetime) -> list[CoursePage]:
    User = get_user_model()
    editor = User.objects.get(username="editor")
    folders = list(
        ProviderIndexPage.objects.filter(institution__code__in=["JG990000", "JG990100"]).order_by("institution__code")
    )
    courses = [_course(spec, folders[spec.institution], now, publish=True, user=editor) for spec in DEMO_COURSES]
    awaiting = _course(AWAITING, folders[0], now, publish=False, user=editor)
    workflow = awaiting.get_workflow()
    if workflow is not None and not awaiting.workflow_in_progress and not awaiting.live:
        workflow.start(awaiting, editor)
    result.published = CoursePage.objects.live().filter(filed_hours__isnull=False).count()
    result.awaiting_approval = int(awaiting.workflow_in_progress)
    return courses


def _h5p_activity(spec: DemoH5P, institution: Organisation, editor: Any) -> H5PActivity:
    """Upload the sample package as the institution's editor and check it at once; found by title on a rerun."""
    existing = H5PActivity.objects.filter(institution=institution, title=spec.title).order_by("pk").first()
    if existing is not None:
        return existing
    activity = H5PActivity(institution=institution, title=spec.title, created_by=editor)
    activity.full_clean()
    activity.save()
    data = h5p_sample_package(spec.kind, content=spec.content, title=spec.title, patch=spec.patch)
    upload = SimpleUploadedFile(f"{spec.kind}-{spec.patch}.h5p", data, content_type="application/zip")
    h5p_activity_receive(activity=activity, upload=upload, user=editor)
    return h5p_activity_check_run(activity_id=activity.pk)  # the queued task finds it done and does nothing


def _h5p_activities(result: CoursesDemoResult) -> list[H5PActivity]:
    User = get_user_model()
    editor, approver = User.objects.get(username="editor"), User.objects.get(username="province_admin")
    institution = Organisation.objects.get(code="JG990000")  # the editor's institution
    ready = [_h5p_activity(spec, institution, editor) for spec in DEMO_H5P]
    for activity in ready:
        if activity.package is None:
            continue
        for library in h5p_libraries_awaiting(package=activity.package):
            if library.status == LibraryStatus.PENDING:  # a library someone refused stays refused
                h5p_library_decide(library=library, user=approver, approve=True, note="示范数据：示例题型")
        activity.refresh_from_db()
    _h5p_activity(HELD_H5P, institution, editor)
    titles = [spec.title for spec in (*DEMO_H5P, HELD_H5P)]
    demo = H5PActivity.objects.filter(institution=institution, title__in=titles)
    result.h5p_ready = demo.filter(status=ActivityStatus.READY).count()
    result.h5p_held = demo.filter(status=ActivityStatus.HELD).count()
    return [activity for activity in ready if activity.playable]


def _h5p_lesson(course: CoursePage, activities: list[H5PActivity], editor: Any) -> None:
    """A graded lesson of the ready activities in the course's second module, added once."""
    module = ModulePage.objects.child_of(course).order_by("path")[1]
    if not activities or LessonPage.objects.child_of(module).filter(title=H5P_LESSON_TITLE).exists():
        return
    slugs = set(LessonPage.objects.child_of(module).values_list("slug", flat=True))
    slug = next(f"l{n}" for n in range(1, len(slugs) + 2) if f"l{n}" not in slugs)
    body = [_block("text", "<p>完成下列练习，检验对信息技术教学资源的理解；答案由服务器判分。</p>")]
    body += [
        _block("h5p", {"title": activity.title, "activity": activity.pk, "required_to_pass": True})
        for activity in activities
    ]
    lesson = LessonPage(title=H5P_LESSON_TITLE, slug=slug, body=body, required=True, graded=True, live=False)
    module.add_child(instance=lesson)
    revision = lesson.save_revision(user=editor, log_action=False)
    revision.publish(user=editor, log_action=False, skip_permission_checks=True)


def _demo_quiz(institution: Organisation, editor: Any) -> Quiz:
    """Six items of every type on A1 and A3, and a quiz drawing three of each; found by title on a rerun."""
    existing = Quiz.objects.filter(institution=institution, title=QUIZ_TITLE).first()
    if existing is not None:
        return existing
    for code, item_type, stem, key, explanation in DEMO_ITEMS:
        competency = FrameworkNode.objects.get(code=code, framework__is_current=True, framework__code="2.0")
        quiz_item_create(institution=institution, item_type=item_type, stem=stem, key=key, competency=competency,
                         explanation=explanation, user=editor)
    return Quiz.objects.create(
        institution=institution, title=QUIZ_TITLE, time_limit_minutes=20, attempts_allowed=3, pass_mark=Decimal(60),
        rules=[{"competency": "A1", "count": 3}, {"competency": "A3", "count": 3}],
    )


def _quiz_lesson(course: CoursePage, editor: Any) -> None:
    """A graded lesson with the demo quiz in the course's last module, added once."""
    module = ModulePage.objects.child_of(course).order_by("path").last()
    if module is None or LessonPage.objects.child_of(module).filter(title=QUIZ_LESSON_TITLE).exists():
        return
    quiz = _demo_quiz(Organisation.objects.get(code="JG990000"), editor)
    slugs = set(LessonPage.objects.child_of(module).values_list("slug", flat=True))
    slug = next(f"l{n}" for n in range(1, len(slugs) + 2) if f"l{n}" not in slugs)
    body = [_block("text", "<p>限时 20 分钟，由服务器计时和判分；提交后每题都有解析。</p>"),
            _block("quiz", {"title": QUIZ_TITLE, "quiz": quiz.pk, "required_to_pass": True})]
    lesson = LessonPage(title=QUIZ_LESSON_TITLE, slug=slug, body=body, required=True, graded=True, live=False)
    module.add_child(instance=lesson)
    revision = lesson.save_revision(user=editor, log_action=False)
    revision.publish(user=editor, log_action=False, skip_permission_checks=True)


def _teacher_progress(teacher: Teacher, courses: list[CoursePage], now: dt.datetime) -> None:
    user = teacher.user
    for course in courses[:3]:
        if not Enrolment.objects.filter(teacher=teacher, course=course).exists():
            enrolment_self(user=user, course=course)
    finished = Enrolment.objects.get(teacher=teacher, course=courses[1])
    for lesson in LessonPage.objects.live().descendant_of(courses[1]):
        LessonProgress.objects.update_or_create(
            enrolment=finished, lesson=lesson,
            defaults={"status": ProgressStatus.DONE, "started_at": now, "completed_at": now},
        )
    enrolment_completion_check(enrolment=finished)
    started = Enrolment.objects.get(teacher=teacher, course=courses[0])
    first = LessonPage.objects.live().descendant_of(courses[0]).first()
    if first is not None:
        LessonProgress.objects.get_or_create(
            enrolment=started, lesson=first,
            defaults={"status": ProgressStatus.DONE, "started_at": now, "completed_at": now},
        )


def _cohort(result: CoursesDemoResult, course: CoursePage, school: Organisation, county: Organisation) -> None:
    User = get_user_model()
    name = f"{school.name}2026年整校推进培训班"
    if not Cohort.objects.filter(name=name).exists():
        actor = User.objects.get(username="province_admin")  # the reviewer (tutor) is a province-level grant
        cohort = cohort_create(
            actor=actor, course=course, organisation=county, name=name,
            starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 31),
            tutors=[User.objects.get(username="reviewer")],
        )
        cohort_enrol_school(actor=actor, cohort=cohort, school=school)
    result.cohorts = Cohort.objects.count()


def _school_sessions(result: CoursesDemoResult, school: Organisation, now: dt.datetime) -> None:
    User = get_user_model()
    organiser = User.objects.get(username="school_admin")
    county_admin = User.objects.get(username="county_admin")
    if not SchoolSession.objects.filter(school=school).exists():
        teachers = list(Teacher.objects.filter(school=school).order_by("pk")[:6])
        plans = (
            ("同课异构：技术支持的课堂讲授", -14, True),
            ("听评课：演示文稿在课堂中的运用", -3, False),
            ("微能力点 A6 校本研修：课例打磨", 3, None),
        )
        for topic, days, approve in plans:
            start = (now + dt.timedelta(days=days)).replace(hour=14, minute=0, second=0, microsecond=0)
            session = school_session_schedule(
                actor=organiser, school=school, topic=topic, description="全体教师参加，带教学设计初稿。",
                starts_at=start, ends_at=start + dt.timedelta(hours=2), place="学校录播教室", hours=Decimal(2),
                now=start - dt.timedelta(days=2),
            )
            if approve is None:
                continue
            for teacher in teachers:
                attendance_add_manually(actor=organiser, session=session, teacher=teacher, now=start)
            school_session_submit(actor=organiser, session=session, now=start + dt.timedelta(hours=3))
            if approve:
                school_session_review(actor=county_admin, session=session, approve=True, comment="同意认定")
    result.school_sessions = SchoolSession.objects.exclude(status=SessionStatus.CANCELLED).count()


def _past_hours(teacher: Teacher) -> None:
    for year, kind, hours, label in (
        (2022, HoursKind.ONLINE, 36, "2022年全省网络研修"),
        (2023, HoursKind.CENTRALISED, 48, "2023年暑期集中培训"),
        (2024, HoursKind.SCHOOL_BASED, 30, "2024年校本研修"),
        (2025, HoursKind.ONLINE, 40, "2025年信息技术应用能力提升工程2.0"),
        (2025, HoursKind.RECOGNISED, 12, "县级教学设计比赛一等奖"),
    ):
        hours_award(
            teacher_id=teacher.pk, hours=hours, kind=kind, year=year, source_type=HoursSource.MANUAL,
            source_ref=label, source_label=label, idempotency_key=f"demo:{teacher.pk}:{year}:{kind}",
            recognised_by=None, note="示范数据",
        )


@transaction.atomic
def courses_demo_seed() -> CoursesDemoResult:
    result = CoursesDemoResult()
    now = timezone.now()
    framework_2_0_core_ensure()
    courses = _catalog(result, now)
    editor = get_user_model().objects.get(username="editor")
    _h5p_lesson(courses[0], _h5p_activities(result), editor)
    _quiz_lesson(courses[0], editor)
    teacher = teacher_for_user(user=get_user_model().objects.get(username="teacher"))
    assert teacher is not None and teacher.school is not None
    school = teacher.school
    county = school.get_parent()
    _past_hours(teacher)
    _teacher_progress(teacher, courses, now)
    _cohort(result, courses[7], school, county)
    _school_sessions(result, school, now)
    result.hours_entries = HoursEntry.objects.count()
    return result
