"""Evidence files: is the upload really what its name says, within the piece's limits, and safe to open?

`inspect_upload` decides from the bytes, never from the browser's content type: magic numbers and
structure, macros and scripts, zip bombs, the length of a clip (found by seeking through the ISO BMFF
box tree, so a 500 MB video is never read into memory). `strip_author_metadata` makes the copy that
blind reviewers see, without the author's name in the file's properties.
"""

from __future__ import annotations

import hashlib
import io
import logging
import math
import os
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, BinaryIO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree
from PIL import ExifTags, Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

__all__ = ["FILE_KINDS", "EvidenceFileError", "FileInspection", "FileKind", "PieceRules", "inspect_upload", "strip_author_metadata"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileKind:
    label: str | StrPromise
    extensions: tuple[str, ...]
    content_type: str


FILE_KINDS: dict[str, FileKind] = {
    "pdf": FileKind(gettext_lazy("PDF document"), ("pdf",), "application/pdf"),
    "docx": FileKind(
        gettext_lazy("Word document"),
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "pptx": FileKind(
        gettext_lazy("PowerPoint presentation"),
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "xlsx": FileKind(
        gettext_lazy("Excel workbook"), ("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    # Browsers play H.264 .mov files served as video/mp4, not as video/quicktime.
    "mp4": FileKind(gettext_lazy("MP4 or MOV video"), ("mp4", "m4v", "mov"), "video/mp4"),
    "jpeg": FileKind(gettext_lazy("JPEG image"), ("jpg", "jpeg"), "image/jpeg"),
    "png": FileKind(gettext_lazy("PNG image"), ("png",), "image/png"),
}


@dataclass(frozen=True)
class PieceRules:
    """What one piece of evidence may be: its kinds, its size and, for a clip, its length."""

    kinds: tuple[str, ...]
    max_bytes: int
    max_seconds: int | None = None

    def __post_init__(self) -> None:
        unknown = [kind for kind in self.kinds if kind not in FILE_KINDS]
        if not self.kinds or unknown:
            raise ValueError(f"PieceRules.kinds must be codes from FILE_KINDS, not {self.kinds!r}")
        if self.max_bytes <= 0 or (self.max_seconds is not None and self.max_seconds <= 0):
            raise ValueError("PieceRules limits must be positive")


@dataclass(frozen=True)
class FileInspection:
    kind: str
    content_type: str
    size: int
    sha256: str
    duration_seconds: float | None  # video only


class EvidenceFileError(ValueError):
    """An upload refused; str(error) tells the teacher why, in the active language."""


MEGABYTE = 1024 * 1024
CHUNK_BYTES = MEGABYTE
OOXML_MAIN_PART = {"docx": "word/document.xml", "pptx": "ppt/presentation.xml", "xlsx": "xl/workbook.xml"}
MACRO_EXTENSIONS = {"docm": "docx", "dotm": "docx", "pptm": "pptx", "potm": "pptx", "ppsm": "pptx", "xlsm": "xlsx", "xltm": "xlsx"}
LEGACY_EXTENSIONS = {"doc": "docx", "dot": "docx", "ppt": "pptx", "pps": "pptx", "pot": "pptx", "xls": "xlsx", "xlt": "xlsx"}
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_EXPANSION = 20  # times the piece's max_bytes
MAX_ZIP_TOTAL_BYTES = 500 * MEGABYTE
MAX_CONTENT_TYPES_BYTES = MEGABYTE
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# A password-protected .docx/.pptx/.xlsx is an OLE2 file holding this stream, not a legacy document.
OLE_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
PDF_MAGIC = b"%PDF-"
PDF_ACTIVE_NAMES = frozenset({"/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles"})
IMAGE_MAGIC = {"jpeg": (b"\xff\xd8\xff", "JPEG"), "png": (b"\x89PNG\r\n\x1a\n", "PNG")}
# An old QuickTime file may start with its movie, its media data or padding instead of ftyp.
VIDEO_FIRST_BOXES = frozenset({b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"})
MAX_SIBLING_BOXES = 10_000
# zipfile raises any of these for a damaged or hostile archive.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, struct.error, KeyError)


def inspect_upload(*, name: str, data: BinaryIO, rules: PieceRules) -> FileInspection:
    """Check an upload against the piece's rules; raise EvidenceFileError to refuse it. Leaves data at 0."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    shown = shown_name(base)
    try:
        kind = kind_for_name(base, shown=shown, rules=rules)
        size = upload_size(data, shown=shown, rules=rules)
        duration = content_check(data, kind=kind, shown=shown, rules=rules)
        digest = stream_sha256(data)
    finally:
        data.seek(0)
    return FileInspection(kind, FILE_KINDS[kind].content_type, size, digest, duration)


def shown_name(base: str) -> str:
    """The file name as the messages show it: printable, and not absurdly long."""
    printable = "".join(character for character in base if character.isprintable())
    return printable if len(printable) <= 80 else f"{printable[:60]}…{printable[-16:]}"


def kind_for_name(base: str, *, shown: str, rules: PieceRules) -> str:
    extension = base.rsplit(".", 1)[-1].lower() if "." in base else ""
    for kind in rules.kinds:
        if extension in FILE_KINDS[kind].extensions:
            return kind
    if MACRO_EXTENSIONS.get(extension) in rules.kinds:
        raise macros_refusal(shown, f".{MACRO_EXTENSIONS[extension]}")
    if LEGACY_EXTENSIONS.get(extension) in rules.kinds:
        raise legacy_office_refusal(shown, f".{LEGACY_EXTENSIONS[extension]}")
    extensions = ", ".join(f".{extension}" for kind in rules.kinds for extension in FILE_KINDS[kind].extensions)
    raise EvidenceFileError(
        _("Only %(extensions)s files are accepted here; “%(name)s” is not one of them.")
        % {"extensions": extensions, "name": shown}
    )


def upload_size(data: BinaryIO, *, shown: str, rules: PieceRules) -> int:
    size = data.seek(0, os.SEEK_END)
    if size == 0:
        raise EvidenceFileError(_("“%(name)s” is empty.") % {"name": shown})
    if size > rules.max_bytes:
        raise EvidenceFileError(
            _("“%(name)s” is %(size)s; the limit is %(limit)s.")
            % {"name": shown, "size": size_text(size), "limit": size_text(rules.max_bytes)}
        )
    return size


def size_text(size: int) -> str:
    """12.3 MB, 10 MB, 512 KB: rounded up, so a file just over the limit never shows as equal to it."""
    value, unit = (size / MEGABYTE, "MB") if size >= MEGABYTE else (size / 1024, "KB")
    return f"{math.ceil(value * 10) / 10:.1f}".removesuffix(".0") + f" {unit}"


def duration_text(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    if minutes and rest:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": rest}
    if minutes:
        return _("%(minutes)d min") % {"minutes": minutes}
    return _("%(seconds)d s") % {"seconds": rest}


def not_real_refusal(shown: str, kind: str) -> EvidenceFileError:
    return EvidenceFileError(
        _("“%(name)s” is not a real %(kind)s; its content does not match its name.")
        % {"name": shown, "kind": FILE_KINDS[kind].label}
    )


def damaged_refusal(shown: str, kind: str) -> EvidenceFileError:
    return EvidenceFileError(
        _("“%(name)s” looks like a real %(kind)s but is damaged and cannot be opened.")
        % {"name": shown, "kind": FILE_KINDS[kind].label}
    )


def macros_refusal(shown: str, extension: str) -> EvidenceFileError:
    return EvidenceFileError(
        _("“%(name)s” contains macros or scripts, which are not accepted; save it as %(extension)s without macros.")
        % {"name": shown, "extension": extension}
    )


def legacy_office_refusal(shown: str, extension: str) -> EvidenceFileError:
    return EvidenceFileError(
        _(
            "“%(name)s” is an old-format Office file (.doc, .ppt or .xls), which can carry macros that cannot be "
            "checked; open it and save it as %(extension)s."
        )
        % {"name": shown, "extension": extension}
    )


def password_refusal(shown: str) -> EvidenceFileError:
    return EvidenceFileError(
        _("“%(name)s” is protected by a password; save a copy without the password and upload that.") % {"name": shown}
    )


def content_check(data: BinaryIO, *, kind: str, shown: str, rules: PieceRules) -> float | None:
    """Refuse content that is not the kind its name says or is unsafe; the clip's length for a video."""
    data.seek(0)
    head = data.read(16)
    if kind in OOXML_MAIN_PART:
        if head.startswith(OLE_MAGIC):
            if stream_contains(data, OLE_ENCRYPTED_PACKAGE):
                raise password_refusal(shown)
            raise legacy_office_refusal(shown, f".{kind}")
        ooxml_check(data, kind=kind, shown=shown, rules=rules)
    elif kind == "pdf":
        pdf_check(data, head=head, shown=shown)
    elif kind == "mp4":
        return clip_seconds(data, shown=shown, rules=rules)
    else:
        image_check(data, kind=kind, head=head, shown=shown)
    return None


def stream_contains(data: BinaryIO, needle: bytes) -> bool:
    data.seek(0)
    carry = b""
    while chunk := data.read(CHUNK_BYTES):
        if needle in carry + chunk:
            return True
        carry = chunk[-(len(needle) - 1) :]
    return False


def stream_sha256(data: BinaryIO) -> str:
    data.seek(0)
    digest = hashlib.sha256()
    while chunk := data.read(CHUNK_BYTES):
        digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# Office Open XML (.docx, .pptx, .xlsx)


def ooxml_check(data: BinaryIO, *, kind: str, shown: str, rules: PieceRules) -> None:
    data.seek(0)
    if data.read(4) != ZIP_MAGIC:  # also refuses an .exe with a zip appended (self-extracting archives)
        raise not_real_refusal(shown, kind)
    data.seek(0)
    try:
        with zipfile.ZipFile(data) as archive:
            infos = archive.infolist()
            zip_limits_check(infos, shown=shown, rules=rules)
            parts = {info.filename.lower(): info for info in infos}
            content_types = parts.get("[content_types].xml")
            if content_types is None or OOXML_MAIN_PART[kind] not in parts:
                raise not_real_refusal(shown, kind)
            if any(part.rsplit("/", 1)[-1] == "vbaproject.bin" for part in parts):
                raise macros_refusal(shown, f".{kind}")
            if content_types.file_size > MAX_CONTENT_TYPES_BYTES or any(info.flag_bits & 0x1 for info in infos):
                raise damaged_refusal(shown, kind)
            if macro_content_type(archive.read(content_types)):
                raise macros_refusal(shown, f".{kind}")
            for info in infos:  # a damaged member fails its CRC check here rather than in the reviewer's Office
                with archive.open(info) as member:
                    while member.read(CHUNK_BYTES):
                        pass
    except EvidenceFileError:
        raise
    except (*ZIP_ERRORS, etree.XMLSyntaxError):
        raise damaged_refusal(shown, kind) from None


def zip_limits_check(infos: list[zipfile.ZipInfo], *, shown: str, rules: PieceRules) -> None:
    """Refuse a zip bomb by what the archive declares; zipfile never unpacks more than a member declares."""
    if len(infos) > MAX_ZIP_ENTRIES:
        raise EvidenceFileError(
            _("“%(name)s” has %(count)d parts inside; at most %(limit)d are allowed.")
            % {"name": shown, "count": len(infos), "limit": MAX_ZIP_ENTRIES}
        )
    total = sum(info.file_size for info in infos)
    limit = min(MAX_ZIP_EXPANSION * rules.max_bytes, MAX_ZIP_TOTAL_BYTES)
    if total > limit:
        raise EvidenceFileError(
            _("“%(name)s” unpacks to %(size)s; at most %(limit)s is allowed.")
            % {"name": shown, "size": size_text(total), "limit": size_text(limit)}
        )


def macro_content_type(content_types: bytes) -> bool:
    """[Content_Types].xml declares a macro-enabled main part or a VBA project."""
    root = etree.fromstring(content_types, parser=safe_xml_parser())
    declared = (str(element.get("ContentType", "")).lower() for element in root.iter(etree.Element))
    return any("macroenabled" in content_type or "vbaproject" in content_type for content_type in declared)


def safe_xml_parser() -> Any:
    """A parser that resolves no entities and fetches nothing; one per call, as lxml parsers are not thread-safe."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


# ---------------------------------------------------------------------------------------------
# PDF


def pdf_check(data: BinaryIO, *, head: bytes, shown: str) -> None:
    if not head.startswith(PDF_MAGIC):
        raise not_real_refusal(shown, "pdf")
    data.seek(0)
    try:
        reader = PdfReader(data)
        if reader.is_encrypted and not reader.decrypt(""):
            raise password_refusal(shown)
        if len(reader.pages) == 0:  # pypdf "repairs" almost anything into an empty document
            raise damaged_refusal(shown, "pdf")
        if pdf_has_active_content(reader):
            raise EvidenceFileError(
                _(
                    "“%(name)s” contains scripts, launch actions or attached files, which are not accepted; "
                    "print it to a new PDF and upload that."
                )
                % {"name": shown}
            )
    except EvidenceFileError:
        raise
    except Exception:  # pypdf reports a broken file with many exception types, not only PdfReadError
        raise damaged_refusal(shown, "pdf") from None


def pdf_has_active_content(reader: PdfReader) -> bool:
    """Any object, also one packed in a compressed object stream, naming JavaScript, a launch or an attachment."""
    references = [(0, number) for number in reader.xref_objStm]
    references += [(generation, number) for generation, numbers in reader.xref.items() for number in numbers]
    for generation, number in references:
        pdf_object = reader.get_object(IndirectObject(number, generation, reader))
        reader.resolved_objects.pop((generation, number), None)  # do not keep every stream's data in memory
        if pdf_object_names_active(pdf_object):
            return True
    return False


def pdf_object_names_active(pdf_object: object) -> bool:
    """Walks direct objects only (references are visited on their own), without recursion."""
    pending = [pdf_object]
    while pending:
        item = pending.pop()
        if isinstance(item, DictionaryObject):  # also a stream's dictionary
            if any(key in PDF_ACTIVE_NAMES for key in item):
                return True
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
        elif isinstance(item, NameObject) and item in PDF_ACTIVE_NAMES:
            return True
    return False


# ---------------------------------------------------------------------------------------------
# MP4 / MOV (ISO base media file format)


@dataclass(frozen=True)
class Box:
    type: bytes
    start: int  # of the payload, after the header
    end: int


class BoxStructureError(Exception):
    pass


def clip_seconds(data: BinaryIO, *, shown: str, rules: PieceRules) -> float:
    size = data.seek(0, os.SEEK_END)
    boxes = iso_boxes(data, start=0, end=size)
    try:
        first = next(boxes)
    except (StopIteration, BoxStructureError):
        raise not_real_refusal(shown, "mp4") from None
    if first.type not in VIDEO_FIRST_BOXES:
        raise not_real_refusal(shown, "mp4")
    try:
        moov = first if first.type == b"moov" else next((box for box in boxes if box.type == b"moov"), None)
        seconds = movie_seconds(data, moov) if moov is not None else None
    except BoxStructureError:
        raise damaged_refusal(shown, "mp4") from None
    if seconds is None:
        raise EvidenceFileError(
            _("Cannot read the length of “%(name)s”; export the video again as MP4 and upload that.") % {"name": shown}
        )
    whole_seconds = math.floor(seconds + 0.5)  # measured to the nearest second, as players show it
    if rules.max_seconds is not None and whole_seconds > rules.max_seconds:
        raise EvidenceFileError(
            _("“%(name)s” is %(duration)s long; the limit is %(limit)s.")
            % {"name": shown, "duration": duration_text(whole_seconds), "limit": duration_text(rules.max_seconds)}
        )
    return seconds


def iso_boxes(data: BinaryIO, *, start: int, end: int) -> Iterator[Box]:
    """The boxes in [start, end), read by seeking to each header; 64-bit sizes and size 0 (to the end) included."""
    position = start
    count = 0
    while end - position >= 8:
        count += 1
        if count > MAX_SIBLING_BOXES:
            raise BoxStructureError("too many boxes")
        data.seek(position)
        box_size, box_type = struct.unpack(">I4s", data.read(8))
        header = 8
        if box_size == 1:
            large = data.read(8)
            if len(large) < 8:
                raise BoxStructureError("truncated 64-bit box size")
            (box_size,) = struct.unpack(">Q", large)
            header = 16
        elif box_size == 0:
            box_size = end - position
        if box_size < header or position + box_size > end:
            raise BoxStructureError(f"box {box_type!r} at {position} has an impossible size {box_size}")
        yield Box(box_type, position + header, position + box_size)
        position += box_size


def movie_seconds(data: BinaryIO, moov: Box) -> float | None:
    """The movie's length from moov/mvhd, or for a fragmented MP4 from moov/mvex/mehd; None if unknown."""
    timescale = duration = fragments = 0
    for box in iso_boxes(data, start=moov.start, end=moov.end):
        if box.type == b"mvhd" and not timescale:
            timescale, duration = full_box_fields(data, box, v0=(12, ">II"), v1=(20, ">IQ"))
        elif box.type == b"mvex":
            mehd = next((child for child in iso_boxes(data, start=box.start, end=box.end) if child.type == b"mehd"), None)
            if mehd is not None:
                (fragments,) = full_box_fields(data, mehd, v0=(4, ">I"), v1=(4, ">Q"))
    if duration in (0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):  # 0 in a fragmented file; all ones means unknown
        duration = fragments
    if not timescale or not duration:
        return None
    return duration / timescale


def full_box_fields(data: BinaryIO, box: Box, *, v0: tuple[int, str], v1: tuple[int, str]) -> tuple[int, ...]:
    """Unpack fields of a full box (version, flags, ...) at (offset, format) for its version 0 or 1."""
    data.seek(box.start)
    body = data.read(min(box.end - box.start, 64))
    if not body or body[0] not in (0, 1):
        raise BoxStructureError("unknown full box version")
    offset, layout = v1 if body[0] == 1 else v0
    try:
        return struct.unpack_from(layout, body, offset)
    except struct.error:
        raise BoxStructureError(f"{box.type!r} is too short") from None


# ---------------------------------------------------------------------------------------------
# Images


def image_check(data: BinaryIO, *, kind: str, head: bytes, shown: str) -> None:
    magic, pillow_format = IMAGE_MAGIC[kind]
    if not head.startswith(magic):
        raise not_real_refusal(shown, kind)
    data.seek(0)
    try:
        with Image.open(data, formats=[pillow_format]) as image:
            image.verify()
    except Exception:  # Pillow reports broken images with many exception types, decompression bombs too
        raise damaged_refusal(shown, kind) from None


# ---------------------------------------------------------------------------------------------
# Author metadata, removed for blind review

CORE_AUTHOR_TAGS = frozenset({
    "{http://purl.org/dc/elements/1.1/}creator",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}lastModifiedBy",
})
APP_AUTHOR_TAGS = frozenset({
    "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Company",
    "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}Manager",
})
CUSTOM_PROPERTIES = "docProps/custom.xml"
PDF_AUTHOR_KEYS = frozenset({"/Author", "/Creator", "/Producer"})
PNG_TEXT_CHUNKS = frozenset({b"tEXt", b"zTXt", b"iTXt", b"eXIf"})  # XMP is an iTXt chunk
# JPEG APPn segments kept, by their identifier: JFIF, the colour profile and Adobe's colour transform.
JPEG_KEPT_APP = {0xE0: (b"JFIF\0", b"JFXX\0"), 0xE2: (b"ICC_PROFILE\0",), 0xEE: (b"Adobe",)}


def strip_author_metadata(*, kind: str, data: bytes) -> bytes:
    """A copy without author-identifying metadata; best effort, the content itself is never changed.

    docx/pptx/xlsx: dc:creator and cp:lastModifiedBy leave docProps/core.xml, Company and Manager leave
    docProps/app.xml, docProps/custom.xml is dropped (with its relationship and content type); every other
    member is copied unchanged. Names in comments and tracked changes inside the document stay.
    pdf: rewritten without /Author, /Creator, /Producer and the XMP metadata stream.
    jpeg/png: segments or chunks dropped without re-encoding (EXIF, XMP, IPTC, comments, text chunks), so
    the pixels are identical; a JPEG keeps a minimal EXIF holding only its orientation.
    mp4: returned unchanged (its udta/meta boxes are not rewritten).
    A file this cannot rewrite is returned unchanged rather than lost.
    """
    if kind not in FILE_KINDS:
        raise ValueError(f"unknown evidence file kind {kind!r}")
    stripper = STRIPPERS.get(kind)
    if stripper is None:
        return data
    try:
        return stripper(data)
    except Exception:  # best effort by contract: keep the file rather than fail the submission
        logger.warning("Author metadata could not be removed from a %s file; kept unchanged", kind, exc_info=True)
        return data


def ooxml_stripped(data: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        has_custom = CUSTOM_PROPERTIES in source.namelist()
        rewrites: dict[str, Callable[[Any], bool]] = {
            "docProps/core.xml": lambda element: element.tag in CORE_AUTHOR_TAGS,
            "docProps/app.xml": lambda element: element.tag in APP_AUTHOR_TAGS,
        }
        if has_custom:
            rewrites["_rels/.rels"] = lambda element: element.get("Target", "").lstrip("/") == CUSTOM_PROPERTIES
            rewrites["[Content_Types].xml"] = lambda element: element.get("PartName", "").lower() == f"/{CUSTOM_PROPERTIES}".lower()
        with zipfile.ZipFile(output, "w") as target:
            for info in source.infolist():
                if info.filename == CUSTOM_PROPERTIES:
                    continue
                content = source.read(info)
                if info.filename in rewrites:
                    content = xml_pruned(content, rewrites[info.filename])
                target.writestr(info, content)
    return output.getvalue()


def xml_pruned(content: bytes, prune: Callable[[Any], bool]) -> bytes:
    """The XML without the elements `prune` picks, under the declaration Office itself writes."""
    root = etree.fromstring(content, parser=safe_xml_parser())
    for element in [element for element in root.iter(etree.Element) if prune(element)]:
        element.getparent().remove(element)
    standalone = ' standalone="yes"' if root.getroottree().docinfo.standalone else ""
    declaration = f'<?xml version="1.0" encoding="UTF-8"{standalone}?>\r\n'.encode()
    return declaration + bytes(etree.tostring(root, encoding="UTF-8"))


def pdf_stripped(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt("")
    kept = {key: value for key, value in (reader.metadata or {}).items() if key not in PDF_AUTHOR_KEYS}
    reader.root_object.pop("/Metadata", None)  # before cloning, so the XMP stream is not copied as an orphan
    writer = PdfWriter(clone_from=reader)
    writer.metadata = kept  # replaces the whole /Info, also pypdf's own /Producer
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def png_stripped(data: bytes) -> bytes:
    magic = IMAGE_MAGIC["png"][0]
    if not data.startswith(magic):
        raise ValueError("not a PNG")
    kept = [magic]
    position = len(magic)
    while True:
        length, chunk_type = struct.unpack_from(">I4s", data, position)
        end = position + 12 + length  # length, type, data, CRC
        if end > len(data):
            raise ValueError("truncated PNG chunk")
        if chunk_type not in PNG_TEXT_CHUNKS:
            kept.append(data[position:end])
        position = end
        if chunk_type == b"IEND":  # anything after the image is dropped too
            return b"".join(kept)


def jpeg_stripped(data: bytes) -> bytes:
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG")
    kept = [b"\xff\xd8"]
    position = 2
    while True:
        if data[position] != 0xFF:
            raise ValueError(f"no JPEG marker at {position}")
        while data[position] == 0xFF:  # fill bytes
            position += 1
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image; trailing data (appended previews, their EXIF) is dropped
            break
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            kept.append(bytes((0xFF, marker)))
            continue
        (length,) = struct.unpack_from(">H", data, position)
        end = position + length
        if length < 2 or end > len(data):
            raise ValueError(f"JPEG segment at {position} runs past the end")
        if jpeg_segment_kept(marker, data[position + 2 : end]):
            kept.append(bytes((0xFF, marker)) + data[position:end])
        position = end
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next marker
            scan_end = jpeg_scan_end(data, position)
            kept.append(data[position:scan_end])
            position = scan_end
    kept.append(b"\xff\xd9")
    orientation = jpeg_orientation_segment(data)
    if orientation:
        kept.insert(2 if kept[1].startswith(b"\xff\xe0") else 1, orientation)
    return b"".join(kept)


def jpeg_segment_kept(marker: int, payload: bytes) -> bool:
    if 0xE0 <= marker <= 0xEF:
        return payload.startswith(JPEG_KEPT_APP.get(marker, ()))
    return marker != 0xFE  # COM, a comment


def jpeg_scan_end(data: bytes, position: int) -> int:
    """Where entropy-coded data ends: the first 0xFF that is neither stuffed (FF 00) nor a restart marker."""
    while True:
        position = data.index(b"\xff", position)
        follower = data[position + 1]
        if follower == 0x00 or 0xD0 <= follower <= 0xD7:
            position += 2
            continue
        return position


def jpeg_orientation_segment(data: bytes) -> bytes:
    """An APP1 segment with an EXIF holding only the orientation, so a phone photo stays upright; b"" if upright."""
    with Image.open(io.BytesIO(data)) as image:
        orientation = image.getexif().get(ExifTags.Base.Orientation)
    if not isinstance(orientation, int) or not 2 <= orientation <= 8:
        return b""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    payload = exif.tobytes()  # starts with b"Exif\0\0"
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


STRIPPERS: dict[str, Callable[[bytes], bytes]] = {
    "docx": ooxml_stripped,
    "pptx": ooxml_stripped,
    "xlsx": ooxml_stripped,
    "pdf": pdf_stripped,
    "jpeg": jpeg_stripped,
    "png": png_stripped,
}
