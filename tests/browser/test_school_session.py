"""A school-based session end to end: scheduled, code shown, teacher signs in, confirmed, approved, hours seen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from courses.models import HoursPolicy, SchoolSession
from lms.models import Role
from tests.browser.conftest import log_in
from tests.factories import PASSWORD, build_tree, make_teacher, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def people():
    tree = build_tree()
    HoursPolicy.objects.get_or_create(
        version=1, defaults={"name": "继续教育学时默认规则", "effective_from": dt.date(2021, 1, 1)}
    )
    make_user("school_admin", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1)
    make_user("county_admin", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    teacher = make_teacher(school=tree.school_a1_1, real_name="李明")
    teacher.user.username = "teacher_li"
    teacher.user.set_password(PASSWORD)
    teacher.user.save()
    return tree, teacher


def as_user(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    log_in(page, live_server, username, PASSWORD)


def local_input(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_a_session_from_scheduling_to_the_teachers_hours(page, live_server, people):
    _tree, teacher = people
    now = timezone.now()

    as_user(page, live_server, "school_admin")
    page.goto(f"{live_server.url}/manage/school-sessions/new/")
    page.fill("#id_topic", "信息技术支持的课堂观察")
    page.fill("#id_starts_at", local_input(now - dt.timedelta(minutes=10)))
    page.fill("#id_ends_at", local_input(now + dt.timedelta(minutes=80)))
    page.fill("#id_place", "第一会议室")
    page.fill("#id_hours", "1.5")
    page.click("#session-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已安排" in page.inner_text(".messages")
    session = SchoolSession.objects.get()

    page.goto(f"{live_server.url}/manage/school-sessions/{session.pk}/display/")
    code = page.inner_text("#sign-in-code").strip()
    assert re.fullmatch(r"\d{6}", code)
    assert page.locator("#sign-in-qr svg").count() == 1
    page.screenshot(path="test-results/school-session-display.png", full_page=True)

    as_user(page, live_server, "teacher_li")
    page.goto(f"{live_server.url}/sign-in/")
    page.fill("#id_code", code)
    page.screenshot(path="test-results/school-session-sign-in.png", full_page=True)
    page.click("#sign-in-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已签到" in page.inner_text(".messages")
    assert "待确认" in page.inner_text("#my-attendance")

    as_user(page, live_server, "school_admin")
    page.goto(f"{live_server.url}/manage/school-sessions/{session.pk}/")
    page.check(f"#attendance input[name=confirmed][value='{teacher.pk}']")
    page.click("#save-attendance")
    page.wait_for_load_state("networkidle")
    assert "确认 1 人" in page.inner_text(".messages")
    page.screenshot(path="test-results/school-session-detail.png", full_page=True)

    # The session is over: only the clock moves.
    SchoolSession.objects.filter(pk=session.pk).update(
        starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=1, minutes=30)
    )
    page.reload()
    page.click("#submit-session")
    page.wait_for_load_state("networkidle")
    assert "已提交县级审核" in page.inner_text(".messages")

    as_user(page, live_server, "county_admin")
    page.goto(f"{live_server.url}/manage/school-sessions/review/")
    page.click("#review-queue a:has-text('信息技术支持的课堂观察')")
    page.wait_for_load_state("networkidle")
    page.check("#review input[name=decision][value=approve]")
    page.click("#review-submit")
    page.wait_for_load_state("networkidle")
    assert "审核通过" in page.inner_text(".messages")

    as_user(page, live_server, "teacher_li")
    page.goto(f"{live_server.url}/me/hours/")
    ledger = page.inner_text("#hours-ledger")
    assert "信息技术支持的课堂观察" in ledger and "1.5" in ledger
    page.screenshot(path="test-results/school-session-hours.png", full_page=True)
