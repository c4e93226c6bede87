"""The printable certificate: a Django template (certification/pdf/certificates.html) filled from the issuer's
wording, rendered by xhtml2pdf in the embedded CJK font, with the QR code of the verification payload.

One page per certificate; several certificates make one multi-page document (the batch print run).
Local reads of the document are confined by a ResourceAccessPolicy to the seal files it names."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.template.loader import get_template
from django.utils import formats, translation
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from certification.models import Certificate, CertificateIssuer

from .fonts import CertificateFont, CertificateFontError, certificate_font
from .qr import qr_png_data_uri

TEMPLATE = "certification/pdf/certificates.html"
# The issuer's wording may use only these; anything else in braces is printed as written.
PLACEHOLDER = re.compile(r"\{(name|level|issued_on|valid_until)\}")
# xhtml2pdf's user-agent sheet is parsed again for every document; the certificate needs only this much of it.
USER_AGENT_CSS = """
html { font-size: 10px; font-weight: normal; color: #000000; margin: 0; padding: 0; line-height: 150%;
       border: 1px none; display: inline; width: auto; height: auto; white-space: normal; }
b, strong { font-weight: bold; }
i, em { font-style: italic; }
h1, h2, h3 { font-weight: bold; }
h1, h2, h3, p { margin: 1em 0; }
body, div, h1, h2, h3, p, table, tr, td, th { display: block; }
tr, th, td { vertical-align: middle; width: auto; }
th { text-align: center; font-weight: bold; }
"""


class CertificateRenderError(RuntimeError):
    """The PDF could not be made as it must look (a seal file gone, a character the font lacks, …)."""


@dataclass(frozen=True)
class CertificatePage:
    """What one certificate page prints."""

    number: str
    title: str
    body: str
    holder_name: str
    level_name: str
    issued_on: str
    valid_until: str
    issuer_name: str
    signature_line: str
    footer: str
    seal_path: str | None
    qr_uri: str

    def printed_text(self) -> str:
        return "".join((self.number, self.title, self.body, self.holder_name, self.level_name, self.issued_on,
                        self.valid_until, self.issuer_name, self.signature_line, self.footer))


def certificate_language() -> str:
    """Certificates are printed in one language whoever asks (the file is cached): Chinese unless set."""
    return str(getattr(settings, "CERTIFICATE_LANGUAGE", "") or settings.LANGUAGE_CODE)


def certificate_wording(*, issuer: CertificateIssuer, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], issuer.body_text or "")


def seal_path(issuer: CertificateIssuer, cache: dict[int, str | None] | None = None) -> str | None:
    """The file of the issuer's seal (the Wagtail image's original: a PNG keeps its transparency), or None."""
    if issuer.seal_image_id is None:
        return None
    if cache is not None and issuer.seal_image_id in cache:
        return cache[issuer.seal_image_id]
    image = issuer.seal_image
    assert image is not None
    try:
        path = Path(image.file.path)
    except (OSError, NotImplementedError, ValueError) as error:
        raise CertificateRenderError(f"The seal image of {issuer.name} cannot be read: {error}") from error
    if not path.is_file():
        raise CertificateRenderError(f"The seal image of {issuer.name} is missing on disk: {path}")
    if cache is not None:
        cache[issuer.seal_image_id] = str(path)
    return str(path)


def certificate_page(*, certificate: Certificate, qr_text: str, seal_cache: dict[int, str | None] | None = None) -> CertificatePage:
    """Call inside translation.override(certificate_language()): dates are formatted the language's way."""
    issuer = certificate.issuer
    issued_on = formats.date_format(certificate.issued_on, "DATE_FORMAT")
    valid_until = formats.date_format(certificate.valid_until, "DATE_FORMAT")
    level_name = certificate.level.name
    values = {"name": certificate.holder_name, "level": level_name, "issued_on": issued_on, "valid_until": valid_until}
    return CertificatePage(
        number=certificate.number, title=issuer.certificate_title, body=certificate_wording(issuer=issuer, values=values),
        holder_name=certificate.holder_name, level_name=level_name, issued_on=issued_on, valid_until=valid_until,
        issuer_name=issuer.name, signature_line=issuer.signature_line, footer=issuer.footer_text,
        seal_path=seal_path(issuer, seal_cache), qr_uri=qr_png_data_uri(qr_text),
    )


def _qr_text(certificate: Certificate) -> str:
    # Imported here: the signing module depends on the issuer keys, and the PDF is useful without it in tests.
    from certification.verify.signing import certificate_qr_text

    return str(certificate_qr_text(certificate=certificate))


def _glyphs_check(font: CertificateFont, pages: Sequence[CertificatePage]) -> None:
    for page in pages:
        missing = font.missing(page.printed_text())
        if missing:
            raise CertificateFontError(
                f"The certificate font {font.path} has no glyph for {missing!r} (certificate {page.number}): "
                "it would print as boxes. Use a font that covers these characters (CERTIFICATE_FONT_PATH)."
            )


def pages_pdf_write(*, pages: Sequence[CertificatePage], dest: IO[bytes]) -> None:
    """Write one PDF with a page per certificate page to `dest`."""
    import reportlab.rl_config

    font = certificate_font()
    _glyphs_check(font, pages)
    reportlab.rl_config.useA85 = 0  # binary streams: smaller files, and no pure-Python ASCII85 pass per image
    seals = tuple(sorted({Path(page.seal_path) for page in pages if page.seal_path}))
    # No network, and local reads only of the seal files: the wording is administrators' text.
    policy = ResourceAccessPolicy(allow_remote=False, base_dir=None, extra_roots=seals, max_local_bytes=20 * 1024 * 1024)
    html = get_template(TEMPLATE).render({"pages": pages, "font_family": font.name})
    result = pisa.pisaDocument(
        html, dest=dest, encoding="utf-8", resource_policy=policy, raise_exception=True,
        default_css=USER_AGENT_CSS,
    )
    if result.err:
        raise CertificateRenderError(f"xhtml2pdf could not render the certificates ({result.err} errors): {result.log}")


def certificates_pdf_write(
    *, certificates: Iterable[Certificate], dest: IO[bytes], qr_texts: dict[int, str] | None = None
) -> int:
    """A multi-page PDF of the certificates (select_related level, issuer__organisation, issuer__seal_image);
    the number of pages written."""
    seal_cache: dict[int, str | None] = {}
    with translation.override(certificate_language()):
        pages = [
            certificate_page(
                certificate=certificate, seal_cache=seal_cache,
                qr_text=(qr_texts or {}).get(certificate.pk) or _qr_text(certificate),
            )
            for certificate in certificates
        ]
        if pages:
            pages_pdf_write(pages=pages, dest=dest)
    return len(pages)


def certificate_pdf_bytes(*, certificate: Certificate, qr_text: str | None = None) -> bytes:
    """The certificate's printable PDF (A4 landscape, one page)."""
    buffer = io.BytesIO()
    qr_texts = {certificate.pk: qr_text} if qr_text is not None else None
    certificates_pdf_write(certificates=[certificate], dest=buffer, qr_texts=qr_texts)
    return buffer.getvalue()
