"""The long jobs of personnel offices on the real Celery worker (.ci/run's PostgreSQL pass starts one): a
bulk look-up and a report export are queued on commit, answered by the worker while the page polls, and
their files downloaded. Skipped on the embedded defaults, where tasks run eagerly in-process."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse

from certification.models import BulkLookup, JobState, ReportExport
from lms.api import decrypt_text
from tests.certification.test_bulk_upload_checks import upload, xlsx_bytes
from tests.certification.test_titles_rules import candidate, first_rule
from tests.certification_setup import cert_world
from tests.factories import Role, build_tree, make_user, new_id_number

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOT_HERE = "不在您的管辖范围内"


def _shared_private_root(settings) -> None:
    # The worker reads the job's input and writes its result under its own PRIVATE_ROOT: use the folder
    # both processes were given.
    settings.PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT", "/tmp/lms-test-private"))


def _poll(fetch, *, seconds: int = 60) -> dict:
    deadline = time.monotonic() + seconds
    state = fetch()
    while state["state"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
        state = fetch()
    return state


def test_a_real_worker_answers_a_bulk_look_up_while_the_page_polls(real_celery_worker, client, settings):
    _shared_private_root(settings)
    world = cert_world(build_tree())
    first_rule(world)
    mine = candidate(world, real_name="王合格")
    elsewhere = candidate(world, real_name="孙甲二", school=world.tree.school_a2_1)
    client.force_login(make_user("officer", role=Role.PERSONNEL_OFFICER, organisation=world.tree.county_a1))
    numbers = [decrypt_text(mine.id_number_encrypted), decrypt_text(elsewhere.id_number_encrypted), new_id_number()]

    response = upload(client, "名单.xlsx", xlsx_bytes([["身份证号"], *([n] for n in numbers)]), title="first")
    lookup = BulkLookup.objects.get()
    assert response.status_code == 302 and response.url == reverse("certification:bulk_detail", args=[lookup.pk])
    status = _poll(lambda: client.get(reverse("certification:bulk_status", args=[lookup.pk])).json())
    assert status["state"] == JobState.DONE, status
    assert (status["done"], status["total"], status["found"], status["percent"]) == (3, 3, 1, 100)

    download = client.get(status["result_url"])
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][1:4] == (numbers[0], "已找到", "王合格")
    assert rows[2][2:] == rows[3][2:] == (NOT_HERE,) + (None,) * 10


def test_a_real_worker_writes_a_report_export(real_celery_worker, client, settings):
    _shared_private_root(settings)
    world = cert_world(build_tree())
    first_rule(world)
    for name in ("王合格", "李学时"):
        candidate(world, real_name=name)
    client.force_login(make_user("county", role=Role.COUNTY_ADMIN, organisation=world.tree.county_a1))

    response = client.post(reverse("certification:report_export_start"), {"node": world.tree.county_a1.pk})
    export = ReportExport.objects.get()
    assert response.status_code == 302
    progress = _poll(lambda: client.get(response.url, {"format": "json"}).json())
    assert progress == {"state": "done", "done": 2, "total": 2, "percent": 100}
    download = client.get(reverse("certification:report_export_file", args=[export.pk]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(values_only=True))
    assert sorted(row[0] for row in rows[1:]) == ["李学时", "王合格"]
