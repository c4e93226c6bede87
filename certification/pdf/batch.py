"""A cohort's bulk issuance and print run: issue the level to each teacher of the batch (refusals listed with
their unmet requirements), then one merged PDF of every certificate the batch covers, for printing.

Memory stays bounded whatever the cohort: certificates are rendered CHUNK at a time into temporary PDFs,
which pypdf then concatenates page by page into the merged file."""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import Certificate, CertificateBatch, CertificateStatus, IssueMode
from certification.services import IssueRefused, certificate_issue
from lms.api import Teacher

from .render import certificates_pdf_write

log = logging.getLogger(__name__)
PROGRESS_EVERY = 25  # teachers between progress writes: the page polls every 2 s
CHUNK = 100  # certificates per xhtml2pdf document: measured, 100 keeps a worker under 200 MB


def batch_pdf_relative_path(*, batch_id: int) -> str:
    return f"certificates/batches/{batch_id}.pdf"


def _progress(batch: CertificateBatch) -> None:
    CertificateBatch.objects.filter(pk=batch.pk).update(done=batch.done, issued=batch.issued, refused=batch.refused)


def _teachers(ids: list[int]) -> Iterator[tuple[int, Teacher | None]]:
    """The batch's teachers in its order, PROGRESS_EVERY at a time (None for an id that no longer exists)."""
    for start in range(0, len(ids), PROGRESS_EVERY):
        chunk = ids[start:start + PROGRESS_EVERY]
        found = Teacher.objects.select_related("school").in_bulk(chunk)
        for teacher_id in chunk:
            yield teacher_id, found.get(teacher_id)


def batch_issue(*, batch: CertificateBatch) -> list[int]:
    """Issue to each teacher; the ids of the certificates to print, in the batch's order."""
    covered: list[int] = []
    for teacher_id, teacher in _teachers([int(pk) for pk in batch.teacher_ids]):
        if teacher is None:
            batch.refused.append({"teacher_id": teacher_id, "name": "", "unmet": [_("No such teacher.")]})
        else:
            try:
                result = certificate_issue(teacher=teacher, level=batch.level, mode=IssueMode.BULK, by=batch.created_by)
            except IssueRefused as refusal:
                batch.refused.append({"teacher_id": teacher_id, "name": teacher.real_name, "unmet": list(refusal.unmet)})
            else:
                batch.issued += int(result.created)
                if result.certificate.status == CertificateStatus.VALID:
                    covered.append(result.certificate.pk)
                else:  # a suspended certificate is held but must not be printed
                    batch.refused.append({
                        "teacher_id": teacher_id, "name": teacher.real_name,
                        "unmet": [_("The certificate %(number)s is suspended.") % {"number": result.certificate.number}],
                    })
        batch.done += 1
        if batch.done % PROGRESS_EVERY == 0:
            _progress(batch)
    _progress(batch)
    return covered


def merged_pdf_write(*, certificate_ids: list[int], path: Path) -> int:
    """Render the certificates CHUNK at a time and concatenate them into `path` (written atomically); pages."""
    from pypdf import PdfWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    pages = 0
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".batch-") as work:
        parts: list[Path] = []
        for start in range(0, len(certificate_ids), CHUNK):
            chunk = certificate_ids[start:start + CHUNK]
            by_id = Certificate.objects.select_related("level", "issuer__organisation", "issuer__seal_image").in_bulk(chunk)
            part = Path(work) / f"{start:07d}.pdf"
            with part.open("wb") as handle:
                pages += certificates_pdf_write(certificates=[by_id[pk] for pk in chunk], dest=handle)
            parts.append(part)
        writer = PdfWriter()
        for part in parts:
            writer.append(str(part))
        merged = Path(work) / "merged.pdf"
        with merged.open("wb") as handle:
            writer.write(handle)
        writer.close()
        os.replace(merged, path)
    return pages


def certificate_batch_run(*, batch_id: int) -> CertificateBatch:
    """Run (or run again: issuance is idempotent, so a second run issues nothing new) the batch: issue,
    then the merged PDF under PRIVATE_ROOT. The batch ends done, or failed with the error."""
    batch = CertificateBatch.objects.select_related("level", "created_by").get(pk=batch_id)
    batch.state, batch.done, batch.issued, batch.refused, batch.error = CertificateBatch.State.RUNNING, 0, 0, [], ""
    batch.total = len(batch.teacher_ids)
    batch.save(update_fields=["state", "done", "issued", "refused", "error", "total"])
    try:
        covered = batch_issue(batch=batch)
        relative = batch_pdf_relative_path(batch_id=batch.pk)
        if covered:
            merged_pdf_write(certificate_ids=covered, path=Path(settings.PRIVATE_ROOT) / relative)
        batch.merged_pdf = relative if covered else ""
        batch.state = CertificateBatch.State.DONE
    except Exception as error:
        log.exception("certificate batch %s failed", batch.pk)
        batch.state, batch.error = CertificateBatch.State.FAILED, f"{type(error).__name__}: {error}"
    batch.finished_at = timezone.now()
    batch.save(update_fields=["state", "error", "merged_pdf", "finished_at", "done", "issued", "refused"])
    return batch
