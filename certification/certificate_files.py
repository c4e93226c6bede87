"""Each certificate's PDF, rendered once (after issuance, by a task) and kept under PRIVATE_ROOT."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings

from .models import Certificate


def certificate_pdf_path(*, certificate_id: int) -> Path:
    return Path(settings.PRIVATE_ROOT) / "certificates" / "single" / f"{certificate_id}.pdf"


def _write_atomically(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.replace(tmp, path)


def certificate_pdf_stored(*, certificate_id: int) -> Path:
    """Render the PDF unless it is already on disk; the content never changes after issuance (the status
    is not printed: the verification page tells it)."""
    path = certificate_pdf_path(certificate_id=certificate_id)
    if not path.exists():
        from certification.pdf.render import certificate_pdf_bytes

        certificate = Certificate.objects.select_related("teacher", "level", "issuer__organisation").get(pk=certificate_id)
        _write_atomically(path, certificate_pdf_bytes(certificate=certificate))
    return path


def certificate_pdf_content(*, certificate: Certificate) -> bytes:
    return certificate_pdf_stored(certificate_id=certificate.pk).read_bytes()
