"""The certificate's CJK TrueType font: registered with reportlab once per process and per path, and known
to xhtml2pdf by its registered name (the CSS font-family). A missing or unusable font is an error naming
the path, never a PDF of empty boxes."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_lock = threading.Lock()
_registered: dict[str, CertificateFont] = {}


class CertificateFontError(ImproperlyConfigured):
    """The CJK font cannot be used: missing, unreadable, not TrueType, or lacking a character to print."""


@dataclass(frozen=True)
class CertificateFont:
    path: Path
    name: str  # the reportlab font name, also the CSS font-family
    characters: frozenset[int]  # code points the font has glyphs for

    def missing(self, text: str) -> str:
        """The characters of `text` the font cannot draw (whitespace and controls aside)."""
        return "".join(sorted({ch for ch in text if ord(ch) not in self.characters and not ch.isspace()}))


def certificate_font_path() -> Path:
    return Path(getattr(settings, "CERTIFICATE_FONT_PATH", "") or "")


def certificate_font() -> CertificateFont:
    """The font of CERTIFICATE_FONT_PATH, registered on first use (70 ms for a CJK face) and reused after."""
    path = certificate_font_path()
    key = str(path)
    font = _registered.get(key)
    if font is not None:
        return font
    with _lock:
        font = _registered.get(key)
        if font is None:
            font = _register(path)
            _registered[key] = font
    return font


def _register(path: Path) -> CertificateFont:
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFError, TTFont
    from xhtml2pdf import default

    if not str(path) or not path.is_file():
        raise CertificateFontError(
            f"The certificate font {str(path)!r} does not exist: install fonts-wqy-microhei (make fonts) "
            "or set CERTIFICATE_FONT_PATH to a CJK TrueType font (.ttf, or a .ttc whose first face is TrueType)."
        )
    # Distinct reportlab names per path, so a changed setting (tests, a second font) never reuses the old face.
    name = f"CertificateCJK{len(_registered)}"
    try:
        # subfontIndex=0: the first face of a .ttc collection (WenQuanYi Micro Hei in wqy-microhei.ttc).
        ttfont = TTFont(name, str(path), subfontIndex=0)
    except (TTFError, OSError, ValueError) as error:
        raise CertificateFontError(
            f"The certificate font {str(path)!r} cannot be embedded ({error}); it must be a TrueType font "
            "(Noto/Source Han CJK .ttc files have PostScript outlines, which reportlab cannot embed)."
        ) from error
    pdfmetrics.registerFont(ttfont)
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping(name, bold, italic, name)
    # xhtml2pdf copies DEFAULT_FONT into each document's font list: one lookup, no per-document file read.
    default.DEFAULT_FONT[name.lower()] = name
    return CertificateFont(path=path, name=name, characters=frozenset(ttfont.face.charToGlyph))
