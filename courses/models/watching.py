"""Server-counted video time: a watch session per player, a ledger of credited heartbeats."""

from __future__ import annotations

import datetime

from django.db import models

from courses.models.enrolment import Enrolment
from courses.models.pages import LessonPage
from lms.api import Teacher


class WatchSession(models.Model):
    """One player playing one video block; only the teacher's newest session is credited."""

    token = models.CharField(max_length=43, unique=True)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="watch_sessions")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    block_id = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    last_beat_at = models.DateTimeField()
    last_seq = models.PositiveIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)  # seconds into the video at the last beat
    furthest = models.PositiveIntegerField(default=0)  # furthest point reached by watching, not seeking
    credited_seconds = models.PositiveIntegerField(default=0)
    ended_at = models.DateTimeField(null=True, blank=True)
    # Copied from the video block at start, so a heartbeat never reads the page tree.
    required_seconds = models.PositiveIntegerField(default=0)
    duration_seconds = models.PositiveIntegerField(default=0)
    credited_before = models.PositiveIntegerField(default=0)  # by the teacher's earlier sessions of this video

    class Meta:
        indexes = [models.Index(fields=["enrolment", "lesson", "block_id"], name="watch_session_block")]


class TeacherWatchState(models.Model):
    """Per teacher: which session is current (newest wins) and what today has credited (per-day cap)."""

    teacher = models.OneToOneField(Teacher, on_delete=models.CASCADE, primary_key=True, related_name="+")
    current_session = models.ForeignKey(WatchSession, null=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField(default=datetime.date.min)
    seconds_today = models.PositiveIntegerField(default=0)


class WatchBeat(models.Model):
    """The ledger of heartbeats: what each one credited. Unique per session and sequence number."""

    session = models.ForeignKey(WatchSession, on_delete=models.CASCADE, related_name="beats")
    seq = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    position = models.PositiveIntegerField()
    credited_seconds = models.PositiveIntegerField()
    refused_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "seq"], name="watch_beat_session_seq_unique")]
