"""The long teacher-by-teacher export: a job queued on commit, a progress page, a file only the requester
downloads (logged as an export of that many teachers), masked ID numbers, and refusals that create nothing.
The world and its hand-counted figures: test_reports_figures.py; year=2021 chooses cycle 2021–2025, whose
indicator years are 2021–2025 as well."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from certification.models import JobState, ReportExport
from certification.reports import teacher_rows
from certification.reports.tasks import report_export_run
from lms.api import AccessAction, AccessChannel, Role, active_grants, role_revoke
from lms.models import AccessLog
from tests.certification.test_reports_figures import reports_world  # noqa: F401  (fixture)
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin(tree):
    return make_user("x_county", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)


def _start(client, node, **fields):
    return client.post(reverse("certification:report_export_start"), {"node": node.pk, **fields})


def _rows(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


def test_export_job_runs_after_commit_shows_progress_and_gives_the_requester_the_file(
    client, reports_world, county_admin, django_capture_on_commit_callbacks  # noqa: F811
):
    tree, t = reports_world.tree, reports_world.teachers
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _start(client, tree.county_a1, year=2021)
    export = ReportExport.objects.get()
    assert response.status_code == 302 and response.url == reverse("certification:report_export_detail", args=[export.pk])
    assert (export.state, export.total, export.organisation, export.requested_by) == (JobState.QUEUED, 5, tree.county_a1, county_admin)
    queued = client.get(response.url).content.decode()
    assert 'data-state="queued"' in queued and "download-export" not in queued
    assert client.get(reverse("certification:report_export_file", args=[export.pk])).status_code == 404  # not ready yet
    for callback in callbacks:  # the queued task, eager in tests
        callback()
    progress = client.get(response.url, {"format": "json"}).json()
    assert progress == {"state": "done", "done": 5, "total": 5, "percent": 100}
    assert "download-export" in client.get(response.url).content.decode()
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()  # nothing has left the system yet

    download = client.get(reverse("certification:report_export_file", args=[export.pk]))
    assert download.status_code == 200
    rows = _rows(download)
    assert rows[0] == ("姓名", "身份证号", "学校", "学段", "学科", "2021–2025周期认定学时", "达到周期目标", "2021–2025年达360学时", "能力等级")
    assert [row[0] for row in rows[1:]] == ["张一", "李二", "王三", "赵四", "钱五"]
    assert rows[1][2:] == ("甲一县第一小学", "小学", "数学", 352, "否", "否", "中级")  # recognised hours capped at 72
    assert rows[2][5:] == (100, "否", "否", "初级")  # the reversed 40 hours are gone
    assert rows[3][5:] == (0, "否", "否", "无")  # suspended certificate
    assert rows[4][5:] == (360, "是", "是", "无")  # expired certificate
    assert rows[5][5:] == (50, "否", "否", "无")  # 380 hours of 2020 lie outside both spans; revoked certificate
    for row, key in zip(rows[1:], ("T1", "T2", "T3", "T4", "T5")):
        assert row[1] == t[key].id_number_masked and "*" in row[1]
    entry = AccessLog.objects.get(action=AccessAction.EXPORT)
    assert (entry.channel, entry.object_count, entry.actor_username) == (AccessChannel.EXPORT, 5, "x_county")
    assert "甲一县" in entry.subject


def test_only_the_requester_sees_or_downloads_the_export(client, reports_world, county_admin,  # noqa: F811
                                                         django_capture_on_commit_callbacks):
    tree = reports_world.tree
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _start(client, tree.county_a1)
    export = ReportExport.objects.get()
    assert export.state == JobState.DONE
    for other in (
        make_user("x_province", role=Role.PROVINCE_ADMIN, organisation=tree.province),  # wider jurisdiction, still not theirs
        make_user("x_county_2", role=Role.COUNTY_ADMIN, organisation=tree.county_a1),
    ):
        client.force_login(other)
        assert client.get(reverse("certification:report_export_detail", args=[export.pk])).status_code == 404
        assert client.get(reverse("certification:report_export_file", args=[export.pk])).status_code == 404
        assert f'data-export="{export.pk}"' not in client.get(reverse("certification:report_home")).content.decode()
    client.force_login(make_user("x_teacher", role=Role.TEACHER, organisation=tree.school_a1_1))
    assert client.get(reverse("certification:report_export_file", args=[export.pk])).status_code == 403
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()
    client.force_login(county_admin)
    assert f'data-export="{export.pk}"' in client.get(reverse("certification:report_home")).content.decode()


def test_a_node_outside_the_jurisdiction_or_bad_filters_create_no_job(client, reports_world, county_admin):  # noqa: F811
    tree = reports_world.tree
    client.force_login(county_admin)
    assert _start(client, tree.county_a2).status_code == 404
    assert _start(client, tree.city_a).status_code == 404
    assert _start(client, tree.county_a1, stage="university").status_code == 400
    assert client.get(reverse("certification:report_export_start")).status_code == 405
    assert not ReportExport.objects.exists()


def test_a_requester_who_lost_the_role_gets_a_failed_job_and_no_file(client, reports_world, county_admin,  # noqa: F811
                                                                     django_capture_on_commit_callbacks):
    tree = reports_world.tree
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _start(client, tree.county_a1)
    role_revoke(grant=active_grants(user=county_admin).get())
    for callback in callbacks:
        callback()
    export = ReportExport.objects.get()
    assert export.state == JobState.FAILED and "管辖范围" in export.error and not export.file_path


def test_the_export_pages_through_teachers_in_chunks_and_reruns_do_nothing(client, reports_world, county_admin,  # noqa: F811
                                                                          monkeypatch, django_capture_on_commit_callbacks):
    tree = reports_world.tree
    monkeypatch.setattr(teacher_rows, "CHUNK", 2)
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        _start(client, tree.county_a1, subject="maths")
    export = ReportExport.objects.get()
    assert (export.state, export.done, export.total) == (JobState.DONE, 3, 3)  # maths: T1, T3, then T4 in a second chunk
    rows = _rows(client.get(reverse("certification:report_export_file", args=[export.pk])))
    assert [row[0] for row in rows[1:]] == ["张一", "王三", "赵四"]
    finished = export.finished_at
    report_export_run(export.pk)  # a retried task leaves a finished job alone
    export.refresh_from_db()
    assert export.finished_at == finished


def test_english_export_headers(client, reports_world, county_admin, django_capture_on_commit_callbacks):  # noqa: F811
    tree = reports_world.tree
    client.force_login(county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certification:report_export_start"), {"node": tree.school_a1_1.pk, "year": 2021},
                    headers={"accept-language": "en"})
    export = ReportExport.objects.get()
    rows = _rows(client.get(reverse("certification:report_export_file", args=[export.pk])))
    assert rows[0][:3] == ("Name", "ID number", "School") and rows[0][6] == "Reached the cycle target"
    assert rows[1][3:5] == ("Primary school", "Mathematics")
