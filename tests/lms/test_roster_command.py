"""manage.py import_roster: the same checks from the terminal, a printed report and an honest exit code."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lms.models import Role, RosterImportStatus, Teacher, RosterImport
from tests.factories import make_user
from tests.lms.roster_files import csv_bytes, roster_row, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]

A1_1 = "9901010001"
B1_1 = "9902010001"


def import_roster(*args: str) -> str:
    out = io.StringIO()
    call_command("import_roster", *args, stdout=out)
    return out.getvalue()


def write(tmp_path, rows, name="roster.csv") -> str:
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
    return str(path)


def test_a_good_file_is_imported_and_summarised(tmp_path, roster_county_admin):
    output = import_roster(write(tmp_path, [roster_row(school_code=A1_1) for _ in range(3)], "r.xlsx"), "--user", "county-a1")
    assert "new: 3" in output and "problems: 0" in output
    assert Teacher.objects.count() == 3
    assert RosterImport.objects.get().uploaded_by == roster_county_admin


def test_bad_rows_are_printed_and_exit_with_1(tmp_path, roster_county_admin):
    rows = [roster_row(school_code=A1_1), roster_row(school_code=B1_1), roster_row(school_code=A1_1, stage="大学")]
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_roster", write(tmp_path, rows), "--user", "county-a1", stdout=out)
    assert caught.value.returncode == 1
    printed = out.getvalue()
    assert "row 3 [学校代码]" in printed and "outside your jurisdiction" in printed
    assert "row 4 [学段]" in printed and "Unknown value" in printed
    assert "problems: 2" in printed
    assert Teacher.objects.count() == 0


def test_dry_run_writes_nothing(tmp_path, roster_county_admin):
    output = import_roster(write(tmp_path, [roster_row(school_code=A1_1)]), "--user", "county-a1", "--dry-run")
    assert "dry run" in output.lower()
    assert Teacher.objects.count() == 0
    assert RosterImport.objects.get().status == RosterImportStatus.CHECKED


def test_dry_run_of_a_bad_file_exits_with_1(tmp_path, roster_county_admin):
    with pytest.raises(CommandError) as caught:
        import_roster(write(tmp_path, [roster_row(school_code="nope")]), "--user", "county-a1", "--dry-run")
    assert caught.value.returncode == 1


def test_a_file_level_problem_exits_with_1(tmp_path, roster_county_admin):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError) as caught:
        import_roster(str(path), "--user", "county-a1")
    assert caught.value.returncode == 1 and "not an Excel workbook" in str(caught.value)
    with pytest.raises(CommandError):
        import_roster(str(tmp_path / "missing.csv"), "--user", "county-a1")


def test_the_acting_user_must_be_named_or_all_jurisdictions_asked_for(tmp_path, tree):
    path = write(tmp_path, [roster_row(school_code=B1_1)])
    with pytest.raises(CommandError, match="--user"):
        import_roster(path)
    with pytest.raises(CommandError, match="not both"):
        import_roster(path, "--user", "x", "--all-jurisdictions")
    with pytest.raises(CommandError, match="No user"):
        import_roster(path, "--user", "nobody")
    officer = make_user("officer", role=Role.PERSONNEL_OFFICER, organisation=tree.province)
    with pytest.raises(CommandError) as caught:
        import_roster(path, "--user", officer.username)
    assert caught.value.returncode == 1
    assert Teacher.objects.count() == 0

    output = import_roster(path, "--all-jurisdictions")
    assert "new: 1" in output
    assert Teacher.objects.get().school == tree.school_b1_1


def test_only_the_report_is_kept_after_a_command_line_import(tmp_path, roster_county_admin, settings):
    import_roster(write(tmp_path, [roster_row(school_code=A1_1) for _ in range(2)], "r.xlsx"), "--user", "county-a1")
    record = RosterImport.objects.get()
    assert [path.name for path in (settings.PRIVATE_ROOT / "roster").iterdir()] == [f"{record.pk}.report.csv"]
    assert (tmp_path / "r.xlsx").exists()  # the administrator's own file is theirs to keep


def test_an_all_jurisdictions_load_is_in_the_access_log_under_the_command(tmp_path, tree):
    import getpass

    from lms.models import AccessAction, AccessLog

    import_roster(write(tmp_path, [roster_row(school_code=B1_1), roster_row(school_code=A1_1)]), "--all-jurisdictions")
    entry = AccessLog.objects.get()
    assert (entry.action, entry.actor, entry.object_count, entry.subject) == (AccessAction.IMPORT, None, 2, "roster.csv")
    assert entry.actor_username == f"manage.py import_roster --all-jurisdictions ({getpass.getuser()})"

    import_roster(write(tmp_path, [roster_row(school_code=B1_1)], "dry.csv"), "--all-jurisdictions", "--dry-run")
    assert AccessLog.objects.count() == 1  # only a load that writes is logged, as for an administrator's
