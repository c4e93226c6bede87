"""The roster pages as an administrator uses them: upload, follow the progress, download the report."""

from __future__ import annotations

import csv
import io
import os
import time
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from lms.models import Role, RosterImport, RosterImportStatus, Teacher
from lms.roster.columns import TEMPLATE_HEADERS
from lms.roster.progress import WRITING, Progress, progress_save
from tests.factories import build_tree, make_user
from tests.lms.roster_files import male_id_number, roster_file, roster_row, upload, xlsx_bytes

A1_1 = "9901010001"
B1_1 = "9902010001"


pytestmark = pytest.mark.django_db


def login(client, user):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(user)
    return client


@pytest.fixture
def county_admin(tree):
    return make_user("county-a1", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


@pytest.fixture
def admin_client(client, county_admin):
    return login(client, county_admin)


def post_roster(client, file, django_capture_on_commit_callbacks, **extra):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("lms:roster_upload"), {"file": file, **extra})


def import_urls(record: RosterImport) -> dict[str, str]:
    return {
        name: reverse(f"lms:{name}", kwargs={"import_id": record.pk})
        for name in ("roster_status", "roster_progress", "roster_report")
    }


# --- who may use the pages -------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, tree):
    response = client.get(reverse("lms:roster_upload"))
    assert response.status_code == 302 and reverse("lms:login") in response["Location"]


@pytest.mark.parametrize("role", [Role.TEACHER, Role.PERSONNEL_OFFICER])
def test_teachers_and_personnel_officers_get_403(client, tree, county_admin, role, django_capture_on_commit_callbacks):
    someone_elses = _imported(client, county_admin, django_capture_on_commit_callbacks)
    organisation = tree.school_a1_1 if role == Role.TEACHER else tree.county_a1
    login(client, make_user(f"user-{role}", role=role, organisation=organisation))
    assert client.get(reverse("lms:roster_upload")).status_code == 403
    file = roster_file([roster_row(school_code=A1_1)])
    assert client.post(reverse("lms:roster_upload"), {"file": file}).status_code == 403
    assert client.get(reverse("lms:roster_template", kwargs={"fmt": "xlsx"})).status_code == 403
    for url in import_urls(someone_elses).values():
        assert client.get(url).status_code == 403
    assert RosterImport.objects.count() == 1 and Teacher.objects.count() == 1


def _imported(client, user, capture) -> RosterImport:
    login(client, user)
    post_roster(client, roster_file([roster_row(school_code=A1_1)]), capture)
    client.logout()
    return RosterImport.objects.get()


def test_only_the_uploader_or_a_superuser_sees_an_import(client, tree, county_admin, django_capture_on_commit_callbacks):
    record = _imported(client, county_admin, django_capture_on_commit_callbacks)
    colleague = make_user("county-a1-colleague", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    login(client, colleague)
    for url in import_urls(record).values():
        assert client.get(url).status_code == 404
    assert client.get(reverse("lms:roster_upload")).context["imports"] == []
    root = make_user("root")
    root.is_superuser = True
    root.save()
    login(client, root)
    assert client.get(import_urls(record)["roster_status"]).status_code == 200
    assert client.get(import_urls(record)["roster_progress"]).json()["status"] == "done"


# --- upload → status → progress → report -------------------------------------------------------------


def test_upload_page_explains_the_file_and_lists_recent_imports(admin_client, django_capture_on_commit_callbacks):
    post_roster(admin_client, roster_file([roster_row(school_code=A1_1)], name="一月花名册.csv"), django_capture_on_commit_callbacks)
    page = admin_client.get(reverse("lms:roster_upload"))
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("lms:roster_template", kwargs={"fmt": "xlsx"}) in html
    assert reverse("lms:roster_template", kwargs={"fmt": "csv"}) in html
    assert "身份证号" in html and "single worksheet" in html
    assert "一月花名册.csv" in html


def test_a_good_file_is_imported_and_the_page_shows_it(admin_client, django_capture_on_commit_callbacks):
    rows = [roster_row(school_code=A1_1) for _ in range(3)]
    response = post_roster(admin_client, roster_file(rows, fmt="xlsx"), django_capture_on_commit_callbacks)
    record = RosterImport.objects.get()
    urls = import_urls(record)
    assert response.status_code == 302 and response["Location"] == urls["roster_status"]

    progress = admin_client.get(urls["roster_progress"]).json()
    assert (progress["status"], progress["done"], progress["percent"]) == ("done", True, 100)
    assert progress["counts"] == {"created": 3, "updated": 0, "unchanged": 0, "errors": 0}
    assert progress["report_url"] == ""
    assert Teacher.objects.count() == 3
    page = admin_client.get(urls["roster_status"]).content.decode()
    assert 'id="count-created">3<' in page


def test_a_rejected_file_leads_to_a_downloadable_report(admin_client, django_capture_on_commit_callbacks):
    bad_id = "110105194912310021"
    rows = [roster_row(school_code=A1_1), roster_row(school_code=B1_1), roster_row(school_code=A1_1, id_number=bad_id)]
    response = post_roster(admin_client, roster_file(rows), django_capture_on_commit_callbacks)
    record = RosterImport.objects.get()
    urls = import_urls(record)
    assert response["Location"] == urls["roster_status"]

    progress = admin_client.get(urls["roster_progress"]).json()
    assert progress["status"] == RosterImportStatus.REJECTED and progress["done"]
    assert progress["counts"]["errors"] == 2 and progress["report_url"] == urls["roster_report"]
    page = admin_client.get(urls["roster_status"]).content.decode()
    assert urls["roster_report"] in page and "1101**********0021" in page and bad_id not in page

    download = admin_client.get(urls["roster_report"])
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf") and bad_id.encode() not in body
    lines = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert lines[0] == ["Row", "Column", "Value", "Reason"]
    assert [(line[0], line[1], line[2]) for line in lines[1:]] == [
        ("3", "学校代码", B1_1),
        ("4", "身份证号", "1101**********0021"),
    ]
    assert Teacher.objects.count() == 0


def test_the_progress_json_follows_a_running_import(admin_client, county_admin, tree):
    record = RosterImport.objects.create(
        uploaded_by=county_admin, original_name="big.csv", stored_path="roster/x.csv", file_format="csv",
        status=RosterImportStatus.RUNNING,
    )
    progress_save(record.pk, Progress(status="running", phase=WRITING, processed=500, total=1000, counts={"created": 500}))
    data = admin_client.get(import_urls(record)["roster_progress"]).json()
    assert (data["phase"], data["processed"], data["total"], data["percent"], data["done"]) == ("writing", 500, 1000, 75, False)
    assert data["counts"]["created"] == 500
    page = admin_client.get(import_urls(record)["roster_status"]).content.decode()
    assert import_urls(record)["roster_progress"] in page and 'data-finished="0"' in page and "fetch(" in page


# --- refusals on upload ------------------------------------------------------------------------------


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_page(admin_client, settings):
    response = admin_client.post(reverse("lms:roster_upload"), {"file": upload("photo.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00")})
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()
    assert RosterImport.objects.count() == 0 and not (settings.PRIVATE_ROOT / "roster").exists()


def test_a_workbook_with_two_sheets_is_refused_on_the_page(admin_client):
    file = upload("two.xlsx", xlsx_bytes([roster_row(school_code=A1_1)], extra_sheets=1))
    response = admin_client.post(reverse("lms:roster_upload"), {"file": file})
    assert response.status_code == 400 and "only one worksheet" in response.content.decode()


def test_a_50_mb_upload_is_refused_before_its_body_is_parsed(admin_client, monkeypatch):
    from lms.views import roster as roster_views

    def must_not_run(**kwargs):
        raise AssertionError("the upload reached the import")

    monkeypatch.setattr(roster_views, "roster_import_submit", must_not_run)
    body = b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\nabc\r\n--x--\r\n"
    response = admin_client.post(
        reverse("lms:roster_upload"),
        data=body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()
    assert RosterImport.objects.count() == 0


def test_an_upload_larger_than_it_claimed_is_cut_off_while_streaming(admin_client, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 10_000
    response = admin_client.post(reverse("lms:roster_upload"), {"file": upload("big.csv", b"a,b\n" * 15_000)})
    assert response.status_code == 413 and "too large" in response.content.decode()
    assert RosterImport.objects.count() == 0


# --- the template ------------------------------------------------------------------------------------


def test_the_xlsx_template_has_the_headers_and_an_example_row_that_imports(
    admin_client, django_capture_on_commit_callbacks
):
    response = admin_client.get(reverse("lms:roster_template", kwargs={"fmt": "xlsx"}))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == list(TEMPLATE_HEADERS) and len(rows) == 2
    assert rows[1][TEMPLATE_HEADERS.index("学校代码")] == A1_1  # the administrator's own school

    post_roster(admin_client, upload("template.xlsx", response.content), django_capture_on_commit_callbacks)
    assert RosterImport.objects.get().status == RosterImportStatus.DONE
    assert Teacher.objects.get().real_name == "张三"


def test_the_csv_template_opens_in_excel_as_utf8(admin_client):
    response = admin_client.get(reverse("lms:roster_template", kwargs={"fmt": "csv"}))
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == list(TEMPLATE_HEADERS)
    assert admin_client.get(reverse("lms:roster_template", kwargs={"fmt": "pdf"})).status_code == 404


def test_dry_run_from_the_page_writes_nothing(admin_client, django_capture_on_commit_callbacks):
    post_roster(admin_client, roster_file([roster_row(school_code=A1_1, id_number=male_id_number())]),
                django_capture_on_commit_callbacks, dry_run="on")
    record = RosterImport.objects.get()
    assert (record.dry_run, record.status, Teacher.objects.count()) == (True, RosterImportStatus.CHECKED, 0)


# --- a real Celery worker ------------------------------------------------------------------------------


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_imports_while_the_page_polls(real_celery_worker, client, settings):
    # The worker reads the upload from its own PRIVATE_ROOT: use the folder both processes were given.
    settings.PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", "/tmp/lms-test-private"))
    tree = build_tree()
    admin = make_user("county-worker", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    login(client, admin)
    response = client.post(reverse("lms:roster_upload"), {"file": roster_file([roster_row(school_code=A1_1) for _ in range(25)])})
    record = RosterImport.objects.get()
    assert response["Location"] == import_urls(record)["roster_status"]

    deadline = time.monotonic() + 60
    progress = client.get(import_urls(record)["roster_progress"]).json()
    while not progress["done"] and time.monotonic() < deadline:
        time.sleep(0.5)
        progress = client.get(import_urls(record)["roster_progress"]).json()
    assert progress["done"], progress
    assert progress["status"] == RosterImportStatus.DONE, progress
    assert Teacher.objects.count() == 25


# --- after the upload is gone ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_pages_keep_working_once_the_upload_is_deleted(admin_client, settings, django_capture_on_commit_callbacks, fmt):
    bad_id = "110105194912310021"
    rows = [roster_row(school_code=A1_1), roster_row(school_code=A1_1, id_number=bad_id)]
    post_roster(admin_client, roster_file(rows, fmt=fmt), django_capture_on_commit_callbacks)
    record = RosterImport.objects.get()
    urls = import_urls(record)
    assert record.status == RosterImportStatus.REJECTED
    assert [path.name for path in (settings.PRIVATE_ROOT / "roster").iterdir()] == [f"{record.pk}.report.csv"]

    page = admin_client.get(urls["roster_status"])
    assert page.status_code == 200 and "1101**********0021" in page.content.decode()
    progress = admin_client.get(urls["roster_progress"]).json()
    assert progress["done"] and progress["report_url"] == urls["roster_report"]
    download = admin_client.get(urls["roster_report"])
    assert download.status_code == 200 and bad_id.encode() not in b"".join(download.streaming_content)
    upload_page = admin_client.get(reverse("lms:roster_upload")).content.decode()
    assert record.original_name in upload_page  # the list of recent imports still names it
