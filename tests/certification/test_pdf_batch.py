"""A cohort batch: issue to every eligible teacher, list the refused with what they lack, progress as it
goes, and one merged PDF of the certificates for printing; running it again issues nothing new."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from certification.models import Certificate, CertificateBatch, CertificateStatus
from certification.pdf import batch as batch_module
from certification.pdf.batch import certificate_batch_run
from certification.services import certificate_suspend
from lms.models import Role
from tests.certification.test_pdf_support import pdf_file, pdf_fonts, pdf_pages, pdf_text
from tests.certification_setup import basic_eligible, cert_world
from tests.factories import make_teacher, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(tree):
    world = cert_world(tree)
    year = timezone.localdate().year
    ready = [make_teacher(school=tree.school_a1_1, real_name=name) for name in ("欧阳晓燕", "司马光明")]
    for teacher in ready:
        basic_eligible(teacher, year=year)
    not_ready = make_teacher(school=tree.school_a1_1, real_name="诸葛小亮")
    admin = make_user("county_admin", role=Role.COUNTY_ADMIN, organisation=tree.county_a1)
    batch = CertificateBatch.objects.create(
        level=world.basic, teacher_ids=[ready[0].pk, not_ready.pk, ready[1].pk], total=3, created_by=admin,
        label="甲一县第一小学 · 初级",
    )
    return world, ready, not_ready, batch


def _merged(batch: CertificateBatch) -> Path:
    return Path(settings.PRIVATE_ROOT) / batch.merged_pdf


def test_the_batch_issues_refuses_with_reasons_and_merges_one_pdf(cohort, tmp_path):
    world, ready, not_ready, batch = cohort
    batch = certificate_batch_run(batch_id=batch.pk)
    assert batch.state == CertificateBatch.State.DONE and batch.error == ""
    assert (batch.total, batch.done, batch.issued) == (3, 3, 2)
    assert batch.finished_at is not None
    (refused,) = batch.refused
    assert refused["teacher_id"] == not_ready.pk and refused["name"] == "诸葛小亮"
    assert any("已通过能力点" in reason for reason in refused["unmet"])
    assert any("学时" in reason for reason in refused["unmet"])
    assert batch.merged_pdf == f"certificates/batches/{batch.pk}.pdf"
    path = _merged(batch)
    assert pdf_pages(path) == 2
    text = pdf_text(path)
    numbers = list(Certificate.objects.filter(teacher__in=ready).values_list("number", flat=True))
    assert len(numbers) == 2 and all(number in text for number in numbers)
    assert "欧阳晓燕" in text and "司马光明" in text and "诸葛小亮" not in text
    assert text.index("欧阳晓燕") < text.index("司马光明")  # the batch's order
    assert any("wenquanyi" in font["name"].lower() and font["emb"] == "yes" for font in pdf_fonts(path))
    stored = CertificateBatch.objects.get(pk=batch.pk)
    assert (stored.state, stored.done, stored.issued, stored.refused) == ("done", 3, 2, batch.refused)


def test_running_the_batch_again_issues_nothing_new(cohort):
    _world, _ready, _not_ready, batch = cohort
    certificate_batch_run(batch_id=batch.pk)
    numbers = set(Certificate.objects.values_list("number", flat=True))
    again = certificate_batch_run(batch_id=batch.pk)
    assert again.state == "done" and again.issued == 0 and again.done == 3 and len(again.refused) == 1
    assert set(Certificate.objects.values_list("number", flat=True)) == numbers
    assert pdf_pages(_merged(again)) == 2  # the certificates already held are printed again


def test_progress_is_written_as_the_batch_goes(cohort, monkeypatch):
    _world, _ready, _not_ready, batch = cohort
    seen: list[tuple[int, int, int]] = []
    original = batch_module._progress

    def spy(current: CertificateBatch) -> None:
        original(current)
        stored = CertificateBatch.objects.get(pk=current.pk)
        seen.append((stored.done, stored.issued, len(stored.refused)))

    monkeypatch.setattr(batch_module, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(batch_module, "_progress", spy)
    certificate_batch_run(batch_id=batch.pk)
    assert seen[:3] == [(1, 1, 0), (2, 1, 1), (3, 2, 1)]
    assert CertificateBatch.objects.get(pk=batch.pk).percent == 100


def test_a_suspended_certificate_is_listed_and_not_printed(cohort):
    _world, ready, _not_ready, batch = cohort
    certificate_batch_run(batch_id=batch.pk)
    held = Certificate.objects.get(teacher=ready[0])
    certificate_suspend(certificate=held, reason_code="misconduct")
    again = certificate_batch_run(batch_id=batch.pk)
    assert pdf_pages(_merged(again)) == 1
    assert {r["name"] for r in again.refused} == {"诸葛小亮", "欧阳晓燕"}
    assert any(held.number in reason for r in again.refused for reason in r["unmet"])
    assert Certificate.objects.get(pk=held.pk).status == CertificateStatus.SUSPENDED


def test_a_missing_font_fails_the_batch_with_the_reason_and_keeps_the_issued_certificates(cohort, settings):
    _world, ready, _not_ready, batch = cohort
    settings.CERTIFICATE_FONT_PATH = "/nonexistent/wqy-microhei.ttc"
    failed = certificate_batch_run(batch_id=batch.pk)
    assert failed.state == "failed" and "/nonexistent/wqy-microhei.ttc" in failed.error
    assert failed.merged_pdf == "" and not (Path(settings.PRIVATE_ROOT) / "certificates" / "batches" / f"{batch.pk}.pdf").exists()
    assert Certificate.objects.filter(teacher__in=ready).count() == 2  # issuance is not undone by the printing


def test_the_celery_task_runs_the_batch(cohort):
    import certification.tasks  # noqa: F401  (what the worker's autodiscovery imports)
    from lms.celery import app

    _world, _ready, _not_ready, batch = cohort
    task = app.tasks["certification.tasks.certificate_batch_run"]
    task.delay(batch.pk)  # eager in tests
    assert CertificateBatch.objects.get(pk=batch.pk).state == "done"


def test_an_administrator_starts_a_batch_and_downloads_the_merged_pdf(cohort, client, django_capture_on_commit_callbacks, tmp_path):
    world, _ready, _not_ready, _batch = cohort
    client.force_login(_batch.created_by)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/certificates/manage/batches/", {"school": world.tree.school_a1_1.pk, "level": world.basic.pk})
    assert response.status_code == 302
    started = CertificateBatch.objects.exclude(pk=_batch.pk).get()
    assert started.state == "done" and started.issued == 2
    download = client.get(f"/certificates/manage/batches/{started.pk}/pdf/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    path = pdf_file(tmp_path, b"".join(download.streaming_content), "batch.pdf")
    assert pdf_pages(path) == 2 and "司马光明" in pdf_text(path)
