"""Server-counted video time. The player sends evidence (how long it played, where it is);
the server credits at most the wall-clock time that passed, only to the teacher's newest session,
never for skipping ahead, never beyond the video's required time or the teacher's daily cap."""

from __future__ import annotations

import datetime as dt
import logging
import math
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrolment, EnrolmentStatus, LessonPage, TeacherWatchState, WatchSession
from courses.selectors.progress import lesson_course, lesson_video, video_resume
from courses.services.watching_sql import LockedBeat, beat_lock, beat_write
from lms.api import teacher_for_user

logger = logging.getLogger(__name__)


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


def _refusal(locked: LockedBeat, *, wall: float, position: int, played: float, rules: WatchRules) -> str:
    if locked.enrolment_status != EnrolmentStatus.ACTIVE:
        return Refusal.NOT_STUDYING
    if locked.ended_at is not None:
        return Refusal.ENDED
    if locked.current_session_id != locked.session_id:
        return Refusal.STALE
    if wall > rules.idle_seconds:
        return Refusal.IDLE
    if played > wall + rules.tolerance_seconds:
        return Refusal.FASTER_THAN_REAL_TIME
    if position > locked.furthest + played + rules.tolerance_seconds:
        return Refusal.SEEK_AHEAD
    return ""


def _credit(locked: LockedBeat, *, today: dt.date, wall: float, played: float, rules: WatchRules) -> tuple[int, str]:
    credit = _whole_seconds(min(played, wall, rules.heartbeat_seconds + rules.tolerance_seconds))
    remaining = locked.required_seconds - locked.credited_before - locked.credited_seconds
    credit = min(credit, max(remaining, 0))
    if locked.day != today:
        locked.day, locked.seconds_today = today, 0
    room = max(rules.daily_cap_seconds - locked.seconds_today, 0)
    if credit > room:
        return room, Refusal.DAILY_CAP
    return credit, ""


def watch_heartbeat(
    *, token: str, seq: int, position: float, played: float, now: dt.datetime | None = None
) -> BeatResult:
    """Credit one heartbeat: one transaction locking the session and the teacher's state rows,
    one INSERT of the beat, one UPDATE of each (see watching_sql)."""
    now = now or timezone.now()
    rules = watch_rules()
    try:
        with transaction.atomic():
            result, locked = _beat(token=token, seq=seq, position=position, played=played, now=now, rules=rules)
            if locked is not None and result.credited and result.block_credited >= result.required_seconds:
                result = _video_reached_safely(result, locked)
    except IntegrityError:
        # The unique (session, seq) constraint: a concurrent copy of this beat got in first.
        return BeatResult(0, 0, 0, 0, Refusal.DUPLICATE, refusal_message(Refusal.DUPLICATE, rules=rules), False)
    return result


def _beat(
    *, token: str, seq: int, position: float, played: float, now: dt.datetime, rules: WatchRules
) -> tuple[BeatResult, LockedBeat | None]:
    locked = beat_lock(token=token)
    if locked is None:
        reason = Refusal.UNKNOWN_SESSION
        return BeatResult(0, 0, 0, 0, reason, refusal_message(reason, rules=rules), recorded=False), None
    before = locked.credited_before + locked.credited_seconds
    if seq <= locked.last_seq:
        reason = Refusal.DUPLICATE
        return BeatResult(
            0, before, locked.required_seconds, locked.furthest, reason, refusal_message(reason, rules=rules),
            recorded=False,
        ), None
    wall = (now - locked.last_beat_at).total_seconds()
    at = _whole_seconds(position)
    reason = _refusal(locked, wall=wall, position=at, played=played, rules=rules)
    credit = 0
    if not reason:
        today = timezone.localdate(now, timezone.get_default_timezone())
        credit, reason = _credit(locked, today=today, wall=wall, played=played, rules=rules)
        locked.furthest = max(locked.furthest, at)
        locked.seconds_today += credit
    beat_write(locked=locked, seq=seq, now=now, position=at, credit=credit, reason=reason, ended=reason in ENDING)
    return BeatResult(
        credited=credit, block_credited=before + credit, required_seconds=locked.required_seconds,
        furthest=locked.furthest, refused_reason=reason, message=refusal_message(reason, rules=rules) if reason else "",
    ), locked


def _video_reached_safely(result: BeatResult, locked: LockedBeat) -> BeatResult:
    """The beat counts even if updating progress fails; opening the lesson page retries the update."""
    try:
        with transaction.atomic():
            return _video_reached(result, locked)
    except Exception:
        logger.exception("Progress update after video %s of session %s failed", locked.lesson_id, locked.session_id)
        return result


def _video_reached(result: BeatResult, locked: LockedBeat) -> BeatResult:
    """Rare path (the beat that completes a video's minutes): the lesson may now be done, and the course."""
    from dataclasses import replace

    from courses.models import ProgressStatus
    from courses.services.progress import lesson_progress_update

    if result.block_credited - result.credited >= result.required_seconds:
        return result  # the minutes were reached before this beat
    enrolment = Enrolment.objects.get(pk=locked.enrolment_id)
    progress = lesson_progress_update(enrolment=enrolment, lesson=LessonPage.objects.get(pk=locked.lesson_id))
    return replace(result, lesson_done=progress.status == ProgressStatus.DONE)
