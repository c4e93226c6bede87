"""On PostgreSQL, a county approval clicked twice at once, or a teacher's double tap, still counts once."""

from __future__ import annotations


import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from courses.models import HoursEntry, SchoolSession, SessionAttendance, SessionStatus
from courses.services import attendance_confirm, school_session_review, school_session_submit, session_sign_in
from tests.concurrency import race
from tests.courses.school_session_builders import (  # noqa: F401 (fixtures)
    AFTER,
    DURING,
    _own_cache,
    code_of,
    colleague,
    county_admin,
    school_admin,
    session,
    teacher,
)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keeps the Wagtail site a flush removes
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]
THREADS = 6


def test_concurrent_approvals_award_each_confirmed_attendee_once(session, school_admin, county_admin, teacher,
                                                                 colleague):
    for person in (teacher, colleague):
        session_sign_in(user=person.user, code=code_of(session), now=DURING)
    attendance_confirm(actor=school_admin, session=session, teacher_ids=[teacher.pk, colleague.pk], confirmed=True)
    school_session_submit(actor=school_admin, session=session, now=AFTER)
    results = race([lambda: school_session_review(actor=county_admin, session=session, approve=True, comment="")] * THREADS)
    approved = [r for r in results if isinstance(r, SchoolSession)]
    assert len(approved) == 1, results
    assert all(isinstance(r, ValidationError) for r in results if r not in approved)
    assert HoursEntry.objects.count() == 2
    assert SchoolSession.objects.get().status == SessionStatus.APPROVED


def test_a_double_tap_signs_in_once(session, teacher):
    code = code_of(session)
    results = race([lambda: session_sign_in(user=teacher.user, code=code, now=DURING)] * THREADS)
    assert all(isinstance(r, SessionAttendance) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert SessionAttendance.objects.count() == 1
