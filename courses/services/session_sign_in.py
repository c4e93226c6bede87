"""Teachers sign in to a school-based session or an offline-session block, by rotating code or QR token.

Both return the attendance row. Signing in twice returns the first row unchanged: a row that was
just written has `signed_in_at == now`, which is how a page tells "signed in" from "already signed in".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    AttendanceMethod,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    OfflineAttendance,
    SchoolSession,
    SessionAttendance,
    SessionStatus,
    page_course,
)
from courses.services.progress import lesson_progress_update
from courses.selectors.school_sessions import OfflineBlock, offline_block_find, school_sessions_open_for_sign_in
from courses.signin import (
    SignInToken,
    SignInTokenError,
    code_matches,
    offline_block_secret,
    sign_in_is_open,
    sign_in_opens_at,
    token_read,
)
from lms.api import Teacher, teacher_for_user


def invalid_code_message() -> str:
    return _("The sign-in code is invalid or has expired.")


def _invalid_qr_message() -> str:
    return _("This QR code is invalid or has expired: scan the code shown now.")


def _local(value: dt.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def _teacher(user: User | AnonymousUser) -> Teacher:
    teacher = teacher_for_user(user=user)
    if teacher is None:
        raise ValidationError(_("Only teachers can sign in to sessions."))
    return teacher


# Wrong codes are counted per account: a 6-digit code must not be guessable by trying them all.


def _failure_key(user: User | AnonymousUser) -> str:
    return f"courses:sign-in-failures:{user.pk}"


def _refuse_if_throttled(user: User | AnonymousUser) -> None:
    limit = int(getattr(settings, "SIGN_IN_MAX_FAILURES", 10))
    if int(cache.get(_failure_key(user)) or 0) >= limit:
        raise ValidationError(_("Too many wrong codes. Wait a few minutes and try again."))


def _note_failure(user: User | AnonymousUser) -> None:
    key = _failure_key(user)
    cache.add(key, 0, timeout=int(getattr(settings, "SIGN_IN_FAILURE_SECONDS", 600)))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(getattr(settings, "SIGN_IN_FAILURE_SECONDS", 600)))


def _read_token(token: str, *, kind: str, now: dt.datetime) -> SignInToken:
    try:
        parsed = token_read(token, now=now)
    except SignInTokenError:
        raise ValidationError(_invalid_qr_message()) from None
    if parsed.kind != kind:
        raise ValidationError(_invalid_qr_message())
    return parsed


def _require_window(*, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime) -> None:
    if not sign_in_is_open(starts_at=starts_at, ends_at=ends_at, now=now):
        raise ValidationError(
            _("Sign-in for this session is open from %(opens)s to %(closes)s.")
            % {"opens": _local(sign_in_opens_at(starts_at)), "closes": _local(ends_at)}
        )


# School-based sessions.


def _session_for_code(user: User | AnonymousUser, teacher: Teacher, code: str, now: dt.datetime) -> SchoolSession:
    """The open session of the teacher's school whose current (or previous) code this is."""
    _refuse_if_throttled(user)
    open_sessions = list(school_sessions_open_for_sign_in(school_id=teacher.school_id, now=now).select_related("school"))
    if not open_sessions:
        raise ValidationError(_("No session of your school is open for sign-in now."))
    for session in open_sessions:
        if code_matches(secret=session.sign_in_secret, code=code, now=now):
            return session
    _note_failure(user)
    raise ValidationError(invalid_code_message())


def _require_session_open_to(teacher: Teacher, session: SchoolSession, now: dt.datetime) -> None:
    if teacher.school_id != session.school_id:
        raise ValidationError(
            _("This session is for the teachers of %(school)s.") % {"school": session.school.name}
        )
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("This session has been cancelled."))
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Sign-in for this session has closed."))
    _require_window(starts_at=session.starts_at, ends_at=session.ends_at, now=now)


def _attendance_record(session: SchoolSession, teacher: Teacher, method: str, now: dt.datetime) -> SessionAttendance:
    existing = SessionAttendance.objects.filter(session=session, teacher=teacher).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return SessionAttendance.objects.create(session=session, teacher=teacher, signed_in_at=now, method=method)
    except IntegrityError:  # the same teacher's second tap, a moment later
        return SessionAttendance.objects.get(session=session, teacher=teacher)


def session_sign_in(
    *,
    user: User | AnonymousUser,
    code: str | None = None,
    token: str | None = None,
    session: SchoolSession | None = None,
    now: dt.datetime | None = None,
) -> SessionAttendance:
    """Sign a teacher in to a session of their school: by the code on the screen (optionally checked
    against one given session) or by the QR token. Refusals raise ValidationError and write nothing."""
    now = now or timezone.now()
    teacher = _teacher(user)
    if token:
        parsed = _read_token(token, kind="session", now=now)
        found = SchoolSession.objects.select_related("school").filter(pk=int(parsed.ref)) if parsed.ref.isdigit() else None
        session = found.first() if found is not None else None
        if session is None:
            raise ValidationError(_invalid_qr_message())
        method = AttendanceMethod.QR
    elif code and session is not None:
        _require_session_open_to(teacher, session, now)
        _refuse_if_throttled(user)
        if not code_matches(secret=session.sign_in_secret, code=code, now=now):
            _note_failure(user)
            raise ValidationError(invalid_code_message())
        method = AttendanceMethod.CODE
    elif code:
        session = _session_for_code(user, teacher, code, now)
        method = AttendanceMethod.CODE
    else:
        raise ValidationError(_("Enter the sign-in code shown by the organiser, or scan its QR code."))
    _require_session_open_to(teacher, session, now)
    return _attendance_record(session, teacher, method, now)


# Offline-session blocks of course lessons (集中培训).


def _offline_block(lesson: LessonPage, block_id: str) -> OfflineBlock:
    block = offline_block_find(lesson=lesson, block_id=block_id) if lesson.live else None
    if block is None:
        raise ValidationError(_("There is no such offline session in this lesson."))
    return block


def _active_enrolment(teacher: Teacher, lesson: LessonPage) -> Enrolment:
    course = page_course(lesson)
    enrolment = None
    if course is not None:
        enrolment = Enrolment.objects.filter(teacher=teacher, course_id=course.pk, status=EnrolmentStatus.ACTIVE).first()
    if enrolment is None:
        raise ValidationError(_("Only teachers studying this course can sign in to its sessions."))
    return enrolment


def offline_block_sign_in(
    *,
    user: User | AnonymousUser,
    lesson: LessonPage,
    block_id: str,
    code: str | None = None,
    token: str | None = None,
    now: dt.datetime | None = None,
) -> OfflineAttendance:
    now = now or timezone.now()
    teacher = _teacher(user)
    block = _offline_block(lesson, block_id)
    enrolment = _active_enrolment(teacher, lesson)
    if token:
        parsed = _read_token(token, kind="offline", now=now)
        if parsed.ref != f"{lesson.pk}:{block_id}":
            raise ValidationError(_invalid_qr_message())
        method = AttendanceMethod.QR
    elif code:
        _require_window(starts_at=block.starts_at, ends_at=block.ends_at, now=now)
        _refuse_if_throttled(user)
        if not code_matches(secret=offline_block_secret(lesson_id=lesson.pk, block_id=block_id), code=code, now=now):
            _note_failure(user)
            raise ValidationError(invalid_code_message())
        method = AttendanceMethod.CODE
    else:
        raise ValidationError(_("Enter the sign-in code shown by the organiser, or scan its QR code."))
    _require_window(starts_at=block.starts_at, ends_at=block.ends_at, now=now)
    existing = OfflineAttendance.objects.filter(enrolment=enrolment, lesson=lesson, block_id=block_id).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            attendance = OfflineAttendance.objects.create(
                enrolment=enrolment, lesson=lesson, block_id=block_id, signed_in_at=now, method=method
            )
            # A lesson whose only requirement was this sign-in is done now, and may complete the course.
            lesson_progress_update(enrolment=enrolment, lesson=lesson, now=now)
            return attendance
    except IntegrityError:
        return OfflineAttendance.objects.get(enrolment=enrolment, lesson=lesson, block_id=block_id)
