"""Server-counted video time. The player sends evidence (how long it played, where it is);
the server credits at most the wall-clock time that passed, only to the teacher's newest session,
never for skipping ahead, never beyond the video's required time or the teacher's daily cap."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    TeacherWatchState,
    WatchBeat,
    WatchSession,
)
from courses.selectors.progress import lesson_course, lesson_video, video_resume
from lms.api import teacher_for_user


@dataclass(frozen=True)
class WatchRules:
    heartbeat_seconds: int
    tolerance_seconds: int
    daily_cap_seconds: int
    idle_seconds: int


def watch_rules() -> WatchRules:
    """The rules are settings; read on every call so an administrator's change applies at once."""
    return WatchRules(
        heartbeat_seconds=int(getattr(settings, "LEARNING_HEARTBEAT_SECONDS", 30)),
        tolerance_seconds=int(getattr(settings, "LEARNING_HEARTBEAT_TOLERANCE_SECONDS", 5)),
        daily_cap_seconds=int(getattr(settings, "LEARNING_DAILY_CAP_MINUTES", 240)) * 60,
        idle_seconds=int(getattr(settings, "LEARNING_SESSION_IDLE_SECONDS", 120)),
    )


class Refusal:
    """Why a heartbeat credited nothing. Beats with a fresh sequence number are recorded with the reason;
    UNKNOWN_SESSION and DUPLICATE write nothing (there is no session, or the beat is already in the ledger)."""

    UNKNOWN_SESSION = "unknown_session"
    DUPLICATE = "duplicate"
    NOT_STUDYING = "not_studying"
    ENDED = "ended"
    STALE = "stale"
    IDLE = "idle"
    FASTER_THAN_REAL_TIME = "faster_than_real_time"
    SEEK_AHEAD = "seek_ahead"
    DAILY_CAP = "daily_cap"


# Refusals after which the session is over: the player must start a new one.
ENDING = {Refusal.NOT_STUDYING, Refusal.IDLE}


def refusal_message(reason: str, *, rules: WatchRules | None = None) -> str:
    rules = rules or watch_rules()
    messages = {
        Refusal.UNKNOWN_SESSION: _("This viewing is not known to the server; reload the page and press play."),
        Refusal.DUPLICATE: _("This heartbeat was already received; it is not counted twice."),
        Refusal.NOT_STUDYING: _("You are no longer studying this course; watch time is not counted."),
        Refusal.ENDED: _("This viewing has ended; press play to continue."),
        Refusal.STALE: _("Another window took over this video; only the newest window is counted."),
        Refusal.IDLE: _("This viewing was idle too long; press play to continue."),
        Refusal.FASTER_THAN_REAL_TIME: _(
            "More playing time was reported than has passed; this heartbeat was not counted."
        ),
        Refusal.SEEK_AHEAD: _("Skipping ahead is not counted: watch on from where you left off."),
        Refusal.DAILY_CAP: _(
            "You have reached today's limit of %(minutes)s minutes of counted video; it starts again tomorrow."
        ) % {"minutes": rules.daily_cap_seconds // 60},
    }
    return messages.get(reason, "")


@dataclass(frozen=True)
class BeatResult:
    credited: int  # by this beat
    block_credited: int  # by all of the teacher's sessions of this video
    required_seconds: int
    furthest: int
    refused_reason: str = ""
    message: str = ""
    recorded: bool = True  # False: nothing was written
    lesson_done: bool = False

    @property
    def accepted(self) -> bool:
        return not self.refused_reason or self.refused_reason == Refusal.DAILY_CAP


# --- starting a session -------------------------------------------------------------------------


@transaction.atomic
def watch_start(
    *, user: User | AnonymousUser, lesson: LessonPage, block_id: str, now: dt.datetime | None = None
) -> WatchSession:
    """Open a viewing of one video for the enrolled teacher; it becomes their only counted session."""
    from courses.services.progress import lesson_progress_start

    now = now or timezone.now()
    teacher = teacher_for_user(user=user)
    if teacher is None:
        raise PermissionDenied(_("Only teachers enrolled in the course have their watch time counted."))
    course = lesson_course(lesson=lesson)
    enrolment = Enrolment.objects.filter(teacher=teacher, course=course).first() if course else None
    if enrolment is None:
        raise PermissionDenied(_("You are not enrolled in this course; enrol first to have your watch time counted."))
    if enrolment.status != EnrolmentStatus.ACTIVE:
        raise PermissionDenied(_("You are no longer studying this course; watch time is not counted."))
    video = lesson_video(lesson=lesson, block_id=block_id)
    if video is None:
        raise ValidationError(_("This video is not part of the lesson."))
    # The teacher's state row is the lock that orders "newest session wins" against in-flight beats.
    state, _created = TeacherWatchState.objects.select_for_update().get_or_create(teacher=teacher)
    resume = video_resume(enrolment=enrolment, lesson=lesson, block_id=block_id)
    session = WatchSession.objects.create(
        token=secrets.token_urlsafe(32),
        enrolment=enrolment,
        lesson=lesson,
        block_id=block_id,
        started_at=now,
        last_beat_at=now,
        position=resume.position,
        furthest=resume.furthest,
        required_seconds=video.required_seconds,
        duration_seconds=video.duration_seconds,
        credited_before=resume.credited,
    )
    state.current_session = session
    state.save(update_fields=["current_session"])
    lesson_progress_start(enrolment=enrolment, lesson=lesson, now=now)
    return session


# --- the hot path: one heartbeat ----------------------------------------------------------------


def _whole_seconds(value: float) -> int:
    return max(0, math.floor(value))


def _refusal(
    session: WatchSession, state: TeacherWatchState, *, wall: float, position: int, played: float, rules: WatchRules
) -> str:
    if session.enrolment.status != EnrolmentStatus.ACTIVE:
        return Refusal.NOT_STUDYING
    if session.ended_at is not None:
        return Refusal.ENDED
    if state.current_session_id != session.pk:
        return Refusal.STALE
    if wall > rules.idle_seconds:
        return Refusal.IDLE
    if played > wall + rules.tolerance_seconds:
        return Refusal.FASTER_THAN_REAL_TIME
    if position > session.furthest + played + rules.tolerance_seconds:
        return Refusal.SEEK_AHEAD
    return ""


def _credit(session: WatchSession, state: TeacherWatchState, *, today: dt.date, wall: float, played: float,
            rules: WatchRules) -> tuple[int, str]:
    credit = _whole_seconds(min(played, wall, rules.heartbeat_seconds + rules.tolerance_seconds))
    remaining = session.required_seconds - session.credited_before - session.credited_seconds
    credit = min(credit, max(remaining, 0))
    if state.day != today:
        state.day, state.seconds_today = today, 0
    room = max(rules.daily_cap_seconds - state.seconds_today, 0)
    if credit > room:
        return room, Refusal.DAILY_CAP
    return credit, ""


def watch_heartbeat(
    *, token: str, seq: int, position: float, played: float, now: dt.datetime | None = None
) -> BeatResult:
    """Credit one heartbeat: one transaction, two row locks, one INSERT, two UPDATEs."""
    now = now or timezone.now()
    rules = watch_rules()
    try:
        with transaction.atomic():
            result, reached = _beat(token=token, seq=seq, position=position, played=played, now=now, rules=rules)
    except IntegrityError:
        # The unique (session, seq) constraint: a concurrent copy of this beat got in first.
        return BeatResult(0, 0, 0, 0, Refusal.DUPLICATE, refusal_message(Refusal.DUPLICATE, rules=rules), False)
    return result


def _beat(
    *, token: str, seq: int, position: float, played: float, now: dt.datetime, rules: WatchRules
) -> tuple[BeatResult, bool]:
    try:
        session = (
            WatchSession.objects.select_for_update(of=("self",)).select_related("enrolment").get(token=token)
        )
    except WatchSession.DoesNotExist:
        reason = Refusal.UNKNOWN_SESSION
        return BeatResult(0, 0, 0, 0, reason, refusal_message(reason, rules=rules), recorded=False), False
    if seq <= session.last_seq:
        reason = Refusal.DUPLICATE
        return BeatResult(
            0, session.credited_before + session.credited_seconds, session.required_seconds, session.furthest,
            reason, refusal_message(reason, rules=rules), recorded=False,
        ), False
    state = TeacherWatchState.objects.select_for_update().get(teacher_id=session.enrolment.teacher_id)
    wall = (now - session.last_beat_at).total_seconds()
    at = _whole_seconds(position)
    reason = _refusal(session, state, wall=wall, position=at, played=played, rules=rules)
    credit = 0
    if not reason:
        credit, reason = _credit(session, state, today=timezone.localdate(now, timezone.get_default_timezone()),
                                 wall=wall, played=played, rules=rules)
        session.furthest = max(session.furthest, at)
    WatchBeat.objects.create(
        session=session, seq=seq, received_at=now, position=at, credited_seconds=credit, refused_reason=reason
    )
    before = session.credited_before + session.credited_seconds
    session.last_seq, session.last_beat_at, session.position = seq, now, at
    session.credited_seconds += credit
    fields = ["last_seq", "last_beat_at", "position", "furthest", "credited_seconds"]
    if reason in ENDING:
        session.ended_at = now
        fields.append("ended_at")
    session.save(update_fields=fields)
    if credit or reason == Refusal.DAILY_CAP:
        state.seconds_today += credit
        state.save(update_fields=["day", "seconds_today"])
    total = before + credit
    reached = credit > 0 and before < session.required_seconds <= total
    lesson_done = False
    if reached:
        lesson_done = _video_reached(session)
    message = refusal_message(reason, rules=rules) if reason else ""
    return BeatResult(
        credited=credit, block_credited=total, required_seconds=session.required_seconds,
        furthest=session.furthest, refused_reason=reason, message=message, lesson_done=lesson_done,
    ), reached


def _video_reached(session: WatchSession) -> bool:
    """Rare path (once per video and teacher): the lesson may now be done, and with it the course."""
    from courses.models import ProgressStatus
    from courses.services.progress import lesson_progress_update

    lesson = LessonPage.objects.get(pk=session.lesson_id)
    progress = lesson_progress_update(enrolment=session.enrolment, lesson=lesson)
    return progress.status == ProgressStatus.DONE
