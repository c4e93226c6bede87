"""The ledger itself: awards are idempotent, reversals are checked, rows are never changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone
from wagtail.models import ModelLogEntry

from courses.models import HoursEntry, HoursKind, HoursSource, LedgerAppendOnlyError
from courses.services import hours_award, hours_reverse
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(tree):
    return make_teacher(school=tree.school_a1_1)


def award(teacher, key="course:1", **overrides):
    fields = {
        "teacher_id": teacher.pk,
        "hours": "12.5",
        "kind": HoursKind.ONLINE,
        "year": 2024,
        "source_type": HoursSource.COURSE,
        "source_ref": "course:1",
        "idempotency_key": key,
        "recognised_by": None,
        "note": "",
    }
    fields.update(overrides)
    return hours_award(**fields)


def test_award_writes_one_entry_with_who_and_when(teacher):
    user = make_user("recogniser")
    entry = award(teacher, recognised_by=user, note="国培")
    assert entry.hours == Decimal("12.5") and entry.year == 2024 and entry.kind == HoursKind.ONLINE
    assert entry.recognised_by == user and entry.recognised_at is not None and entry.note == "国培"


def test_the_same_key_twice_gives_the_one_entry(teacher):
    first = award(teacher)
    second = award(teacher)
    assert first.pk == second.pk
    assert HoursEntry.objects.count() == 1


def test_a_key_reused_for_different_hours_is_refused(teacher):
    award(teacher)
    with pytest.raises(ValidationError):
        award(teacher, hours="3")
    assert HoursEntry.objects.count() == 1


def test_the_database_refuses_a_second_row_with_the_same_key(teacher):
    entry = award(teacher)
    duplicate = HoursEntry(
        teacher_id=teacher.pk, hours=1, kind=entry.kind, year=entry.year,
        source_type=entry.source_type, idempotency_key=entry.idempotency_key,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hours": "0"}, "hours"),
        ({"hours": "-2"}, "hours"),
        ({"hours": "200.1"}, "hours"),
        ({"hours": "1.25"}, "hours"),
        ({"hours": "abc"}, "hours"),
        ({"year": 1989}, "year"),
        ({"year": timezone.localdate().year + 2}, "year"),
        ({"kind": "sleeping"}, "kind"),
        ({"source_type": "rumour"}, "source_type"),
    ],
)
def test_bad_awards_are_refused_and_write_nothing(teacher, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        award(teacher, **overrides)
    assert field in excinfo.value.message_dict
    assert not HoursEntry.objects.exists()


def test_award_for_a_missing_teacher_is_refused(teacher):
    with pytest.raises(ValidationError):
        award(teacher, teacher_id=teacher.pk + 999)
    assert not HoursEntry.objects.exists()


def test_reversal_cancels_the_entry_and_is_logged(teacher):
    admin = make_user("admin")
    entry = award(teacher)
    reversal = hours_reverse(entry=entry, reason="重复登记", by=admin)
    assert reversal.hours == Decimal("-12.5") and reversal.reverses == entry
    assert (reversal.kind, reversal.year, reversal.teacher_id) == (entry.kind, entry.year, entry.teacher_id)
    assert reversal.note == "重复登记" and reversal.recognised_by == admin
    assert ModelLogEntry.objects.filter(action="courses.hours_reverse", object_id=str(reversal.pk)).exists()


def test_reversal_needs_a_reason(teacher):
    entry = award(teacher)
    with pytest.raises(ValidationError):
        hours_reverse(entry=entry, reason="  ", by=None)
    assert HoursEntry.objects.count() == 1


def test_an_entry_is_reversed_once_and_a_reversal_never(teacher):
    entry = award(teacher)
    reversal = hours_reverse(entry=entry, reason="错误", by=None)
    with pytest.raises(ValidationError, match="已被冲销"):
        hours_reverse(entry=entry, reason="再次", by=None)
    with pytest.raises(ValidationError, match="冲销记录不能再被冲销"):
        hours_reverse(entry=reversal, reason="撤销冲销", by=None)
    assert HoursEntry.objects.count() == 2


def test_the_database_refuses_a_second_reversal(teacher):
    entry = award(teacher)
    hours_reverse(entry=entry, reason="错误", by=None)
    second = HoursEntry(
        teacher_id=teacher.pk, hours=-entry.hours, kind=entry.kind, year=entry.year,
        source_type=entry.source_type, idempotency_key="other", reverses=entry,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_the_database_refuses_negative_hours_that_reverse_nothing(teacher):
    negative = HoursEntry(
        teacher_id=teacher.pk, hours=Decimal("-3"), kind=HoursKind.ONLINE, year=2024,
        source_type=HoursSource.MANUAL, idempotency_key="negative",
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        negative.save()


def test_save_and_delete_refuse_changes(teacher):
    entry = award(teacher)
    entry.hours = Decimal(100)
    with pytest.raises(LedgerAppendOnlyError):
        entry.save()
    with pytest.raises(LedgerAppendOnlyError):
        entry.delete()
    assert HoursEntry.objects.get().hours == Decimal("12.5")


def test_the_database_refuses_update(teacher):
    award(teacher)
    with pytest.raises(DatabaseError), transaction.atomic():
        HoursEntry.objects.update(hours=Decimal(99))
    assert HoursEntry.objects.get().hours == Decimal("12.5")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's test flush needs DELETE")
def test_the_database_refuses_delete_on_postgresql(teacher):
    award(teacher)
    with pytest.raises(DatabaseError), transaction.atomic():
        HoursEntry.objects.all()._raw_delete(HoursEntry.objects.db)
    assert HoursEntry.objects.count() == 1
