"""On PostgreSQL, awards and reversals racing each other still write one row each."""

from __future__ import annotations


import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from courses.models import HoursEntry, HoursKind, HoursSource
from courses.services import hours_award, hours_reverse
from tests.concurrency import race
from tests.factories import make_teacher

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent sessions"),
]
THREADS = 6


def test_concurrent_awards_with_one_key_make_one_entry(tree):
    teacher = make_teacher(school=tree.school_a1_1)
    results = race([lambda: hours_award(
        teacher_id=teacher.pk, hours="5", kind=HoursKind.ONLINE, year=2024, source_type=HoursSource.COURSE,
        source_ref="course:7", idempotency_key="course:7:teacher", recognised_by=None,
    )] * THREADS)
    assert all(isinstance(r, HoursEntry) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert HoursEntry.objects.count() == 1


def test_concurrent_reversals_make_one(tree):
    teacher = make_teacher(school=tree.school_a1_1)
    entry = hours_award(
        teacher_id=teacher.pk, hours="5", kind=HoursKind.ONLINE, year=2024, source_type=HoursSource.COURSE,
        source_ref="course:7", idempotency_key="course:7:teacher", recognised_by=None,
    )
    results = race([lambda: hours_reverse(entry=entry, reason="并发冲销", by=None)] * THREADS)
    assert sum(isinstance(r, HoursEntry) for r in results) == 1
    assert sum(isinstance(r, ValidationError) for r in results) == THREADS - 1, results
    assert HoursEntry.objects.count() == 2


def test_the_same_file_imported_twice_at_once_lands_once(tree):
    import io

    from courses.models import HoursImport
    from courses.services import hours_import_run
    from lms.crypto import decrypt_text
    from lms.models import Role
    from tests.factories import make_user

    teachers = [make_teacher(school=tree.school_a1_1) for _ in range(3)]
    admin = make_user("county_a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    lines = ["身份证号,学时,类别,年度,来源,备注"] + [
        f"{decrypt_text(t.id_number_encrypted)},8,网络研修,2024,国培,{n}" for n, t in enumerate(teachers)
    ]
    content = "\n".join(lines).encode()
    results = race([lambda: hours_import_run(uploader=admin, name="same.csv", stream=io.BytesIO(content))] * THREADS)
    assert all(isinstance(r, HoursImport) for r in results), results
    assert sorted(r.status for r in results) == ["done"] + ["rejected"] * (THREADS - 1)
    assert HoursEntry.objects.count() == 3
