"""File-content checks: the bytes must be what the extension says, and SVGs must be inert images."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from django.utils.translation import gettext as _
from lxml import etree

from .checks_names import extension_of

UTF8_BOM = b"\xef\xbb\xbf"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Whatever may precede <svg: whitespace, an XML declaration, comments, a doctype without internal subset.
SVG_PROLOGUE = re.compile(
    r"^\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<!DOCTYPE\s+svg[^>\[]*>)\s*)*<svg[\s>/]", re.IGNORECASE | re.DOTALL
)
SVG_FORBIDDEN_TEXT = (
    (re.compile(r"<\s*script", re.IGNORECASE), "<script"),
    (re.compile(r"<\s*foreignObject", re.IGNORECASE), "<foreignObject"),
    (re.compile(r"<!ENTITY", re.IGNORECASE), "<!ENTITY"),
    (re.compile(r"[\s\"'/]on[a-z]+\s*=", re.IGNORECASE), "on…= event attribute"),
    (re.compile(r"javascript\s*:", re.IGNORECASE), "javascript:"),
    (re.compile(r"@import", re.IGNORECASE), "@import"),
    (re.compile(r"<\?xml-stylesheet", re.IGNORECASE), "<?xml-stylesheet"),
    (re.compile(r"url\s*\(\s*['\"]?\s*(?:https?:|//|javascript:|data:(?!image/(?:png|jpe?g|gif|webp)))", re.IGNORECASE), "external url()"),
)  # fmt: skip
SVG_FORBIDDEN_ELEMENTS = frozenset({"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"})
# Only same-document references and embedded raster images may be linked from an SVG.
SVG_SAFE_HREF = re.compile(r"^(?:#.*|data:image/(?:png|jpe?g|gif|webp);base64,[A-Za-z0-9+/=\s]*)$", re.IGNORECASE | re.DOTALL)


def _riff(kind: bytes) -> Callable[[bytes], bool]:
    return lambda data: data[:4] == b"RIFF" and data[8:12] == kind


def _mp3(data: bytes) -> bool:
    return data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0)


def _font(data: bytes) -> bool:
    return data[:4] in {b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf"}


def _utf8_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def _webvtt(data: bytes) -> bool:
    return data.removeprefix(UTF8_BOM).startswith(b"WEBVTT") and _utf8_text(data)


MAGIC: dict[str, Callable[[bytes], bool]] = {
    "jpg": lambda data: data[:3] == b"\xff\xd8\xff",
    "jpeg": lambda data: data[:3] == b"\xff\xd8\xff",
    "png": lambda data: data[:8] == b"\x89PNG\r\n\x1a\n",
    "gif": lambda data: data[:6] in {b"GIF87a", b"GIF89a"},
    "webp": _riff(b"WEBP"),
    "bmp": lambda data: data[:2] == b"BM",
    "mp4": lambda data: data[4:8] == b"ftyp",
    "m4a": lambda data: data[4:8] == b"ftyp",
    "webm": lambda data: data[:4] == b"\x1a\x45\xdf\xa3",
    "ogg": lambda data: data[:4] == b"OggS",
    "ogv": lambda data: data[:4] == b"OggS",
    "oga": lambda data: data[:4] == b"OggS",
    "mp3": _mp3,
    "wav": _riff(b"WAVE"),
    "pdf": lambda data: data[:5] == b"%PDF-",
    "woff": lambda data: data[:4] == b"wOFF",
    "woff2": lambda data: data[:4] == b"wOF2",
    "ttf": _font,
    "otf": _font,
    "eot": lambda data: len(data) > 36 and data[34:36] == b"LP",
    "vtt": _webvtt,
    "txt": _utf8_text,
    "csv": _utf8_text,
}


def svg_text(data: bytes) -> str | None:
    try:
        return data.removeprefix(UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return None


def json_problem(data: bytes) -> str | None:
    """Why these bytes are not a JSON document, or None."""
    try:
        json.loads(data.removeprefix(UTF8_BOM).decode("utf-8"))
    except UnicodeDecodeError:
        return _("The file is not UTF-8 text.")
    except json.JSONDecodeError as error:
        return _("The file is not valid JSON (line %(line)d, column %(column)d: %(reason)s).") % {
            "line": error.lineno,
            "column": error.colno,
            "reason": error.msg,
        }
    except RecursionError:
        return _("The file is not valid JSON (it is nested too deeply).")
    return None


def media_problem(name: str, data: bytes) -> str | None:
    """Why this file's bytes do not match its extension (or, for SVG, are not safe), or None."""
    extension = extension_of(name)
    if extension == "json":
        return json_problem(data)
    if extension == "svg":
        return svg_problem(data)
    check = MAGIC.get(extension)
    if check is not None and not check(data):
        return mismatch_message(extension)
    return None


def mismatch_message(extension: str) -> str:
    return _("The content is not a .%(extension)s file, whatever its name says.") % {"extension": extension}


def svg_problem(data: bytes) -> str | None:
    """Why this SVG could run script or fetch something from outside, or None; refuses when in doubt."""
    text = svg_text(data)
    if text is None:
        return _("The SVG is not UTF-8 text.")
    for pattern, label in SVG_FORBIDDEN_TEXT:
        if pattern.search(text):
            return _("The SVG contains %(what)s, which could run script or load from outside.") % {"what": label}
    if SVG_PROLOGUE.match(text) is None:
        return mismatch_message("svg")
    return svg_tree_problem(data)


def svg_tree_problem(data: bytes) -> str | None:
    """Parse without entities, DTDs or network, then check every element, attribute and link."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        return _("The SVG is not well-formed XML.")
    if etree.QName(root).localname != "svg" or etree.QName(root).namespace not in {None, SVG_NAMESPACE}:
        return _("The file is not an SVG image.")
    for node in root.iter():
        if not isinstance(node.tag, str):
            if isinstance(node, etree._ProcessingInstruction):
                return _("The SVG contains a processing instruction, which could load from outside.")
            continue
        if etree.QName(node).localname.lower() in SVG_FORBIDDEN_ELEMENTS:
            return _("The SVG contains a <%(element)s> element, which could run script.") % {
                "element": etree.QName(node).localname
            }
        problem = svg_attributes_problem(node)
        if problem is not None:
            return problem
    return None


def svg_attributes_problem(node: etree._Element) -> str | None:
    for attribute, value in node.attrib.items():
        local = etree.QName(attribute).localname.lower()
        if local.startswith("on"):
            return _("The SVG has an event attribute (%(attribute)s), which runs script.") % {"attribute": local}
        compact = re.sub(r"[\s\x00-\x1f]", "", str(value)).lower()
        if "javascript:" in compact or "vbscript:" in compact:
            return _("The SVG has a script URL in %(attribute)s.") % {"attribute": local}
        if local == "href" and not SVG_SAFE_HREF.match(str(value).strip()):
            return _("The SVG links to something outside itself (%(attribute)s), which is not allowed.") % {
                "attribute": local
            }
    return None


def text_problem(data: bytes) -> str | None:
    """Why a script or stylesheet the player loads is not plain UTF-8 text, or None."""
    if b"\x00" in data:
        return _("The file contains NUL bytes; it is not a text file.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return _("The file is not UTF-8 text.")
    return None
