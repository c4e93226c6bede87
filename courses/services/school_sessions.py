"""Writes of school-based sessions (校本研修): schedule, attendance, submission, county review, records.

Sign-in by teachers lives in courses/services/session_sign_in.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

import courses.log_actions_sessions  # noqa: F401 (registers this file's audit actions)
from courses.models import (
    AttendanceMethod,
    HoursKind,
    HoursSource,
    RecordKind,
    SchoolSession,
    SessionAttendance,
    SessionRecord,
    SessionStatus,
)
from courses.selectors.school_sessions import (
    EDITABLE_STATUSES,
    attendance_of,
    user_can_organise_school,
    user_can_review_session,
)
from courses.services.hours import hours_award
from courses.signin import new_secret, sign_in_opens_at
from lms.api import Organisation, OrganisationKind, Teacher, teacher_for_user, teachers_visible_to

MIN_HOURS = Decimal("0.5")


def max_session_hours() -> Decimal:
    return Decimal(str(getattr(settings, "SCHOOL_SESSION_MAX_HOURS", 8)))


def _max_length_hours() -> int:
    return int(getattr(settings, "SCHOOL_SESSION_MAX_LENGTH_HOURS", 12))


def _require_organiser(actor: User, school: Organisation) -> None:
    if not user_can_organise_school(user=actor, school=school):
        raise PermissionDenied(_("Only administrators of this school or above may organise its sessions."))


def _clean_hours(value: object, *, starts_at: dt.datetime, ends_at: dt.datetime) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"hours": _("Hours must be a number.")}) from None
    if not hours.is_finite():
        raise ValidationError({"hours": _("Hours must be a number.")})
    if hours != hours.quantize(Decimal("0.1")):
        raise ValidationError({"hours": _("Hours take at most one decimal place.")})
    if not MIN_HOURS <= hours <= max_session_hours():
        raise ValidationError(
            {"hours": _("Hours must lie between %(min)s and %(max)s.") % {"min": MIN_HOURS, "max": max_session_hours()}}
        )
    length = Decimal((ends_at - starts_at).total_seconds()) / 3600
    if hours > length:
        raise ValidationError(
            {"hours": _("The hours cannot exceed the session's length (%(length)s hours).")
             % {"length": length.quantize(Decimal("0.1"))}}
        )
    return hours


def _clean_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if starts_at is None or ends_at is None:
        raise ValidationError(_("Give the start and the end of the session."))
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The session must end after it starts.")})
    if ends_at - starts_at > dt.timedelta(hours=_max_length_hours()):
        raise ValidationError({"ends_at": _("A session lasts at most %(max)s hours.") % {"max": _max_length_hours()}})


def _clean_text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _apply_fields(
    session: SchoolSession,
    *,
    topic: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    hours: object,
    now: dt.datetime,
) -> None:
    session.topic = _clean_text(topic, field="topic", message=_("Give the session a topic."))
    session.place = _clean_text(place, field="place", message=_("Say where the session takes place."))
    session.description = (description or "").strip()
    _clean_times(starts_at, ends_at)
    if ends_at <= now:
        raise ValidationError({"ends_at": _("A session that has already ended cannot be scheduled.")})
    session.starts_at, session.ends_at = starts_at, ends_at
    session.hours = _clean_hours(hours, starts_at=starts_at, ends_at=ends_at)
    session.full_clean(exclude=["organiser"])  # the organiser's account may since have been removed


def school_session_schedule(
    *,
    actor: User,
    school: Organisation,
    topic: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    hours: object,
    now: dt.datetime | None = None,
) -> SchoolSession:
    _require_organiser(actor, school)
    if school.kind != OrganisationKind.SCHOOL or not school.is_active:
        raise ValidationError({"school": _("School-based sessions are held at an open school.")})
    session = SchoolSession(school=school, organiser=actor, sign_in_secret=new_secret())
    _apply_fields(session, topic=topic, description=description, starts_at=starts_at, ends_at=ends_at,
                  place=place, hours=hours, now=now or timezone.now())
    with transaction.atomic():
        session.save()
        log(instance=session, action="courses.school_session_schedule", user=actor,
            data={"school": school.pk, "starts_at": starts_at.isoformat(), "hours": str(session.hours)})
    return session


def _locked(session: SchoolSession) -> SchoolSession:
    return SchoolSession.objects.select_for_update().select_related("school").get(pk=session.pk)


def _require_editable(session: SchoolSession, message: str) -> None:
    if session.status not in EDITABLE_STATUSES:
        raise ValidationError(message)


@transaction.atomic
def school_session_update(
    *,
    actor: User,
    session: SchoolSession,
    topic: str,
    description: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    place: str,
    hours: object,
    now: dt.datetime | None = None,
) -> SchoolSession:
    _require_organiser(actor, session.school)
    locked = _locked(session)
    _require_editable(locked, _("Only a scheduled or returned session can be changed."))
    _apply_fields(locked, topic=topic, description=description, starts_at=starts_at, ends_at=ends_at,
                  place=place, hours=hours, now=now or timezone.now())
    locked.save()
    log(instance=locked, action="courses.school_session_update", user=actor,
        data={"starts_at": starts_at.isoformat(), "hours": str(locked.hours)})
    return locked


@transaction.atomic
def school_session_cancel(*, actor: User, session: SchoolSession) -> SchoolSession:
    _require_organiser(actor, session.school)
    locked = _locked(session)
    _require_editable(locked, _("Only a scheduled or returned session can be cancelled."))
    locked.status = SessionStatus.CANCELLED
    locked.save(update_fields=["status"])
    log(instance=locked, action="courses.school_session_cancel", user=actor)
    return locked


@transaction.atomic
def attendance_confirm(*, actor: User, session: SchoolSession, teacher_ids: Iterable[int], confirmed: bool) -> int:
    """Confirm (or withdraw confirmation of) these sign-ins; returns how many rows changed."""
    _require_organiser(actor, session.school)
    locked = _locked(session)
    _require_editable(locked, _("Attendance can only be changed before the session is submitted."))
    ids = {int(teacher_id) for teacher_id in teacher_ids}
    rows = SessionAttendance.objects.filter(session=locked, teacher_id__in=ids).exclude(confirmed=confirmed)
    changed = rows.update(
        confirmed=confirmed,
        confirmed_by=actor if confirmed else None,
        confirmed_at=timezone.now() if confirmed else None,
    )
    if changed:
        log(instance=locked, action="courses.session_attendance_confirm", user=actor,
            data={"teachers": sorted(ids), "confirmed": confirmed, "changed": changed})
    return changed


@transaction.atomic
def attendance_add_manually(
    *, actor: User, session: SchoolSession, teacher: Teacher, now: dt.datetime | None = None
) -> SessionAttendance:
    """The organiser records a teacher who was there without signing in; the row is confirmed at once."""
    now = now or timezone.now()
    _require_organiser(actor, session.school)
    locked = _locked(session)
    _require_editable(locked, _("Attendance can only be changed before the session is submitted."))
    if not teachers_visible_to(actor).filter(pk=teacher.pk).exists():
        raise PermissionDenied(_("This teacher is outside your jurisdiction."))
    if teacher.school_id != locked.school_id:
        raise ValidationError(_("%(name)s is not a teacher of %(school)s.") % {"name": teacher.real_name,
                                                                                "school": locked.school.name})
    if now < sign_in_opens_at(locked.starts_at):
        raise ValidationError(_("Attendance can be recorded once sign-in for the session opens."))
    row = attendance_of(session=locked, teacher=teacher)
    if row is None:
        try:
            with transaction.atomic():
                row = SessionAttendance.objects.create(
                    session=locked, teacher=teacher, signed_in_at=now, method=AttendanceMethod.MANUAL,
                    confirmed=True, confirmed_by=actor, confirmed_at=now,
                )
        except IntegrityError:
            row = SessionAttendance.objects.get(session=locked, teacher=teacher)
    if not row.confirmed:
        row.confirmed, row.confirmed_by, row.confirmed_at = True, actor, now
        row.save(update_fields=["confirmed", "confirmed_by", "confirmed_at"])
    log(instance=locked, action="courses.session_attendance_add", user=actor, data={"teacher": teacher.pk})
    return row


@transaction.atomic
def school_session_submit(*, actor: User, session: SchoolSession, now: dt.datetime | None = None) -> SchoolSession:
    now = now or timezone.now()
    _require_organiser(actor, session.school)
    locked = _locked(session)
    if locked.status == SessionStatus.SUBMITTED:
        raise ValidationError(_("This session is already awaiting county approval."))
    _require_editable(locked, _("Only a scheduled or returned session can be submitted."))
    if now < locked.ends_at:
        raise ValidationError(_("The session can be submitted once it has ended."))
    if not locked.attendance.filter(confirmed=True).exists():
        raise ValidationError(_("Confirm at least one attendee before submitting the session."))
    locked.status, locked.submitted_at = SessionStatus.SUBMITTED, now
    locked.save(update_fields=["status", "submitted_at"])
    log(instance=locked, action="courses.school_session_submit", user=actor)
    return locked


def _award_hours(session: SchoolSession, actor: User) -> int:
    """School-based hours to every confirmed attendee; the key makes a repeated award a no-op."""
    year = timezone.localtime(session.starts_at).year
    teacher_ids = list(session.attendance.filter(confirmed=True).values_list("teacher_id", flat=True))
    for teacher_id in teacher_ids:
        hours_award(
            teacher_id=teacher_id,
            hours=session.hours,
            kind=HoursKind.SCHOOL_BASED,
            year=year,
            source_type=HoursSource.SESSION,
            source_ref=f"school_session:{session.pk}",
            idempotency_key=f"school_session:{session.pk}:teacher:{teacher_id}",
            recognised_by=actor,
            note=session.topic,
            source_label=session.school.name,
        )
    return len(teacher_ids)


@transaction.atomic
def school_session_review(
    *, actor: User, session: SchoolSession, approve: bool, comment: str, now: dt.datetime | None = None
) -> SchoolSession:
    """The county approves (hours awarded to confirmed attendees) or returns the session with a comment."""
    if not user_can_review_session(user=actor, session=session):
        raise PermissionDenied(
            _("Only the county (or above) over %(school)s may review its sessions.") % {"school": session.school.name}
        )
    locked = _locked(session)
    if locked.status == SessionStatus.APPROVED:
        raise ValidationError(_("This session has already been approved."))
    if locked.status != SessionStatus.SUBMITTED:
        raise ValidationError(_("Only a session awaiting approval can be reviewed."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("Say what must be corrected before returning the session.")})
    locked.status = SessionStatus.APPROVED if approve else SessionStatus.REJECTED
    locked.reviewed_by, locked.reviewed_at, locked.review_comment = actor, now or timezone.now(), comment
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    awarded = _award_hours(locked, actor) if approve else 0
    log(instance=locked, action="courses.school_session_approve" if approve else "courses.school_session_return",
        user=actor, data={"comment": comment, "teachers_awarded": awarded})
    return locked


def session_record_add(
    *, user: User, session: SchoolSession, kind: str, observed_lesson: str, text: str
) -> SessionRecord:
    """An observation record (听评课) or a reflection, by a teacher who attended the session."""
    teacher = teacher_for_user(user=user)
    if teacher is None or attendance_of(session=session, teacher=teacher) is None:
        raise PermissionDenied(_("Only teachers who attended the session may add records to it."))
    if session.status == SessionStatus.CANCELLED:
        raise ValidationError(_("Records cannot be added to a cancelled session."))
    if kind not in RecordKind.values:
        raise ValidationError({"kind": _("Choose an observation record or a reflection.")})
    observed_lesson = (observed_lesson or "").strip()
    if kind == RecordKind.OBSERVATION and not observed_lesson:
        raise ValidationError({"observed_lesson": _("Say which lesson was observed.")})
    record = SessionRecord(
        session=session,
        teacher=teacher,
        kind=kind,
        observed_lesson=observed_lesson,
        text=_clean_text(text, field="text", message=_("Write the record before saving it.")),
    )
    record.full_clean()
    record.save()
    return record
