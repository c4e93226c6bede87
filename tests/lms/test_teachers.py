"""Teacher records: protected ID numbers, derived birth dates, postings, the explicit reveal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from lms.idcard import make_id_number
from lms.identity import id_number_hash
from lms.models import AccessLog, Role, Teacher, TeacherPosting
from lms.services import TeacherInput, teacher_create, teacher_id_number_reveal, teacher_transfer, teacher_update
from lms.vocab import SchoolStage, Subject
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db

NUMBER = make_id_number("110105", dt.date(1988, 6, 30), 123)


def _input(school, **overrides):
    fields = dict(real_name="周敏", id_number=NUMBER, school=school, stage=SchoolStage.JUNIOR, subject=Subject.ENGLISH)
    fields.update(overrides)
    return TeacherInput(**fields)


def test_id_number_is_stored_encrypted_found_by_hash_and_masked(tree):
    teacher = teacher_create(data=_input(tree.school_a1_1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_encrypted, id_number_masked FROM lms_teacher WHERE id = %s", [teacher.pk])
        encrypted, masked = cursor.fetchone()
    assert NUMBER not in encrypted
    assert masked == NUMBER[:4] + "*" * 10 + NUMBER[-4:]
    assert Teacher.objects.get(id_number_hash=id_number_hash(NUMBER)) == teacher
    assert teacher.birth_date == dt.date(1988, 6, 30)
    assert teacher.gender == "M"  # sequence 123 is odd
    assert str(teacher).endswith(f"（{masked}）")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")}, "校验位"),
        ({"id_number": "110105198802300011"}, "出生日期"),
        ({"birth_date": dt.date(1988, 7, 1)}, "出生日期与身份证号不符"),
        ({"gender": "F"}, "性别与身份证号不符"),
        ({"real_name": "x"}, "姓名"),
    ],
)
def test_bad_identity_is_refused_and_nothing_written(tree, overrides, message):
    with pytest.raises(ValidationError, match=message):
        teacher_create(data=_input(tree.school_a1_1, **overrides))
    assert Teacher.objects.count() == 0


def test_same_id_number_twice_is_refused(tree):
    teacher_create(data=_input(tree.school_a1_1))
    with pytest.raises(ValidationError):
        teacher_create(data=_input(tree.school_a1_2, real_name="周敏二"))
    assert Teacher.objects.count() == 1


def test_transfer_keeps_posting_history(tree):
    teacher = teacher_create(data=_input(tree.school_a1_1), started_on=dt.date(2015, 9, 1))
    teacher_transfer(teacher=teacher, school=tree.school_b1_1, on=dt.date(2024, 9, 1), note="交流轮岗")
    postings = list(TeacherPosting.objects.filter(teacher=teacher).order_by("started_on"))
    assert [(p.school.code, p.started_on, p.ended_on) for p in postings] == [
        ("9901010001", dt.date(2015, 9, 1), dt.date(2024, 9, 1)),
        ("9902010001", dt.date(2024, 9, 1), None),
    ]
    teacher.refresh_from_db()
    assert teacher.school == tree.school_b1_1


def test_update_with_a_new_school_is_a_transfer(tree):
    teacher = teacher_create(data=_input(tree.school_a1_1))
    teacher_update(teacher=teacher, data=_input(tree.school_a1_2, subject=Subject.MATHS))
    teacher.refresh_from_db()
    assert (teacher.school, teacher.subject) == (tree.school_a1_2, Subject.MATHS)
    assert teacher.postings.count() == 2


def test_reveal_needs_a_reason_scope_and_is_logged(tree):
    teacher = teacher_create(data=_input(tree.school_a1_1))
    admin = make_user("county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    outsider = make_user("other", role=Role.COUNTY_ADMIN, organisation=tree.county_b1)
    with pytest.raises(ValidationError):
        teacher_id_number_reveal(actor=admin, teacher=teacher, reason="")
    with pytest.raises(PermissionDenied):
        teacher_id_number_reveal(actor=outsider, teacher=teacher, reason="核对职称材料")
    assert AccessLog.objects.count() == 0
    assert teacher_id_number_reveal(actor=admin, teacher=teacher, reason="核对职称材料") == NUMBER
    entry = AccessLog.objects.get()
    assert (entry.actor_username, entry.action, entry.teacher_id_ref, entry.reason) == (
        "county",
        "reveal",
        teacher.pk,
        "核对职称材料",
    )


def test_access_log_is_append_only(tree):
    teacher = make_teacher(school=tree.school_a1_1)
    admin = make_user("county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    teacher_id_number_reveal(actor=admin, teacher=teacher, reason="核对材料")
    entry = AccessLog.objects.get()
    entry.reason = "改写"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(reason="改写")
    assert AccessLog.objects.get().reason == "核对材料"


def test_command_line_access_is_logged_under_its_label_and_an_anonymous_entry_is_refused(tree):
    from lms.services import access_log_record

    access_log_record(actor=None, action="import", object_count=10, actor_label="manage.py import_roster")
    assert AccessLog.objects.get().actor_username == "manage.py import_roster"
    with pytest.raises(ValueError):
        access_log_record(actor=None, action="import")
    assert AccessLog.objects.count() == 1
