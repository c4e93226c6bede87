"""The teacher dashboard: my courses and progress, hours against the targets as a chart, what is coming."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.models import HoursKind, HoursSource, SchoolSession
from courses.services import hours_award
from courses.services.enrolment import enrolment_self
from tests.courses.catalog_factories import make_course
from tests.factories import PASSWORD, make_teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(tree):
    teacher = make_teacher(school=tree.school_a1_1, real_name="李老师")
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    return teacher


def test_the_dashboard_shows_my_courses_with_progress(client, tree, teacher):
    course = make_course(institution=tree.institution, title="技术支持的课堂讲授")
    enrolment_self(user=teacher.user, course=course)
    client.force_login(teacher.user)
    page = client.get("/me/courses/").content.decode()
    assert "技术支持的课堂讲授" in page
    assert "学习中" in page
    assert "0 / 2" in page or "2 个必修课时中已完成 0 个" in page or "已完成 0" in page


def test_the_chart_shows_hours_by_kind_this_year_and_cycle(client, tree, teacher):
    year = timezone.localdate().year
    for kind, hours in ((HoursKind.ONLINE, 12), (HoursKind.SCHOOL_BASED, 6)):
        hours_award(
            teacher_id=teacher.pk, hours=hours, kind=kind, year=year, source_type=HoursSource.MANUAL,
            source_ref="t", idempotency_key=f"t:{kind}", recognised_by=None,
        )
    client.force_login(teacher.user)
    response = client.get("/me/courses/")
    rows = {row.label: row for row in response.context["chart_rows"]}
    assert rows["网络研修"].year == Decimal(12) and rows["校本研修"].cycle == Decimal(6)
    assert abs(rows["网络研修"].year_width - 2 * rows["校本研修"].year_width) <= 1 and rows["校本研修"].year_width > 0
    assert "<svg" in response.content.decode() and "网络研修" in response.content.decode()


def test_upcoming_school_sessions_of_my_school_are_listed(client, tree, teacher):
    start = timezone.now() + dt.timedelta(days=2)
    SchoolSession.objects.create(
        school=tree.school_a1_1, topic="同课异构研讨", starts_at=start, ends_at=start + dt.timedelta(hours=2),
        place="录播教室", hours=Decimal(2), sign_in_secret="x",
    )
    SchoolSession.objects.create(
        school=tree.school_a1_2, topic="别校的研修", starts_at=start, ends_at=start + dt.timedelta(hours=2),
        place="报告厅", hours=Decimal(2), sign_in_secret="y",
    )
    client.force_login(teacher.user)
    page = client.get("/me/courses/").content.decode()
    assert "同课异构研讨" in page
    assert "别校的研修" not in page


def test_an_account_without_a_teacher_record_goes_to_the_workspace(client, tree):
    from tests.factories import make_user

    client.force_login(make_user("plain"))
    response = client.get("/me/courses/")
    assert response.status_code == 302


def test_face_to_face_sessions_ahead_in_my_courses_are_listed(client, tree, teacher):
    import uuid

    from courses.services import LessonSpec

    start = timezone.now() + dt.timedelta(days=3)
    block = {
        "type": "offline_session", "id": str(uuid.uuid4()),
        "value": {"title": "集中研修：课例研讨", "starts_at": start.isoformat(),
                  "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "place": "县教师发展中心", "sign_in_required": True},
    }
    course = make_course(institution=tree.institution, lessons=[LessonSpec(title="面授", body=[block])])
    make_course(institution=tree.institution, title="未报名的课程", lessons=[LessonSpec(title="面授", body=[
        {**block, "id": str(uuid.uuid4()), "value": {**block["value"], "title": "别的课的面授"}}])])
    enrolment_self(user=teacher.user, course=course)
    client.force_login(teacher.user)
    page = client.get("/me/courses/").content.decode()
    assert "集中研修：课例研讨" in page
    assert "别的课的面授" not in page
