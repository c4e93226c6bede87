"""教师资格证书编号 are unique: the database refuses a number held twice, the roster import turns a
number taken meanwhile into a clean failure, and the synthetic data never repeats one."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lms.crypto import decrypt_text
from lms.identity import id_number_hash
from lms.models import Organisation, OrganisationKind, Role, RosterImportStatus, Teacher
from lms.roster.writer import RosterWriter
from lms.services import organisation_create
from lms.synthetic.demo import demo_teacher_input, seed_demo
from lms.synthetic.people import QUALIFICATION_SERIALS, qualification_number
from lms.synthetic.rows import BlockTask, Segment, build_block
from lms.teacher_checks import check_qualification_number
from tests.factories import build_tree, make_teacher, make_user
from tests.lms.roster_files import A1_1, roster_file, roster_row, run_import, written

pytestmark = pytest.mark.usefixtures("english_messages")

NUMBER = "20101100000000777"


# --- the database ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_database_refuses_a_certificate_number_held_twice_but_not_two_blanks(tree):
    make_teacher(school=tree.school_a1_1, qualification_number=NUMBER)
    make_teacher(school=tree.school_a1_1, qualification_number="")
    other = make_teacher(school=tree.school_a1_2, qualification_number="")
    with pytest.raises(ValidationError, match="unique_qualification_number"):  # the model's own check
        make_teacher(school=tree.school_a1_2, qualification_number=NUMBER)
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database's, under any check
        Teacher.objects.filter(pk=other.pk).update(qualification_number=NUMBER)
    assert Teacher.objects.filter(qualification_number=NUMBER).count() == 1


# --- the roster import -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["a new teacher", "a teacher whose number changes"])
def test_a_number_taken_between_check_and_write_fails_the_import_and_writes_nothing(
    tree, roster_county_admin, monkeypatch, who
):
    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    if who == "a teacher whose number changes":
        existing = make_teacher(school=tree.school_a1_1, qualification_number="")
        rows[1]["id_number"] = decrypt_text(existing.id_number_encrypted)
    rows[1]["qualification_number"] = NUMBER
    original = RosterWriter.write_chunk

    def someone_takes_the_number_then_write(self, chunk):
        # After this chunk passed its second check: as if another administrator's save came in between.
        make_teacher(school=tree.school_a1_2, qualification_number=NUMBER)
        return original(self, chunk)

    monkeypatch.setattr(RosterWriter, "write_chunk", someone_takes_the_number_then_write)
    counts = written()
    record = run_import(roster_county_admin, roster_file(rows))

    assert record.status == RosterImportStatus.FAILED
    assert "changed while" in record.message and "same certificate number" in record.message
    assert "nothing was written" in record.message
    assert written() == counts  # the other teacher was inside the rolled-back transaction here
    assert (record.created_count, record.updated_count) == (0, 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second connection writing mid-transaction")
def test_a_number_committed_by_another_connection_meanwhile_fails_the_import(monkeypatch, settings, tmp_path):
    tree = build_tree()
    admin = make_user("county-a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    rows[2]["qualification_number"] = NUMBER
    original = RosterWriter.write_chunk

    def another_administrator():
        try:
            make_teacher(school=tree.school_a1_2, real_name="别人", qualification_number=NUMBER)
        finally:
            connection.close()

    def commit_elsewhere_then_write(self, chunk):
        other = threading.Thread(target=another_administrator)
        other.start()
        other.join()
        return original(self, chunk)

    monkeypatch.setattr(RosterWriter, "write_chunk", commit_elsewhere_then_write)
    record = run_import(admin, roster_file(rows))

    assert record.status == RosterImportStatus.FAILED, record.message
    assert "same certificate number" in record.message and "nothing was written" in record.message
    assert list(Teacher.objects.values_list("real_name", flat=True)) == ["别人"]


# --- synthetic data --------------------------------------------------------------------------------


def test_synthetic_certificate_numbers_differ_for_different_serials():
    serials = [0, 1, 999_999, 1_000_000, 1_000_001, 2_000_001, 8_999_999, 9_000_000, QUALIFICATION_SERIALS - 1]
    common = {"birth_date": dt.date(1966, 5, 1), "area_code": "980101", "stage": "primary", "gender": "M"}
    numbers = [qualification_number(serial=serial, **common) for serial in serials]
    assert len(set(numbers)) == len(serials)
    assert all(check_qualification_number(number) == number for number in numbers)
    for serial in (-1, QUALIFICATION_SERIALS):
        with pytest.raises(ValueError):
            qualification_number(serial=serial, **common)


def test_generated_teachers_a_million_apart_do_not_share_certificate_numbers():
    # Teacher i and teacher i + 1,000,000 of one county, both born before 1968 (the issue year is
    # clamped to 1990 for them), used to get the very same number.
    now = timezone.now()

    def block(start: int) -> list[str]:
        task = BlockTask(
            number=start // 10_000, start=start, segments=(Segment(1, "980101", "primary", 4_000),), seed=1,
            user_base=1, teacher_base=1, posting_base=1, now=now, today=now.date(),
        )
        return [row[13] for row in build_block(task).teachers if row[13]]

    numbers = block(0) + block(1_000_000) + block(2_000_000)
    assert len(numbers) > 6_000
    assert len(set(numbers)) == len(numbers)


@pytest.mark.django_db
def test_seed_demo_leaves_out_a_certificate_number_someone_else_already_holds():
    first_school = Organisation(code="9901010001")  # where seed_demo puts its first teachers
    today = timezone.localdate()
    data = next(
        data for n in range(10) if (data := demo_teacher_input(n, first_school, today)[0]).qualification_number
    )
    taken = data.qualification_number
    province = organisation_create(parent=None, kind=OrganisationKind.PROVINCE, code="970000", name="别省")
    city = organisation_create(parent=province, kind=OrganisationKind.CITY, code="970100", name="别市")
    county = organisation_create(parent=city, kind=OrganisationKind.COUNTY, code="970101", name="别县")
    school = organisation_create(parent=county, kind=OrganisationKind.SCHOOL, code="9701010001", name="别校")
    holder = make_teacher(school=school, qualification_number=taken)

    seed_demo()

    demo_teacher = Teacher.objects.get(id_number_hash=id_number_hash(data.id_number))
    assert demo_teacher.qualification_number == ""
    assert Teacher.objects.get(qualification_number=taken) == holder
    numbers = [n for n in Teacher.objects.values_list("qualification_number", flat=True) if n]
    assert len(numbers) == len(set(numbers)) > 100
