"""Rotating sign-in codes and QR tokens, and teachers signing in to a school-based session with them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import ValidationError

from courses.models import AttendanceMethod, SessionAttendance
from courses.services import school_session_cancel, session_sign_in
from courses.signin import (
    code_matches,
    code_for_window,
    current_code,
    new_secret,
    qr_svg,
    session_token,
    token_read,
    SignInTokenError,
    window_index,
)
from tests.courses.school_session_builders import (  # noqa: F401 (fixtures)
    AFTER,
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
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(seconds=60)
INVALID = "签到码无效或已过期"


# The code itself.


def test_a_code_has_six_digits_and_changes_with_the_window():
    secret = new_secret()
    codes = [current_code(secret=secret, now=DURING + n * MINUTE).code for n in range(5)]
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(set(codes)) == 5


def test_the_code_stays_the_same_within_one_window():
    secret = new_secret()
    start_of_window = dt.datetime.fromtimestamp(window_index(DURING) * 60, tz=dt.timezone.utc)
    assert current_code(secret=secret, now=start_of_window).code == current_code(
        secret=secret, now=start_of_window + dt.timedelta(seconds=59)
    ).code


def test_the_current_and_the_previous_window_are_accepted_an_older_one_is_not():
    secret = new_secret()
    code = current_code(secret=secret, now=DURING).code
    assert code_matches(secret=secret, code=code, now=DURING)
    assert code_matches(secret=secret, code=code, now=DURING + MINUTE)
    assert not code_matches(secret=secret, code=code, now=DURING + 2 * MINUTE)


def test_another_secret_gives_another_code():
    first, second = new_secret(), new_secret()
    assert code_for_window(secret=first, window=1000) != code_for_window(secret=second, window=1000)


def test_spaces_and_full_width_digits_typed_on_a_phone_are_understood():
    secret = new_secret()
    code = current_code(secret=secret, now=DURING).code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert code_matches(secret=secret, code=f" {code[:3]} {code[3:]} ", now=DURING)
    assert code_matches(secret=secret, code=full_width, now=DURING)
    assert not code_matches(secret=secret, code=code[:5], now=DURING)


def test_the_window_length_is_a_setting(settings):
    settings.SIGN_IN_CODE_SECONDS = 300
    secret = new_secret()
    code = current_code(secret=secret, now=DURING).code
    assert code_matches(secret=secret, code=code, now=DURING + 5 * MINUTE)
    assert current_code(secret=secret, now=DURING).seconds_left(DURING) <= 300


def test_a_token_is_read_back_in_its_window_and_the_next_only():
    token = session_token(session_id=42, now=DURING)
    assert token_read(token, now=DURING).ref == "42"
    assert token_read(token, now=DURING + MINUTE).kind == "session"
    with pytest.raises(SignInTokenError):
        token_read(token, now=DURING + 2 * MINUTE)


def test_a_tampered_token_is_refused():
    token = session_token(session_id=42, now=DURING)
    forged = signing.Signer(salt="another.salt", algorithm="sha256").sign(f"s.{window_index(DURING)}.43")
    swapped = token.replace(".42:", ".43:")
    with pytest.raises(SignInTokenError):
        token_read(token[:-2] + ("AA" if not token.endswith("AA") else "BB"), now=DURING)
    with pytest.raises(SignInTokenError):
        token_read(forged, now=DURING)
    with pytest.raises(SignInTokenError):
        token_read(swapped, now=DURING)


def test_the_qr_is_an_inline_svg():
    svg = qr_svg("https://lms.example.cn/sign-in/qr/abc/")
    assert svg.startswith("<svg") and "</svg>" in svg


# Signing in to a school-based session.


def test_a_teacher_of_the_school_signs_in_with_the_code(session, teacher):
    attendance = session_sign_in(user=teacher.user, code=code_of(session), now=DURING)
    assert attendance.session == session and attendance.teacher == teacher
    assert attendance.method == AttendanceMethod.CODE and not attendance.confirmed
    assert attendance.signed_in_at == DURING


def test_the_previous_windows_code_is_still_accepted(session, teacher):
    code = code_of(session, DURING)
    session_sign_in(user=teacher.user, code=code, now=DURING + MINUTE)
    assert SessionAttendance.objects.filter(session=session, teacher=teacher).exists()


def test_an_older_code_is_refused_and_nothing_recorded(session, teacher):
    code = code_of(session, DURING)
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=teacher.user, code=code, now=DURING + 2 * MINUTE)
    assert INVALID in messages_of(refused.value)
    assert not SessionAttendance.objects.exists()


def test_a_code_of_another_session_is_refused_and_nothing_recorded(tree, session, school_admin, teacher):
    other = schedule(school_admin, tree.school_a1_1, topic="另一场研修")
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=teacher.user, code=code_of(other), session=session, now=DURING)
    assert INVALID in messages_of(refused.value)
    assert not SessionAttendance.objects.exists()


def test_a_code_of_another_schools_session_is_refused_and_nothing_recorded(tree, session, teacher):
    other_admin = make_user("admin_a1_2", role="school_admin", organisation=tree.school_a1_2)
    other = schedule(other_admin, tree.school_a1_2)
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=teacher.user, code=code_of(other), now=DURING)
    assert INVALID in messages_of(refused.value)
    assert not SessionAttendance.objects.exists()


def test_the_code_picks_the_right_one_of_two_open_sessions(tree, session, school_admin, teacher):
    other = schedule(school_admin, tree.school_a1_1, topic="另一场研修")
    attendance = session_sign_in(user=teacher.user, code=code_of(other), now=DURING)
    assert attendance.session == other


def test_a_teacher_of_another_school_is_refused(tree, session):
    outsider = make_teacher(school=tree.school_a1_2, real_name="赵强")
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=outsider.user, code=code_of(session), session=session, now=DURING)
    assert "甲一县第一小学" in messages_of(refused.value)
    with pytest.raises(ValidationError):
        session_sign_in(user=outsider.user, token=session_token(session_id=session.pk, now=DURING), now=DURING)
    assert not SessionAttendance.objects.exists()


def test_an_account_without_a_teacher_record_is_refused(session, school_admin):
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=school_admin, code=code_of(session), now=DURING)
    assert "只有教师" in messages_of(refused.value)
    assert not SessionAttendance.objects.exists()


@pytest.mark.parametrize("when", [START - dt.timedelta(minutes=16), END + dt.timedelta(minutes=1)])
def test_signing_in_outside_the_window_is_refused(session, teacher, when):
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=teacher.user, code=code_of(session, when), now=when)
    assert "当前没有" in messages_of(refused.value)
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=teacher.user, code=code_of(session, when), session=session, now=when)
    assert "签到时间" in messages_of(refused.value)
    assert not SessionAttendance.objects.exists()


def test_sign_in_opens_fifteen_minutes_before_the_start(session, teacher):
    early = START - dt.timedelta(minutes=15)
    session_sign_in(user=teacher.user, code=code_of(session, early), now=early)
    assert SessionAttendance.objects.filter(teacher=teacher).exists()


def test_a_cancelled_session_takes_no_sign_in(session, school_admin, teacher):
    school_session_cancel(actor=school_admin, session=session)
    with pytest.raises(ValidationError):
        session_sign_in(user=teacher.user, code=code_of(session), now=DURING)
    assert not SessionAttendance.objects.exists()


def test_signing_in_twice_keeps_the_first_sign_in(session, teacher):
    first = session_sign_in(user=teacher.user, code=code_of(session), now=DURING)
    later = DURING + 3 * MINUTE
    second = session_sign_in(user=teacher.user, code=code_of(session, later), now=later)
    assert second.pk == first.pk and second.signed_in_at == DURING
    assert SessionAttendance.objects.count() == 1


def test_the_qr_token_signs_the_teacher_in(session, teacher):
    token = session_token(session_id=session.pk, now=DURING)
    attendance = session_sign_in(user=teacher.user, token=token, now=DURING + MINUTE)
    assert attendance.method == AttendanceMethod.QR


def test_a_tampered_or_expired_qr_token_is_refused(session, teacher):
    token = session_token(session_id=session.pk, now=DURING)
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=teacher.user, token=token + "x", now=DURING)
    assert "二维码" in messages_of(refused.value)
    with pytest.raises(ValidationError):
        session_sign_in(user=teacher.user, token=token, now=DURING + 2 * MINUTE)
    assert not SessionAttendance.objects.exists()


def test_too_many_wrong_codes_lock_sign_in_for_a_while(settings, session, teacher):
    settings.SIGN_IN_MAX_FAILURES = 3
    wrong = "000000" if code_of(session) != "000000" else "111111"
    for _ in range(3):
        with pytest.raises(ValidationError):
            session_sign_in(user=teacher.user, code=wrong, now=DURING)
    with pytest.raises(ValidationError) as refused:
        session_sign_in(user=teacher.user, code=code_of(session), now=DURING)
    assert "错误次数过多" in messages_of(refused.value)
    assert not SessionAttendance.objects.exists()


def test_no_code_and_no_token_is_refused(session, teacher):
    with pytest.raises(ValidationError):
        session_sign_in(user=teacher.user, now=DURING)
    assert not SessionAttendance.objects.exists()


def test_after_the_end_a_signed_in_teacher_stays_signed_in(session, teacher):
    session_sign_in(user=teacher.user, code=code_of(session), now=DURING)
    with pytest.raises(ValidationError):
        session_sign_in(user=teacher.user, code=code_of(session, AFTER), now=AFTER)
    assert SessionAttendance.objects.filter(teacher=teacher).count() == 1
