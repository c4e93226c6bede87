"""School-based sessions (校本研修): scheduling, attendance, submission, county approval and records."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from courses.models import (
    AttendanceMethod,
    HoursEntry,
    HoursKind,
    HoursSource,
    RecordKind,
    SchoolSession,
    SessionAttendance,
    SessionRecord,
    SessionStatus,
)
from courses.services import (
    attendance_add_manually,
    attendance_confirm,
    school_session_cancel,
    school_session_review,
    school_session_schedule,
    school_session_submit,
    school_session_update,
    session_record_add,
    session_sign_in,
)
from tests.courses.school_session_builders import (  # noqa: F401 (fixtures)
    AFTER,
    DAY_BEFORE,
    DURING,
    END,
    START,
    _own_cache,
    code_of,
    colleague,
    county_admin,
    messages_of,
    schedule,
    school_admin,
    session,
    teacher,
)
from tests.factories import Role, make_teacher, make_user

pytestmark = pytest.mark.django_db


def signed_in(session, *teachers):
    return [session_sign_in(user=t.user, code=code_of(session), now=DURING) for t in teachers]


def submitted(session, school_admin, *confirmed):
    attendance_confirm(actor=school_admin, session=session, teacher_ids=[t.pk for t in confirmed], confirmed=True)
    return school_session_submit(actor=school_admin, session=session, now=AFTER)


# Scheduling.


def test_a_school_admin_schedules_a_session_with_a_secret_of_its_own(tree, school_admin):
    session = schedule(school_admin, tree.school_a1_1)
    other = schedule(school_admin, tree.school_a1_1)
    assert session.status == SessionStatus.SCHEDULED and session.organiser == school_admin
    assert session.hours == Decimal("2") and len(session.sign_in_secret) == 64
    assert session.sign_in_secret != other.sign_in_secret
    assert ModelLogEntry.objects.filter(action="courses.school_session_schedule", object_id=str(session.pk)).exists()


def test_a_county_admin_schedules_for_a_school_of_the_county(tree, county_admin):
    assert schedule(county_admin, tree.school_a1_2).school == tree.school_a1_2


def test_a_school_admin_cannot_schedule_for_another_school(tree, school_admin):
    with pytest.raises(PermissionDenied):
        schedule(school_admin, tree.school_a1_2)
    assert not SchoolSession.objects.exists()


def test_a_teacher_cannot_schedule(tree, teacher):
    with pytest.raises(PermissionDenied):
        schedule(teacher.user, tree.school_a1_1)
    assert not SchoolSession.objects.exists()


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "hours", "field", "message"),
    [
        (START, START, "1", "ends_at", "结束时间"),
        (START, START - dt.timedelta(hours=1), "1", "ends_at", "结束时间"),
        (START, START + dt.timedelta(hours=13), "2", "ends_at", "12"),
        (START, END, "0.4", "hours", "0.5"),
        (START, START + dt.timedelta(hours=10), "8.5", "hours", "8"),
        (START, START + dt.timedelta(hours=1), "1.5", "hours", "时长"),
        (START, END, "1.25", "hours", "一位小数"),
        (DAY_BEFORE - dt.timedelta(hours=3), DAY_BEFORE - dt.timedelta(hours=1), "1", "ends_at", "已经结束"),
    ],
)
def test_bad_times_or_hours_are_refused_and_nothing_saved(tree, school_admin, starts_at, ends_at, hours, field, message):
    with pytest.raises(ValidationError) as refused:
        schedule(school_admin, tree.school_a1_1, starts_at=starts_at, ends_at=ends_at, hours=hours)
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])
    assert not SchoolSession.objects.exists()


def test_a_topic_and_a_place_are_required(tree, school_admin):
    with pytest.raises(ValidationError) as refused:
        school_session_schedule(actor=school_admin, school=tree.school_a1_1, topic=" ", description="",
                                starts_at=START, ends_at=END, place="", hours=1, now=DAY_BEFORE)
    assert "topic" in refused.value.message_dict
    assert not SchoolSession.objects.exists()


def test_a_session_is_held_at_a_school_not_a_county(tree, county_admin):
    with pytest.raises(ValidationError):
        schedule(county_admin, tree.county_a1)
    assert not SchoolSession.objects.exists()


def test_the_organiser_changes_a_scheduled_session(session, school_admin):
    school_session_update(actor=school_admin, session=session, topic="新主题", description="", starts_at=START,
                          ends_at=END + dt.timedelta(hours=1), place="报告厅", hours="3", now=DAY_BEFORE)
    session.refresh_from_db()
    assert (session.topic, session.place, session.hours) == ("新主题", "报告厅", Decimal("3"))


def test_a_submitted_session_cannot_be_changed_or_cancelled(session, school_admin, teacher):
    signed_in(session, teacher)
    submitted(session, school_admin, teacher)
    with pytest.raises(ValidationError):
        school_session_update(actor=school_admin, session=session, topic="改", description="", starts_at=START,
                              ends_at=END, place="x", hours="1", now=DAY_BEFORE)
    with pytest.raises(ValidationError):
        school_session_cancel(actor=school_admin, session=session)
    session.refresh_from_db()
    assert session.status == SessionStatus.SUBMITTED and session.topic != "改"


# Attendance.


def test_the_admin_confirms_attendance(session, school_admin, teacher, colleague):
    signed_in(session, teacher, colleague)
    changed = attendance_confirm(actor=school_admin, session=session, teacher_ids=[teacher.pk], confirmed=True)
    assert changed == 1
    row = SessionAttendance.objects.get(session=session, teacher=teacher)
    assert row.confirmed and row.confirmed_by == school_admin and row.confirmed_at is not None
    assert not SessionAttendance.objects.get(session=session, teacher=colleague).confirmed


def test_the_admin_withdraws_a_confirmation(session, school_admin, teacher):
    signed_in(session, teacher)
    attendance_confirm(actor=school_admin, session=session, teacher_ids=[teacher.pk], confirmed=True)
    attendance_confirm(actor=school_admin, session=session, teacher_ids=[teacher.pk], confirmed=False)
    row = SessionAttendance.objects.get(session=session, teacher=teacher)
    assert not row.confirmed and row.confirmed_by is None


def test_an_admin_of_another_school_cannot_confirm(tree, session, teacher):
    signed_in(session, teacher)
    other = make_user("admin_a1_2", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_2)
    with pytest.raises(PermissionDenied):
        attendance_confirm(actor=other, session=session, teacher_ids=[teacher.pk], confirmed=True)
    assert not SessionAttendance.objects.get(teacher=teacher).confirmed


def test_the_admin_adds_a_teacher_who_was_present_without_signing_in(session, school_admin, teacher):
    row = attendance_add_manually(actor=school_admin, session=session, teacher=teacher, now=DURING)
    assert row.method == AttendanceMethod.MANUAL and row.confirmed and row.confirmed_by == school_admin


def test_adding_a_signed_in_teacher_confirms_the_existing_row(session, school_admin, teacher):
    signed_in(session, teacher)
    row = attendance_add_manually(actor=school_admin, session=session, teacher=teacher, now=DURING)
    assert row.method == AttendanceMethod.CODE and row.confirmed
    assert SessionAttendance.objects.count() == 1


def test_a_teacher_of_another_school_cannot_be_added(tree, session, county_admin):
    outsider = make_teacher(school=tree.school_a1_2, real_name="赵强")
    with pytest.raises(ValidationError) as refused:
        attendance_add_manually(actor=county_admin, session=session, teacher=outsider, now=DURING)
    assert "赵强" in messages_of(refused.value)
    assert not SessionAttendance.objects.exists()


def test_no_one_is_added_before_sign_in_opens(session, school_admin, teacher):
    with pytest.raises(ValidationError):
        attendance_add_manually(actor=school_admin, session=session, teacher=teacher, now=DAY_BEFORE)
    assert not SessionAttendance.objects.exists()


# Submission.


def test_submitting_needs_the_session_to_have_ended(session, school_admin, teacher):
    signed_in(session, teacher)
    attendance_confirm(actor=school_admin, session=session, teacher_ids=[teacher.pk], confirmed=True)
    with pytest.raises(ValidationError) as refused:
        school_session_submit(actor=school_admin, session=session, now=DURING)
    assert "结束后" in messages_of(refused.value)
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_submitting_needs_a_confirmed_attendee(session, school_admin, teacher):
    signed_in(session, teacher)
    with pytest.raises(ValidationError) as refused:
        school_session_submit(actor=school_admin, session=session, now=AFTER)
    assert "确认" in messages_of(refused.value)
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED and session.submitted_at is None


def test_a_session_with_a_confirmed_attendee_is_submitted_after_it_ended(session, school_admin, teacher):
    signed_in(session, teacher)
    result = submitted(session, school_admin, teacher)
    assert result.status == SessionStatus.SUBMITTED and result.submitted_at == AFTER


def test_attendance_is_frozen_once_submitted(session, school_admin, teacher, colleague):
    signed_in(session, teacher, colleague)
    submitted(session, school_admin, teacher)
    with pytest.raises(ValidationError):
        attendance_confirm(actor=school_admin, session=session, teacher_ids=[colleague.pk], confirmed=True)
    assert not SessionAttendance.objects.get(teacher=colleague).confirmed


# County review.


def school_hours(teacher):
    return list(HoursEntry.objects.filter(teacher=teacher, kind=HoursKind.SCHOOL_BASED))


def test_county_approval_awards_the_hours_to_confirmed_attendees_only(session, school_admin, county_admin,
                                                                      teacher, colleague):
    signed_in(session, teacher, colleague)
    submitted(session, school_admin, teacher)
    approved = school_session_review(actor=county_admin, session=session, approve=True, comment="")
    assert approved.status == SessionStatus.APPROVED and approved.reviewed_by == county_admin
    [entry] = school_hours(teacher)
    assert entry.hours == Decimal("2") and entry.year == 2025 and entry.source_type == HoursSource.SESSION
    assert entry.idempotency_key == f"school_session:{session.pk}:teacher:{teacher.pk}"
    assert entry.recognised_by == county_admin
    assert school_hours(colleague) == []


def test_approving_twice_awards_nothing_more(session, school_admin, county_admin, teacher):
    signed_in(session, teacher)
    submitted(session, school_admin, teacher)
    school_session_review(actor=county_admin, session=session, approve=True, comment="")
    with pytest.raises(ValidationError):
        school_session_review(actor=county_admin, session=session, approve=True, comment="")
    assert HoursEntry.objects.count() == 1


def test_a_county_admin_of_another_county_is_refused(tree, session, school_admin, teacher):
    signed_in(session, teacher)
    submitted(session, school_admin, teacher)
    other_county = make_user("county_admin_a2", role=Role.COUNTY_ADMIN, organisation=tree.county_a2)
    with pytest.raises(PermissionDenied):
        school_session_review(actor=other_county, session=session, approve=True, comment="")
    session.refresh_from_db()
    assert session.status == SessionStatus.SUBMITTED and not HoursEntry.objects.exists()


def test_a_school_admin_cannot_approve_their_own_session(session, school_admin, teacher):
    signed_in(session, teacher)
    submitted(session, school_admin, teacher)
    with pytest.raises(PermissionDenied):
        school_session_review(actor=school_admin, session=session, approve=True, comment="")
    assert not HoursEntry.objects.exists()


def test_a_city_admin_above_the_county_may_approve(tree, session, school_admin, teacher):
    signed_in(session, teacher)
    submitted(session, school_admin, teacher)
    city = make_user("city_admin_a", role=Role.CITY_ADMIN, organisation=tree.city_a)
    assert school_session_review(actor=city, session=session, approve=True, comment="").status == SessionStatus.APPROVED


def test_returning_a_session_needs_a_comment(session, school_admin, county_admin, teacher):
    signed_in(session, teacher)
    submitted(session, school_admin, teacher)
    with pytest.raises(ValidationError) as refused:
        school_session_review(actor=county_admin, session=session, approve=False, comment="  ")
    assert "comment" in refused.value.message_dict
    session.refresh_from_db()
    assert session.status == SessionStatus.SUBMITTED and session.reviewed_by is None


def test_a_returned_session_is_corrected_resubmitted_and_approved(session, school_admin, county_admin,
                                                                  teacher, colleague):
    signed_in(session, teacher, colleague)
    submitted(session, school_admin, teacher)
    returned = school_session_review(actor=county_admin, session=session, approve=False, comment="请补充签到名单")
    assert returned.status == SessionStatus.REJECTED and returned.review_comment == "请补充签到名单"
    assert not HoursEntry.objects.exists()
    submitted(session, school_admin, colleague)
    school_session_review(actor=county_admin, session=session, approve=True, comment="")
    assert len(school_hours(teacher)) == 1 and len(school_hours(colleague)) == 1


def test_a_session_not_yet_submitted_cannot_be_reviewed(session, county_admin):
    with pytest.raises(ValidationError):
        school_session_review(actor=county_admin, session=session, approve=True, comment="")
    assert not HoursEntry.objects.exists()


# Records.


def test_an_attendee_adds_an_observation_record_and_a_reflection(session, teacher):
    signed_in(session, teacher)
    observation = session_record_add(user=teacher.user, session=session, kind=RecordKind.OBSERVATION,
                                     observed_lesson="三年级数学《认识分数》", text="课堂互动充分，信息技术运用恰当。")
    reflection = session_record_add(user=teacher.user, session=session, kind=RecordKind.REFLECTION,
                                    observed_lesson="", text="本次研修让我认识到……")
    assert observation.teacher == teacher and observation.observed_lesson.startswith("三年级")
    assert reflection.kind == RecordKind.REFLECTION
    assert SessionRecord.objects.count() == 2


def test_a_teacher_who_did_not_attend_cannot_add_records(session, colleague):
    with pytest.raises(PermissionDenied):
        session_record_add(user=colleague.user, session=session, kind=RecordKind.REFLECTION,
                           observed_lesson="", text="未参加")
    assert not SessionRecord.objects.exists()


def test_an_observation_record_names_the_lesson_observed(session, teacher):
    signed_in(session, teacher)
    with pytest.raises(ValidationError) as refused:
        session_record_add(user=teacher.user, session=session, kind=RecordKind.OBSERVATION,
                           observed_lesson=" ", text="记录")
    assert "observed_lesson" in refused.value.message_dict
    assert not SessionRecord.objects.exists()


def test_an_empty_record_is_refused(session, teacher):
    signed_in(session, teacher)
    with pytest.raises(ValidationError):
        session_record_add(user=teacher.user, session=session, kind=RecordKind.REFLECTION, observed_lesson="",
                           text="   ")
    assert not SessionRecord.objects.exists()
