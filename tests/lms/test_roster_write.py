"""Writing a checked roster: new teachers, updates, transfers and re-imports, all or nothing under failure and change."""

from __future__ import annotations

import datetime as dt

import pytest
from wagtail.models import ModelLogEntry

from lms.crypto import decrypt_text
from lms.identity import id_number_hash
from lms.models import AccessAction, AccessLog, Role, RosterImport, RosterImportStatus, Teacher, TeacherPosting
from lms.roster import import_progress, roster_import_create, roster_import_run
from lms.roster import run as roster_run
from lms.roster.columns import TEMPLATE_HEADERS
from lms.roster.writer import RosterWriter
from lms.services.teachers import teacher_username
from lms.vocab import EmploymentStatus, SchoolStage, Subject, Title
from tests.factories import make_teacher, make_user
from tests.lms.roster_files import (
    A1_1,
    A1_2,
    male_id_number,
    report,
    roster_file,
    roster_row,
    run_import,
    stored_files,
    upload,
    written,
    xlsx_bytes,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


# --- a good file ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_file_creates_teachers_with_protected_id_numbers_and_postings(tree, roster_county_admin, fmt):
    rows = [
        roster_row(school_code=A1_1, real_name="李明", gender="男", qualification_number="20101100000000001"),
        roster_row(school_code=A1_2, real_name="赵敏", stage="初中", subject="英语", title="一级教师"),
        roster_row(school_code=A1_1, real_name="孙丽", title="", title_conferred_on="", employment_status=""),
    ]
    rows[0]["id_number"] = male_id_number()
    record = run_import(roster_county_admin, roster_file(rows, fmt=fmt))

    assert record.status == RosterImportStatus.DONE, record.message
    assert (record.total_rows, record.created_count, record.updated_count, record.unchanged_count) == (3, 3, 0, 0)
    assert record.error_count == 0
    teacher = Teacher.objects.select_related("user", "school").get(id_number_hash=id_number_hash(rows[0]["id_number"]))
    assert decrypt_text(teacher.id_number_encrypted) == rows[0]["id_number"]
    assert teacher.id_number_masked == rows[0]["id_number"][:4] + "*" * 10 + rows[0]["id_number"][-4:]
    assert rows[0]["id_number"] not in teacher.id_number_encrypted
    assert teacher.user.username == teacher_username(teacher.id_number_hash)
    assert not teacher.user.has_usable_password()
    assert (teacher.real_name, teacher.school.code, teacher.stage, teacher.subject) == (
        "李明",
        A1_1,
        SchoolStage.PRIMARY,
        Subject.MATHS,
    )
    assert teacher.qualification_number == "20101100000000001"
    second = Teacher.objects.get(real_name="赵敏")
    assert (second.stage, second.subject, second.title) == (SchoolStage.JUNIOR, Subject.ENGLISH, Title.FIRST)
    third = Teacher.objects.get(real_name="孙丽")
    assert (third.title, third.title_conferred_on, third.employment_status) == (Title.NONE, None, EmploymentStatus.ACTIVE)
    posting = TeacherPosting.objects.get(teacher=teacher)
    assert (posting.school_id, posting.ended_on, posting.recorded_by) == (tree.school_a1_1.pk, None, roster_county_admin)


def test_a_workbook_is_imported_through_a_spool_that_is_deleted_afterwards(tree, roster_county_admin, settings):
    rows = [roster_row(school_code=A1_1, **{"备注": "not ours"}) for _ in range(3)]  # a column we do not read
    header = [*TEMPLATE_HEADERS, "备注"]
    file = roster_file(rows, fmt="xlsx", header=header, formula=("P3", "stray"))  # and a cell beyond every column
    record = run_import(roster_county_admin, file, chunk_rows=2)
    assert record.status == RosterImportStatus.DONE, record.message
    assert Teacher.objects.count() == 3
    assert [path.name for path in stored_files(settings) if path.name.endswith(".rows.csv")] == []


def test_success_is_in_the_wagtail_log_and_the_access_log(tree, roster_county_admin):
    record = run_import(roster_county_admin, roster_file([roster_row(school_code=A1_1) for _ in range(4)]))
    entry = ModelLogEntry.objects.get(action="lms.roster_import", object_id=str(record.pk))
    assert entry.user == roster_county_admin
    assert entry.data["created"] == 4 and entry.data["rows"] == 4
    access = AccessLog.objects.get(action=AccessAction.IMPORT)
    assert (access.actor, access.object_count, access.subject) == (roster_county_admin, 4, "roster.csv")


def test_dry_run_checks_and_writes_nothing(tree, roster_county_admin):
    counts = written()
    record = run_import(roster_county_admin, roster_file([roster_row(school_code=A1_1) for _ in range(3)]), dry_run=True)
    assert record.status == RosterImportStatus.CHECKED
    assert record.created_count == 3  # what it would do
    assert written() == counts
    assert not ModelLogEntry.objects.filter(action="lms.roster_import").exists()


# --- re-imports, updates and transfers ------------------------------------------------------------


def test_reimporting_the_same_file_changes_nothing(tree, roster_county_admin):
    content = xlsx_bytes([roster_row(school_code=A1_1), roster_row(school_code=A1_2)])
    run_import(roster_county_admin, upload("roster.xlsx", content))
    before = list(Teacher.objects.order_by("pk").values())
    counts = written()

    again = run_import(roster_county_admin, upload("roster.xlsx", content))

    assert again.status == RosterImportStatus.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert list(Teacher.objects.order_by("pk").values()) == before  # not even re-encrypted
    assert written() == counts


def test_an_updated_row_updates_the_teacher_without_a_duplicate(tree, roster_county_admin):
    rows = [roster_row(school_code=A1_1, real_name="钱老师"), roster_row(school_code=A1_1)]
    run_import(roster_county_admin, roster_file(rows))
    rows[0].update(real_name="钱新名", title="一级教师", title_conferred_on="2021-09-01", employment_status="休假")

    record = run_import(roster_county_admin, roster_file(rows))

    assert (record.created_count, record.updated_count, record.unchanged_count) == (0, 1, 1)
    teacher = Teacher.objects.get(id_number_hash=id_number_hash(rows[0]["id_number"]))
    assert (teacher.real_name, teacher.title, teacher.title_conferred_on, teacher.employment_status) == (
        "钱新名",
        Title.FIRST,
        dt.date(2021, 9, 1),
        EmploymentStatus.LEAVE,
    )
    assert Teacher.objects.count() == 2
    assert TeacherPosting.objects.filter(teacher=teacher).count() == 1


def test_a_changed_school_code_is_a_transfer_with_history(tree, roster_county_admin):
    existing = make_teacher(school=tree.school_a1_1, real_name="周老师")
    row = roster_row(school_code=A1_2, real_name="周老师", id_number=decrypt_text(existing.id_number_encrypted))
    record = run_import(roster_county_admin, roster_file([row, roster_row(school_code=A1_1)]), chunk_rows=1)

    assert record.status == RosterImportStatus.DONE, record.message
    assert (record.created_count, record.updated_count) == (1, 1)
    existing.refresh_from_db()
    assert existing.school == tree.school_a1_2
    history = list(TeacherPosting.objects.filter(teacher=existing).order_by("id"))
    assert [(p.school_id, p.ended_on is None) for p in history] == [(tree.school_a1_1.pk, False), (tree.school_a1_2.pk, True)]
    assert history[1].recorded_by == roster_county_admin
    assert history[1].started_on == history[0].ended_on


def test_a_city_administrator_covering_both_schools_may_transfer(tree):
    city_admin = make_user("city-a", role=Role.CITY_ADMIN, organisation=tree.city_a)
    teacher = make_teacher(school=tree.school_a2_1)
    row = roster_row(school_code=A1_1, id_number=decrypt_text(teacher.id_number_encrypted))
    record = run_import(city_admin, roster_file([row]))
    assert record.status == RosterImportStatus.DONE, report(record)
    teacher.refresh_from_db()
    assert teacher.school == tree.school_a1_1


# --- all or nothing, under failure and change -----------------------------------------------------


def test_an_error_while_writing_rolls_everything_back(tree, roster_county_admin, monkeypatch):
    original = RosterWriter.write_chunk
    calls = {"n": 0}

    def fail_on_second_chunk(self, chunk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return original(self, chunk)

    monkeypatch.setattr(RosterWriter, "write_chunk", fail_on_second_chunk)
    counts = written()
    record = run_import(roster_county_admin, roster_file([roster_row(school_code=A1_1) for _ in range(4)]), chunk_rows=2)
    assert record.status == RosterImportStatus.FAILED
    assert "nothing was written" in record.message
    assert written() == counts
    assert not AccessLog.objects.filter(action=AccessAction.IMPORT).exists()


def test_records_changed_between_check_and_write_stop_the_import(tree, roster_county_admin, monkeypatch):
    rows = [roster_row(school_code=A1_1, qualification_number="20101100000000999"), roster_row(school_code=A1_1)]
    original = roster_run.RosterImportRun.check

    def check_then_someone_else_writes(self, report_writer):
        outcome = original(self, report_writer)
        make_teacher(school=tree.school_b1_1, qualification_number="20101100000000999")
        return outcome

    monkeypatch.setattr(roster_run.RosterImportRun, "check", check_then_someone_else_writes)
    record = run_import(roster_county_admin, roster_file(rows))
    assert record.status == RosterImportStatus.FAILED
    assert "changed while" in record.message
    assert Teacher.objects.count() == 1  # only the other administrator's teacher


def test_a_teacher_changed_by_someone_else_after_the_check_stops_the_import(tree, roster_county_admin, monkeypatch):
    teacher = make_teacher(school=tree.school_a1_1, real_name="郑老师")
    rows = [roster_row(school_code=A1_1, real_name="郑新名", id_number=decrypt_text(teacher.id_number_encrypted))]
    original = RosterWriter.write_chunk

    def someone_else_edits_then_write(self, chunk):
        Teacher.objects.filter(pk=teacher.pk).update(title=Title.FIRST)  # between reading and locking
        return original(self, chunk)

    monkeypatch.setattr(RosterWriter, "write_chunk", someone_else_edits_then_write)
    record = run_import(roster_county_admin, roster_file(rows + [roster_row(school_code=A1_1)]))
    assert record.status == RosterImportStatus.FAILED and "changed while" in record.message
    teacher.refresh_from_db()
    assert (teacher.real_name, Teacher.objects.count()) == ("郑老师", 1)


def test_progress_is_visible_in_the_cache_while_the_write_transaction_is_open(tree, roster_county_admin, monkeypatch):
    seen = []
    original = RosterWriter.write_chunk

    def spy(self, chunk):
        result = original(self, chunk)
        record = RosterImport.objects.get()
        seen.append(import_progress(record))
        return result

    monkeypatch.setattr(RosterWriter, "write_chunk", spy)
    run_import(roster_county_admin, roster_file([roster_row(school_code=A1_1) for _ in range(6)]), chunk_rows=2)
    assert [p.phase for p in seen] == ["writing"] * 3
    assert [p.processed for p in seen] == [0, 2, 4]  # each seen before its own chunk is counted
    assert seen[0].total == 6 and 50 <= seen[-1].percent < 100
    final = import_progress(RosterImport.objects.get())
    assert (final.phase, final.percent, final.counts["created"]) == ("finished", 100, 6)


def test_an_uploader_who_lost_the_role_before_the_run_writes_nothing(tree, roster_county_admin):
    from lms.services import role_revoke

    record = roster_import_create(uploader=roster_county_admin, upload=roster_file([roster_row(school_code=A1_1)]))
    role_revoke(grant=roster_county_admin.role_grants.get())
    record = roster_import_run(import_id=record.pk)
    assert record.status == RosterImportStatus.FAILED and "no longer" in record.message
    assert Teacher.objects.count() == 0


def test_a_task_delivered_twice_runs_once(tree, roster_county_admin):
    record = roster_import_create(uploader=roster_county_admin, upload=roster_file([roster_row(school_code=A1_1)]))
    roster_import_run(import_id=record.pk)
    again = roster_import_run(import_id=record.pk)
    assert again.status == RosterImportStatus.DONE and again.created_count == 1
    assert Teacher.objects.count() == 1


def test_both_passes_share_the_id_number_checks(tree, roster_county_admin, monkeypatch):
    # Parsing and hashing 100,000 ID numbers is a third of a pass's row checks: the second pass reuses them.
    from lms.roster import fields

    seen = []
    original = fields.check_id_number

    def counted(raw):
        seen.append(raw)
        return original(raw)

    monkeypatch.setattr(fields, "check_id_number", counted)
    rows = [roster_row(school_code=A1_1) for _ in range(5)]
    record = run_import(roster_county_admin, roster_file(rows), chunk_rows=2)
    assert record.status == RosterImportStatus.DONE and Teacher.objects.count() == 5
    assert sorted(seen) == sorted(row["id_number"] for row in rows)  # once each, not once per pass


def test_the_second_pass_looks_up_only_the_teachers_the_first_found(tree, roster_county_admin, monkeypatch):
    from lms.roster import checks

    existing = make_teacher(school=tree.school_a1_1, real_name="老教师")
    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    rows.append(roster_row(school_code=A1_1, real_name="老教师", id_number=decrypt_text(existing.id_number_encrypted)))
    looked_up = []
    original = checks.existing_teachers

    def spy(hashes):
        looked_up.append(len(hashes))
        return original(hashes)

    monkeypatch.setattr(checks, "existing_teachers", spy)
    record = run_import(roster_county_admin, roster_file(rows), chunk_rows=10)
    assert record.status == RosterImportStatus.DONE and (record.created_count, record.unchanged_count) == (3, 1)
    assert looked_up == [4, 1]  # pass 1 every row; pass 2 only the one already stored


def test_a_teacher_registered_by_someone_else_between_the_passes_stops_the_import(tree, roster_county_admin, monkeypatch):
    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    original = roster_run.RosterImportRun.check

    def check_then_someone_registers_row_3(self, report_writer):
        outcome = original(self, report_writer)
        make_teacher(school=tree.school_a1_2, real_name="别人登记", id_number=rows[1]["id_number"])
        return outcome

    monkeypatch.setattr(roster_run.RosterImportRun, "check", check_then_someone_registers_row_3)
    record = run_import(roster_county_admin, roster_file(rows))
    assert record.status == RosterImportStatus.FAILED
    assert "changed while" in record.message and "added the same teacher" in record.message
    assert list(Teacher.objects.values_list("real_name", flat=True)) == ["别人登记"]
