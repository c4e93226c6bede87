"""On PostgreSQL, two teachers racing for the last seat: exactly one gets it, the other is told none is left."""

from __future__ import annotations

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from courses.models import Enrolment, EnrolmentStatus
from courses.services import enrolment_self
from courses.services import enrolment as enrolment_service
from tests.concurrency import race
from tests.courses.catalog_factories import make_course
from tests.factories import make_teacher

pytestmark = [
    # serialized_rollback: the flush after a transactional test would take the Wagtail site and root page with it.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers and has no row locks to race on",
    ),
]


def test_two_teachers_racing_for_the_last_seat_one_gets_it(tree, monkeypatch):
    counted = enrolment_service.course_seats_taken

    def slow_count(**kwargs):
        taken = counted(**kwargs)
        time.sleep(0.3)  # widen the gap between counting and writing: without the lock both would see a seat
        return taken

    monkeypatch.setattr(enrolment_service, "course_seats_taken", slow_count)
    course = make_course(institution=tree.institution, seats=2)
    enrolment_self(user=make_teacher(school=tree.school_a1_1, real_name="先到老师").user, course=course)
    racers = [make_teacher(school=tree.school_a1_2, real_name=name) for name in ("甲老师", "乙老师")]

    results = race([lambda t=t: enrolment_self(user=t.user, course=course) for t in racers])

    won = [r for r in results if isinstance(r, Enrolment)]
    lost = [r for r in results if isinstance(r, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, results
    assert "名额已满" in " ".join(lost[0].messages)
    assert Enrolment.objects.filter(course=course, status=EnrolmentStatus.ACTIVE).count() == 2
    assert Enrolment.objects.filter(course=course, teacher__in=racers).count() == 1


def test_one_teacher_enrolling_twice_at_once_gets_one_row(tree):
    course = make_course(institution=tree.institution)
    teacher = make_teacher(school=tree.school_a1_1, real_name="双击老师")

    results = race([lambda: enrolment_self(user=teacher.user, course=course)] * 2)

    assert sum(isinstance(r, Enrolment) for r in results) == 1, results
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "您已报名该课程" in " ".join(refused[0].messages)
    assert Enrolment.objects.filter(course=course, teacher=teacher).count() == 1
