"""The roster import service: a good file is written, a bad one changes nothing and says why, row by row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from wagtail.models import ModelLogEntry

from lms.crypto import decrypt_text
from lms.identity import id_number_hash
from lms.models import AccessAction, AccessLog, Role, RosterImport, RosterImportStatus, Teacher, TeacherPosting
from lms.roster import import_progress, report_lines, roster_import_create, roster_import_run, roster_private_path
from lms.roster import run as roster_run
from lms.roster.columns import TEMPLATE_HEADERS
from lms.roster.writer import RosterWriter
from lms.services.teachers import teacher_username
from lms.vocab import EmploymentStatus, SchoolStage, Subject, Title
from tests.factories import make_teacher, make_user, new_id_number
from tests.lms.roster_files import csv_bytes, male_id_number, roster_file, roster_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

A1_1 = "9901010001"  # 甲一县第一小学
A1_2 = "9901010002"  # 甲一县实验中学
A2_1 = "9901020001"  # 甲二区第一中学 (another county)
B1_1 = "9902010001"  # 乙一县第一小学 (another city)


@pytest.fixture(autouse=True)
def _english():
    """Messages in their English source form, whatever LANGUAGE_CODE says."""
    with translation.override("en"):
        yield


@pytest.fixture
def county_admin(tree):
    return make_user("county-a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


def run_import(user, file, *, dry_run: bool = False, chunk_rows: int = 2000) -> RosterImport:
    record = roster_import_create(uploader=user, upload=file, dry_run=dry_run)
    return roster_import_run(import_id=record.pk, chunk_rows=chunk_rows)


def written() -> tuple[int, int, int]:
    return Teacher.objects.count(), get_user_model().objects.count(), TeacherPosting.objects.count()


def report(record: RosterImport):
    return report_lines(roster_private_path(record.report_path))


def stored_files(settings) -> list:
    folder = settings.PRIVATE_ROOT / "roster"
    return sorted(folder.iterdir()) if folder.exists() else []


# --- a good file ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_good_file_creates_teachers_with_protected_id_numbers_and_postings(tree, county_admin, fmt):
    rows = [
        roster_row(school_code=A1_1, real_name="李明", gender="男", qualification_number="20101100000000001"),
        roster_row(school_code=A1_2, real_name="赵敏", stage="初中", subject="英语", title="一级教师"),
        roster_row(school_code=A1_1, real_name="孙丽", title="", title_conferred_on="", employment_status=""),
    ]
    rows[0]["id_number"] = male_id_number()
    record = run_import(county_admin, roster_file(rows, fmt=fmt))

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
    assert (posting.school_id, posting.ended_on, posting.recorded_by) == (tree.school_a1_1.pk, None, county_admin)


def test_a_workbook_is_imported_through_a_spool_that_is_deleted_afterwards(tree, county_admin, settings):
    rows = [roster_row(school_code=A1_1, **{"备注": "not ours"}) for _ in range(3)]  # a column we do not read
    header = [*TEMPLATE_HEADERS, "备注"]
    file = roster_file(rows, fmt="xlsx", header=header, formula=("P3", "stray"))  # and a cell beyond every column
    record = run_import(county_admin, file, chunk_rows=2)
    assert record.status == RosterImportStatus.DONE, record.message
    assert Teacher.objects.count() == 3
    assert [path.name for path in stored_files(settings) if path.name.endswith(".rows.csv")] == []


def test_success_is_in_the_wagtail_log_and_the_access_log(tree, county_admin):
    record = run_import(county_admin, roster_file([roster_row(school_code=A1_1) for _ in range(4)]))
    entry = ModelLogEntry.objects.get(action="lms.roster_import", object_id=str(record.pk))
    assert entry.user == county_admin
    assert entry.data["created"] == 4 and entry.data["rows"] == 4
    access = AccessLog.objects.get(action=AccessAction.IMPORT)
    assert (access.actor, access.object_count, access.subject) == (county_admin, 4, "roster.csv")


def test_reimporting_the_same_file_changes_nothing(tree, county_admin):
    content = xlsx_bytes([roster_row(school_code=A1_1), roster_row(school_code=A1_2)])
    run_import(county_admin, upload("roster.xlsx", content))
    before = list(Teacher.objects.order_by("pk").values())
    counts = written()

    again = run_import(county_admin, upload("roster.xlsx", content))

    assert again.status == RosterImportStatus.DONE
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert list(Teacher.objects.order_by("pk").values()) == before  # not even re-encrypted
    assert written() == counts


def test_an_updated_row_updates_the_teacher_without_a_duplicate(tree, county_admin):
    rows = [roster_row(school_code=A1_1, real_name="钱老师"), roster_row(school_code=A1_1)]
    run_import(county_admin, roster_file(rows))
    rows[0].update(real_name="钱新名", title="一级教师", title_conferred_on="2021-09-01", employment_status="休假")

    record = run_import(county_admin, roster_file(rows))

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


def test_a_changed_school_code_is_a_transfer_with_history(tree, county_admin):
    existing = make_teacher(school=tree.school_a1_1, real_name="周老师")
    row = roster_row(school_code=A1_2, real_name="周老师", id_number=decrypt_text(existing.id_number_encrypted))
    record = run_import(county_admin, roster_file([row, roster_row(school_code=A1_1)]), chunk_rows=1)

    assert record.status == RosterImportStatus.DONE, record.message
    assert (record.created_count, record.updated_count) == (1, 1)
    existing.refresh_from_db()
    assert existing.school == tree.school_a1_2
    history = list(TeacherPosting.objects.filter(teacher=existing).order_by("id"))
    assert [(p.school_id, p.ended_on is None) for p in history] == [(tree.school_a1_1.pk, False), (tree.school_a1_2.pk, True)]
    assert history[1].recorded_by == county_admin
    assert history[1].started_on == history[0].ended_on


def test_english_headers_and_values_are_accepted(tree, county_admin):
    header = ["name", "ID number", "school code", "stage", "subject", "title", "title date", "certificate number", "status"]
    rows = [
        {"name": "Li Lei", "ID number": new_id_number(), "school code": A1_1, "stage": "Primary school", "subject": "maths",
         "title": "Second-grade teacher", "title date": "2016/9/1", "certificate number": "", "status": "In post"}
    ]
    record = run_import(county_admin, roster_file(rows, header=header))
    assert record.status == RosterImportStatus.DONE, report(record)
    assert Teacher.objects.get().title_conferred_on == dt.date(2016, 9, 1)


def test_gb18030_and_plain_utf8_csv_are_read(tree, county_admin):
    for encoding in ("gb18030", "utf-8"):
        record = run_import(county_admin, roster_file([roster_row(school_code=A1_1, real_name="吴老师")], encoding=encoding))
        assert record.status == RosterImportStatus.DONE, record.message
    assert Teacher.objects.filter(real_name="吴老师").count() == 2


def test_dry_run_checks_and_writes_nothing(tree, county_admin):
    counts = written()
    record = run_import(county_admin, roster_file([roster_row(school_code=A1_1) for _ in range(3)]), dry_run=True)
    assert record.status == RosterImportStatus.CHECKED
    assert record.created_count == 3  # what it would do
    assert written() == counts
    assert not ModelLogEntry.objects.filter(action="lms.roster_import").exists()


# --- bad rows: each reported with row number and column, nothing written -------------------------------

BAD_CELLS = [
    ("id_number", "110105194912310021", "身份证号", "check character"),
    ("id_number", "11010519490231002X", "身份证号", "does not exist"),
    ("id_number", "1101051949123100", "身份证号", "18 characters"),
    ("id_number", "1.10105E+17", "身份证号", "dropped its last digits"),
    ("id_number", "", "身份证号", "required"),
    ("real_name", "", "姓名", "required"),
    ("gender", "女", "性别", "does not match"),
    ("gender", "未知", "性别", "Unknown value"),
    ("birth_date", "1970-01-01", "出生日期", "does not match"),
    ("school_code", "0000000000", "学校代码", "No school has this code"),
    ("school_code", "990101", "学校代码", "not a school"),
    ("school_code", A2_1, "学校代码", "outside your jurisdiction"),
    ("school_code", B1_1, "学校代码", "outside your jurisdiction"),
    ("stage", "大学", "学段", "Unknown value"),
    ("stage", "", "学段", "must not be empty"),
    ("subject", "炼丹", "学科", "Unknown value"),
    ("title", "特级", "职称", "Unknown value"),
    ("title_conferred_on", "2020-13-01", "职称取得日期", "Not a valid date"),
    ("title_conferred_on", "2999-01-01", "职称取得日期", "future"),
    ("qualification_number", "12345", "教师资格证书编号", "17 digits"),
    ("employment_status", "摸鱼", "任职状态", "Unknown value"),
]


@pytest.mark.parametrize(("key", "value", "column", "reason"), BAD_CELLS, ids=[f"{c[0]}={c[1]}" for c in BAD_CELLS])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_bad_cell_rejects_the_file_with_its_row_and_column(tree, county_admin, key, value, column, reason, fmt):
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_2), roster_row(school_code=A1_1)]
    if key == "gender":  # a male number, so 女 disagrees with it
        rows[2]["id_number"] = male_id_number()
    rows[2][key] = value
    counts = written()

    record = run_import(county_admin, roster_file(rows, fmt=fmt), chunk_rows=2)

    assert record.status == RosterImportStatus.REJECTED
    assert written() == counts
    lines = report(record)
    assert [(line.row, line.column) for line in lines] == [("4", column)]
    assert reason in lines[0].reason
    assert "nothing was written" in record.message


def test_duplicate_id_numbers_in_the_file_report_both_rows(tree, county_admin):
    same = new_id_number()
    rows = [roster_row(school_code=A1_1, id_number=same)] + [roster_row(school_code=A1_1) for _ in range(2)]
    rows.append(roster_row(school_code=A1_2, id_number=same))
    record = run_import(county_admin, roster_file(rows), chunk_rows=2)

    assert record.status == RosterImportStatus.REJECTED
    lines = sorted(report(record), key=lambda line: int(line.row))
    assert [(line.row, line.column) for line in lines] == [("2", "身份证号"), ("5", "身份证号")]
    assert "row 5" in lines[0].reason and "row 2" in lines[1].reason
    assert lines[0].value == same[:4] + "*" * 10 + same[-4:]  # masked in the report
    assert Teacher.objects.count() == 0


def test_the_report_never_shows_a_whole_id_number(tree, county_admin):
    bad = "110105194912310021"
    record = run_import(county_admin, roster_file([roster_row(school_code=A1_1, id_number=bad)]))
    path = roster_private_path(record.report_path)
    content = path.read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    assert bad.encode() not in content and b"1101**********0021" in content
    assert path.parent.name == "roster"


def test_a_teacher_at_a_school_outside_the_jurisdiction_cannot_be_moved_in(tree, county_admin):
    elsewhere = make_teacher(school=tree.school_b1_1)
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_1, id_number=decrypt_text(elsewhere.id_number_encrypted))]
    counts = written()

    record = run_import(county_admin, roster_file(rows))

    assert record.status == RosterImportStatus.REJECTED
    [line] = report(record)
    assert (line.row, line.column) == ("3", "身份证号")
    assert "outside your jurisdiction" in line.reason and "transfer" in line.reason
    assert written() == counts
    elsewhere.refresh_from_db()
    assert elsewhere.school == tree.school_b1_1


def test_a_city_administrator_covering_both_schools_may_transfer(tree):
    city_admin = make_user("city-a", role=Role.CITY_ADMIN, organisation=tree.city_a)
    teacher = make_teacher(school=tree.school_a2_1)
    row = roster_row(school_code=A1_1, id_number=decrypt_text(teacher.id_number_encrypted))
    record = run_import(city_admin, roster_file([row]))
    assert record.status == RosterImportStatus.DONE, report(record)
    teacher.refresh_from_db()
    assert teacher.school == tree.school_a1_1


def test_a_school_administrator_imports_only_into_their_school(tree):
    school_admin = make_user("school-a11", role=Role.SCHOOL_ADMIN, organisation=tree.school_a1_1)
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_2)]
    record = run_import(school_admin, roster_file(rows))
    assert record.status == RosterImportStatus.REJECTED
    assert [(line.row, line.column) for line in report(record)] == [("3", "学校代码")]
    assert Teacher.objects.count() == 0
    assert run_import(school_admin, roster_file(rows[:1])).status == RosterImportStatus.DONE


def test_a_certificate_number_held_by_another_teacher_is_refused(tree, county_admin):
    make_teacher(school=tree.school_a1_1, qualification_number="20101100000000555")
    rows = [
        roster_row(school_code=A1_1, qualification_number="20101100000000555"),
        roster_row(school_code=A1_1, qualification_number="20101100000000777"),
        roster_row(school_code=A1_2, qualification_number="20101100000000777"),
    ]
    record = run_import(county_admin, roster_file(rows), chunk_rows=2)
    lines = report(record)
    assert [(line.row, line.column) for line in lines] == [("2", "教师资格证书编号"), ("4", "教师资格证书编号")]
    assert "another teacher" in lines[0].reason
    assert "row 3" in lines[1].reason
    assert Teacher.objects.count() == 1


def test_a_bad_row_in_a_later_chunk_still_writes_nothing(tree, county_admin):
    rows = [roster_row(school_code=A1_1) for _ in range(9)] + [roster_row(school_code=B1_1)]
    record = run_import(county_admin, roster_file(rows), chunk_rows=3)
    assert record.status == RosterImportStatus.REJECTED
    assert [line.row for line in report(record)] == ["11"]
    assert written() == (0, 1, 0)  # only the administrator's own account


def test_row_numbers_are_spreadsheet_rows_even_with_blank_lines(tree, county_admin):
    content = csv_bytes([roster_row(school_code=A1_1), roster_row(school_code=A1_1, stage="大学")])
    lines = content.decode("utf-8-sig").split("\r\n")
    content = "\r\n".join([lines[0], lines[1], ",,,,,,,,,,", lines[2], ""]).encode("utf-8-sig")
    record = run_import(county_admin, upload("blank-line.csv", content))
    assert [(line.row, line.column) for line in report(record)] == [("4", "学段")]


def test_several_problems_in_one_row_are_all_reported(tree, county_admin):
    row = roster_row(school_code="nope", stage="大学", subject="", title_conferred_on="yesterday")
    record = run_import(county_admin, roster_file([row]))
    assert {line.column for line in report(record)} == {"学校代码", "学段", "学科", "职称取得日期"}
    assert record.error_count == 4


# --- file-level refusals: a clear message, nothing stored, nothing written ----------------------------


def _refused(user, file) -> str:
    with pytest.raises(ValidationError) as caught:
        roster_import_create(uploader=user, upload=file)
    return " ".join(caught.value.messages)


def test_missing_required_columns_are_named(tree, county_admin, settings):
    header = ["姓名", "身份证号", "学科", "职称", "职称取得日期", "教师资格证书编号", "任职状态"]
    message = _refused(county_admin, roster_file([roster_row(school_code=A1_1)], header=header))
    assert "学校代码" in message and "学段" in message and "missing" in message
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("roster.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not an Excel workbook"),
        ("roster.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "binary"),
        ("roster.csv", b"%PDF-1.4\n\xff\xfe\xfa\x00\x01", "neither UTF-8 nor GB18030"),
        ("roster.xlsx", b"PK\x03\x04 not really a zip", "not an Excel workbook"),
        ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Only .xlsx and .csv"),
        ("roster.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old .xls"),
        ("roster.txt", b"a,b,c\n", "Only .xlsx and .csv"),
        ("roster.csv", b"", "empty"),
        ("roster.csv", b"\n\n\n", "empty"),
    ],
)
def test_what_is_not_a_spreadsheet_is_refused(tree, county_admin, settings, name, content, expected):
    assert expected in _refused(county_admin, upload(name, content))
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


def test_a_word_document_renamed_xlsx_is_refused(tree, county_admin):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "not an Excel workbook" in _refused(county_admin, upload("letter.xlsx", buffer.getvalue()))


def test_header_only_is_refused(tree, county_admin):
    assert "no teacher rows" in _refused(county_admin, roster_file([]))
    assert "no teacher rows" in _refused(county_admin, roster_file([], fmt="xlsx"))


def test_a_file_over_the_limit_is_refused(tree, county_admin, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 1000
    file = roster_file([roster_row(school_code=A1_1) for _ in range(30)])
    assert file.size > 1000
    assert "too large" in _refused(county_admin, file)
    assert RosterImport.objects.count() == 0 and stored_files(settings) == []


def test_a_50_mb_file_is_refused_before_it_is_read(tree, county_admin, settings, monkeypatch):
    from lms.roster import upload as upload_module

    def must_not_read(*args, **kwargs):
        raise AssertionError("the content was read")

    monkeypatch.setattr(upload_module, "check_content", must_not_read)
    monkeypatch.setattr(upload_module, "open_roster", must_not_read)
    big = upload("big.csv", b"x" * (50 * 1024 * 1024))
    message = _refused(county_admin, big).replace("\xa0", " ")
    assert "too large" in message and "50.0 MB" in message and "20.0 MB" in message
    assert stored_files(settings) == []


def test_a_workbook_with_two_sheets_is_refused(tree, county_admin):
    file = roster_file([roster_row(school_code=A1_1)], fmt="xlsx", extra_sheets=1)
    assert "only one worksheet" in _refused(county_admin, file)


def test_a_workbook_with_a_formula_is_refused_naming_the_cell(tree, county_admin):
    file = roster_file([roster_row(school_code=A1_1), roster_row(school_code=A1_1)], fmt="xlsx", formula=("A3", "=B2"))
    message = _refused(county_admin, file)
    assert "formula" in message and "A3" in message


def test_a_formula_far_down_the_sheet_rejects_the_import(tree, county_admin, settings):
    rows = [roster_row(school_code=A1_1) for _ in range(6)]
    record = roster_import_create(uploader=county_admin, upload=roster_file(rows, fmt="xlsx"))
    path = roster_private_path(record.stored_path)
    path.write_bytes(xlsx_bytes(rows, formula=("E7", "=E2")))  # beyond what the upload check looked at
    record = roster_import_run(import_id=record.pk, chunk_rows=2)
    assert record.status == RosterImportStatus.REJECTED
    assert "E7" in record.message
    assert Teacher.objects.count() == 0


def test_only_roster_managers_may_create_an_import(tree):
    officer = make_user("personnel", role=Role.PERSONNEL_OFFICER, organisation=tree.city_a)
    with pytest.raises(PermissionDenied):
        roster_import_create(uploader=officer, upload=roster_file([roster_row(school_code=A1_1)]))


# --- all or nothing, under failure and change ---------------------------------------------------------


def test_an_error_while_writing_rolls_everything_back(tree, county_admin, monkeypatch):
    original = RosterWriter.write_chunk
    calls = {"n": 0}

    def fail_on_second_chunk(self, chunk):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk on fire")
        return original(self, chunk)

    monkeypatch.setattr(RosterWriter, "write_chunk", fail_on_second_chunk)
    counts = written()
    record = run_import(county_admin, roster_file([roster_row(school_code=A1_1) for _ in range(4)]), chunk_rows=2)
    assert record.status == RosterImportStatus.FAILED
    assert "nothing was written" in record.message
    assert written() == counts
    assert not AccessLog.objects.filter(action=AccessAction.IMPORT).exists()


def test_records_changed_between_check_and_write_stop_the_import(tree, county_admin, monkeypatch):
    rows = [roster_row(school_code=A1_1, qualification_number="20101100000000999"), roster_row(school_code=A1_1)]
    original = roster_run.RosterImportRun.check

    def check_then_someone_else_writes(self, report_writer):
        outcome = original(self, report_writer)
        make_teacher(school=tree.school_b1_1, qualification_number="20101100000000999")
        return outcome

    monkeypatch.setattr(roster_run.RosterImportRun, "check", check_then_someone_else_writes)
    record = run_import(county_admin, roster_file(rows))
    assert record.status == RosterImportStatus.FAILED
    assert "changed while" in record.message
    assert Teacher.objects.count() == 1  # only the other administrator's teacher


def test_a_teacher_changed_by_someone_else_after_the_check_stops_the_import(tree, county_admin, monkeypatch):
    teacher = make_teacher(school=tree.school_a1_1, real_name="郑老师")
    rows = [roster_row(school_code=A1_1, real_name="郑新名", id_number=decrypt_text(teacher.id_number_encrypted))]
    original = RosterWriter.write_chunk

    def someone_else_edits_then_write(self, chunk):
        Teacher.objects.filter(pk=teacher.pk).update(title=Title.FIRST)  # between reading and locking
        return original(self, chunk)

    monkeypatch.setattr(RosterWriter, "write_chunk", someone_else_edits_then_write)
    record = run_import(county_admin, roster_file(rows + [roster_row(school_code=A1_1)]))
    assert record.status == RosterImportStatus.FAILED and "changed while" in record.message
    teacher.refresh_from_db()
    assert (teacher.real_name, Teacher.objects.count()) == ("郑老师", 1)


def test_progress_is_visible_in_the_cache_while_the_write_transaction_is_open(tree, county_admin, monkeypatch):
    seen = []
    original = RosterWriter.write_chunk

    def spy(self, chunk):
        result = original(self, chunk)
        record = RosterImport.objects.get()
        seen.append(import_progress(record))
        return result

    monkeypatch.setattr(RosterWriter, "write_chunk", spy)
    run_import(county_admin, roster_file([roster_row(school_code=A1_1) for _ in range(6)]), chunk_rows=2)
    assert [p.phase for p in seen] == ["writing"] * 3
    assert [p.processed for p in seen] == [0, 2, 4]  # each seen before its own chunk is counted
    assert seen[0].total == 6 and 50 <= seen[-1].percent < 100
    final = import_progress(RosterImport.objects.get())
    assert (final.phase, final.percent, final.counts["created"]) == ("finished", 100, 6)


def test_an_uploader_who_lost_the_role_before_the_run_writes_nothing(tree, county_admin):
    from lms.services import role_revoke

    record = roster_import_create(uploader=county_admin, upload=roster_file([roster_row(school_code=A1_1)]))
    role_revoke(grant=county_admin.role_grants.get())
    record = roster_import_run(import_id=record.pk)
    assert record.status == RosterImportStatus.FAILED and "no longer" in record.message
    assert Teacher.objects.count() == 0


def test_a_task_delivered_twice_runs_once(tree, county_admin):
    record = roster_import_create(uploader=county_admin, upload=roster_file([roster_row(school_code=A1_1)]))
    roster_import_run(import_id=record.pk)
    again = roster_import_run(import_id=record.pk)
    assert again.status == RosterImportStatus.DONE and again.created_count == 1
    assert Teacher.objects.count() == 1
