"""Builders and fixtures for the school-based session tests: a school admin, a county admin, teachers, a session."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from courses.models import SchoolSession
from courses.services import school_session_schedule
from courses.signin import current_code
from tests.factories import Role, make_teacher, make_user

# A Tuesday afternoon; every test passes `now=` so nothing depends on the clock.
START = dt.datetime(2025, 5, 6, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
END = START + dt.timedelta(hours=2)
DURING = START + dt.timedelta(minutes=30)
AFTER = END + dt.timedelta(minutes=5)
DAY_BEFORE = START - dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Wrong-code counters live in the cache: each test gets an empty one of its own."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def school_admin(tree):
    return make_user("school_admin_a1_1", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1)


@pytest.fixture
def county_admin(tree):
    return make_user("county_admin_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


@pytest.fixture
def teacher(tree):
    return make_teacher(school=tree.school_a1_1, real_name="李明")


@pytest.fixture
def colleague(tree):
    return make_teacher(school=tree.school_a1_1, real_name="王芳")


@pytest.fixture
def session(tree, school_admin):
    return schedule(school_admin, tree.school_a1_1)


def schedule(actor, school, *, starts_at: dt.datetime = START, ends_at: dt.datetime = END,
             hours: object = Decimal("2"), topic: str = "信息技术支持的课堂观察") -> SchoolSession:
    return school_session_schedule(
        actor=actor, school=school, topic=topic, description="校本研修：课堂观察与研讨",
        starts_at=starts_at, ends_at=ends_at, place="第一会议室", hours=hours, now=DAY_BEFORE,
    )


def code_of(session: SchoolSession, now: dt.datetime = DURING) -> str:
    return current_code(secret=session.sign_in_secret, now=now).code


def messages_of(error) -> str:
    """All the messages of a ValidationError or PermissionDenied, as one string."""
    return " ".join(getattr(error, "messages", None) or [str(error)])
