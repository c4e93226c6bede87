"""The school-based session pages: organiser list and form, projector display, teacher sign-in, county queue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import HoursEntry, SchoolSession, SessionAttendance, SessionRecord, SessionStatus
from courses.services import attendance_confirm, school_session_schedule, school_session_submit, session_sign_in
from courses.signin import current_code, session_token
from tests.courses.school_session_builders import _own_cache, colleague, county_admin, school_admin, teacher  # noqa: F401
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_session(tree, school_admin):
    """A session going on right now: the pages use the real clock."""
    now = timezone.now()
    return school_session_schedule(
        actor=school_admin, school=tree.school_a1_1, topic="信息技术支持的课堂观察", description="",
        starts_at=now - dt.timedelta(minutes=30), ends_at=now + dt.timedelta(minutes=90), place="第一会议室",
        hours=Decimal("1.5"),
    )


def logged_in(client, user):
    client.force_login(user)
    return client


def ended(session):
    """Time passes: the session is over (only the clock moves; nothing else changes)."""
    SchoolSession.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    session.refresh_from_db()
    return session


def page_text(response) -> str:
    return response.content.decode()


# Organisers.


def test_the_school_admin_lists_their_schools_sessions_only(client, tree, school_admin, live_session):
    other_admin = make_user("admin_a1_2", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_2)
    now = timezone.now()
    school_session_schedule(actor=other_admin, school=tree.school_a1_2, topic="别校的研修", description="",
                            starts_at=now, ends_at=now + dt.timedelta(hours=1), place="礼堂", hours=1)
    response = logged_in(client, school_admin).get(reverse("courses:school_sessions"))
    assert response.status_code == 200
    assert "信息技术支持的课堂观察" in page_text(response) and "别校的研修" not in page_text(response)


def test_a_teacher_is_refused_the_organiser_pages(client, teacher, live_session):
    client = logged_in(client, teacher.user)
    assert client.get(reverse("courses:school_sessions")).status_code == 403
    assert client.get(reverse("courses:school_session_detail", args=[live_session.pk])).status_code == 403


def test_the_school_admin_schedules_a_session_through_the_form(client, tree, school_admin):
    start = timezone.localtime() + dt.timedelta(days=2)
    response = logged_in(client, school_admin).post(reverse("courses:school_session_new"), {
        "school": tree.school_a1_1.code, "topic": "希沃白板的课堂应用", "description": "全体数学教师参加",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "place": "录播教室", "hours": "2",
    })
    session = SchoolSession.objects.get()
    assert response.status_code == 302 and response.url == reverse("courses:school_session_detail", args=[session.pk])
    assert session.school == tree.school_a1_1 and session.topic == "希沃白板的课堂应用"


def test_hours_longer_than_the_session_are_refused_in_the_form(client, tree, school_admin):
    start = timezone.localtime() + dt.timedelta(days=2)
    response = logged_in(client, school_admin).post(reverse("courses:school_session_new"), {
        "school": tree.school_a1_1.code, "topic": "研修", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "place": "教室", "hours": "3",
    })
    assert response.status_code == 400
    assert "学时不能超过活动时长" in page_text(response)
    assert not SchoolSession.objects.exists()


def test_the_form_offers_only_schools_of_the_admins_jurisdiction(client, tree, school_admin):
    start = timezone.localtime() + dt.timedelta(days=2)
    response = logged_in(client, school_admin).post(reverse("courses:school_session_new"), {
        "school": tree.school_a1_2.code, "topic": "研修", "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "place": "教室", "hours": "1",
    })
    assert response.status_code == 400
    assert not SchoolSession.objects.exists()


def test_the_display_shows_the_current_code_and_a_qr(client, school_admin, live_session):
    response = logged_in(client, school_admin).get(reverse("courses:school_session_display", args=[live_session.pk]))
    assert response.status_code == 200
    code = current_code(secret=live_session.sign_in_secret).code
    assert f'id="sign-in-code" class="code-digits" data-state="open">{code}<' in page_text(response)
    assert "<svg" in page_text(response)


def test_the_code_endpoint_answers_the_organiser(client, school_admin, live_session):
    data = logged_in(client, school_admin).get(reverse("courses:school_session_code", args=[live_session.pk])).json()
    assert data["state"] == "open" and data["code"] == current_code(secret=live_session.sign_in_secret).code
    assert data["qr_svg"].startswith("<svg") and "/sign-in/qr/" in data["qr_url"]
    assert data["qr_url"].startswith("http")


def test_the_code_endpoint_refuses_teachers_and_other_schools_admins(client, tree, teacher, live_session):
    url = reverse("courses:school_session_code", args=[live_session.pk])
    assert logged_in(client, teacher.user).get(url).status_code == 403
    other_admin = make_user("admin_a1_2", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_2)
    response = logged_in(client, other_admin).get(url)
    assert response.status_code == 403 and "code" not in response.json()


def test_before_sign_in_opens_the_display_shows_no_code(client, tree, school_admin):
    start = timezone.now() + dt.timedelta(days=1)
    session = school_session_schedule(actor=school_admin, school=tree.school_a1_1, topic="明天的研修",
                                      description="", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                      place="教室", hours=1)
    data = logged_in(client, school_admin).get(reverse("courses:school_session_code", args=[session.pk])).json()
    assert data["state"] == "before" and data["code"] == "" and data["qr_svg"] == ""


def test_the_admin_confirms_attendance_with_the_checkboxes(client, school_admin, teacher, colleague, live_session):
    for person in (teacher, colleague):
        session_sign_in(user=person.user, code=current_code(secret=live_session.sign_in_secret).code)
    response = logged_in(client, school_admin).post(
        reverse("courses:school_session_attendance", args=[live_session.pk]),
        {"shown": [teacher.pk, colleague.pk], "confirmed": [teacher.pk]},
    )
    assert response.status_code == 302
    assert SessionAttendance.objects.get(teacher=teacher).confirmed
    assert not SessionAttendance.objects.get(teacher=colleague).confirmed


def test_the_admin_finds_and_adds_a_teacher_of_the_school(client, tree, school_admin, teacher, live_session):
    make_teacher(school=tree.school_a1_2, real_name="李明")  # same name, another school: not offered
    client = logged_in(client, school_admin)
    detail = client.get(reverse("courses:school_session_detail", args=[live_session.pk]), {"q": "李明"})
    assert page_text(detail).count("登记出勤") == 1
    client.post(reverse("courses:school_session_attendance_add", args=[live_session.pk]), {"teacher_id": teacher.pk})
    row = SessionAttendance.objects.get(session=live_session)
    assert row.teacher == teacher and row.confirmed


def test_submitting_an_unfinished_session_shows_why(client, school_admin, teacher, live_session):
    session_sign_in(user=teacher.user, code=current_code(secret=live_session.sign_in_secret).code)
    attendance_confirm(actor=school_admin, session=live_session, teacher_ids=[teacher.pk], confirmed=True)
    client = logged_in(client, school_admin)
    response = client.post(reverse("courses:school_session_submit", args=[live_session.pk]), follow=True)
    assert "活动结束后才能提交审核" in page_text(response)
    live_session.refresh_from_db()
    assert live_session.status == SessionStatus.SCHEDULED


# Teachers.


def test_a_teacher_signs_in_with_the_code(client, teacher, live_session):
    code = current_code(secret=live_session.sign_in_secret).code
    response = logged_in(client, teacher.user).post(reverse("courses:sign_in"), {"code": code}, follow=True)
    assert "已签到" in page_text(response)
    assert SessionAttendance.objects.filter(session=live_session, teacher=teacher).exists()


def test_signing_in_again_says_so_kindly(client, teacher, live_session):
    code = current_code(secret=live_session.sign_in_secret).code
    client = logged_in(client, teacher.user)
    client.post(reverse("courses:sign_in"), {"code": code})
    response = client.post(reverse("courses:sign_in"), {"code": code}, follow=True)
    assert "无需重复签到" in page_text(response)
    assert SessionAttendance.objects.count() == 1


def test_a_wrong_code_is_refused_on_the_page(client, teacher, live_session):
    right = current_code(secret=live_session.sign_in_secret).code
    wrong = "000000" if right != "000000" else "111111"
    response = logged_in(client, teacher.user).post(reverse("courses:sign_in"), {"code": wrong})
    assert response.status_code == 400 and "签到码无效或已过期" in page_text(response)
    assert not SessionAttendance.objects.exists()


def test_the_sign_in_page_lists_the_schools_open_sessions(client, teacher, live_session):
    response = logged_in(client, teacher.user).get(reverse("courses:sign_in"))
    assert "信息技术支持的课堂观察" in page_text(response)


def test_scanning_the_qr_while_logged_in_signs_in(client, teacher, live_session):
    token = session_token(session_id=live_session.pk)
    response = logged_in(client, teacher.user).get(reverse("courses:sign_in_qr", args=[token]))
    assert response.status_code == 302
    assert SessionAttendance.objects.get(teacher=teacher).method == "qr"


def test_a_tampered_qr_is_refused(client, teacher, live_session):
    token = session_token(session_id=live_session.pk)
    response = logged_in(client, teacher.user).get(reverse("courses:sign_in_qr", args=[token[:-3] + "abc"]))
    assert response.status_code == 400 and "二维码无效或已过期" in page_text(response)
    assert not SessionAttendance.objects.exists()


def test_scanning_the_qr_logged_out_asks_to_log_in_first(client, live_session):
    url = reverse("courses:sign_in_qr", args=[session_token(session_id=live_session.pk)])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url
    assert not SessionAttendance.objects.exists()


def test_an_attendee_adds_a_reflection_on_my_session_page(client, teacher, live_session):
    session_sign_in(user=teacher.user, code=current_code(secret=live_session.sign_in_secret).code)
    client = logged_in(client, teacher.user)
    url = reverse("courses:my_school_session", args=[live_session.pk])
    response = client.post(url, {"kind": "reflection", "observed_lesson": "", "text": "收获很大"})
    assert response.status_code == 302
    assert SessionRecord.objects.get().text == "收获很大"
    assert "收获很大" in page_text(client.get(url))


def test_a_teacher_who_did_not_attend_gets_no_record_form_and_cannot_post(client, colleague, live_session):
    client = logged_in(client, colleague.user)
    url = reverse("courses:my_school_session", args=[live_session.pk])
    assert 'id="record-form"' not in page_text(client.get(url))
    response = client.post(url, {"kind": "reflection", "observed_lesson": "", "text": "未参加"})
    assert response.status_code == 400 and not SessionRecord.objects.exists()


def test_my_sessions_lists_the_schools_sessions(client, teacher, live_session):
    response = logged_in(client, teacher.user).get(reverse("courses:my_school_sessions"))
    assert response.status_code == 200 and "信息技术支持的课堂观察" in page_text(response)


# The county.


@pytest.fixture
def submitted_session(school_admin, teacher, live_session):
    session_sign_in(user=teacher.user, code=current_code(secret=live_session.sign_in_secret).code)
    attendance_confirm(actor=school_admin, session=live_session, teacher_ids=[teacher.pk], confirmed=True)
    return school_session_submit(actor=school_admin, session=ended(live_session))


def test_the_county_queue_lists_the_submitted_session(client, county_admin, submitted_session):
    response = logged_in(client, county_admin).get(reverse("courses:school_session_review_queue"))
    assert response.status_code == 200 and "信息技术支持的课堂观察" in page_text(response)


def test_the_county_approves_and_the_teachers_hours_appear(client, county_admin, teacher, submitted_session):
    response = logged_in(client, county_admin).post(
        reverse("courses:school_session_review", args=[submitted_session.pk]), {"decision": "approve", "comment": ""}
    )
    assert response.status_code == 302
    assert HoursEntry.objects.get(teacher=teacher).hours == Decimal("1.5")
    client.force_login(teacher.user)
    assert "信息技术支持的课堂观察" in page_text(client.get(reverse("courses:my_hours")))


def test_another_countys_admin_is_refused_the_review(client, tree, submitted_session):
    other = make_user("county_admin_a2", role=Role.COUNTY_ADMIN, organisation=tree.county_a2)
    client = logged_in(client, other)
    url = reverse("courses:school_session_review", args=[submitted_session.pk])
    assert client.post(url, {"decision": "approve", "comment": ""}).status_code == 403
    assert client.get(reverse("courses:school_session_detail", args=[submitted_session.pk])).status_code == 403
    assert "信息技术支持的课堂观察" not in page_text(client.get(reverse("courses:school_session_review_queue")))
    assert not HoursEntry.objects.exists()


def test_returning_without_a_comment_is_refused_on_the_page(client, county_admin, submitted_session):
    response = logged_in(client, county_admin).post(
        reverse("courses:school_session_review", args=[submitted_session.pk]),
        {"decision": "return", "comment": ""}, follow=True,
    )
    assert "退回活动时请说明需要修改的内容" in page_text(response)
    submitted_session.refresh_from_db()
    assert submitted_session.status == SessionStatus.SUBMITTED


def test_a_teacher_cannot_open_the_county_queue(client, teacher):
    assert logged_in(client, teacher.user).get(reverse("courses:school_session_review_queue")).status_code == 403

