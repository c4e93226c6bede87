"""Evidence files: every refusal of inspect_upload, the acceptances, and author metadata removed for blind review."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
from typing import BinaryIO, cast

import pytest
from django.utils import translation
from PIL import ExifTags, Image, ImageCms
from pypdf import PdfReader

from assessments.evidence.files import (
    FILE_KINDS,
    EvidenceFileError,
    FileInspection,
    PieceRules,
    duration_text,
    inspect_upload,
    size_text,
    strip_author_metadata,
)
from tests.evidence_files import (
    EXE_HEADER,
    OLE_HEADER,
    box,
    gradient,
    make_docx,
    make_jpeg,
    make_mp4,
    make_pdf,
    make_png,
    make_pptx,
    make_xlsx,
    mvhd,
    ooxml_members,
    raw_pdf,
    zip_bytes,
)

MB = 1024 * 1024
ANY_KIND = PieceRules(kinds=tuple(FILE_KINDS), max_bytes=10 * MB, max_seconds=600)
DOCUMENTS = PieceRules(kinds=("pdf", "docx"), max_bytes=10 * MB)
CATALOG = [
    b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>",
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def inspect(name: str, data: bytes, rules: PieceRules = ANY_KIND) -> FileInspection:
    stream = io.BytesIO(data)
    stream.seek(3)  # wherever the caller left it, inspection reads from the start and rewinds
    inspection = inspect_upload(name=name, data=stream, rules=rules)
    assert stream.tell() == 0
    return inspection


def refusal(name: str, data: bytes, rules: PieceRules = ANY_KIND) -> str:
    stream = io.BytesIO(data)
    with pytest.raises(EvidenceFileError) as refused:
        inspect_upload(name=name, data=stream, rules=rules)
    assert stream.tell() == 0
    return str(refused.value)


# ---------------------------------------------------------------------------------------------
# acceptances


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("教学设计.docx", make_docx(), "docx"),
        ("课件.PPTX", make_pptx(), "pptx"),
        ("成绩分析.xlsx", make_xlsx(), "xlsx"),
        ("教学反思.pdf", make_pdf(), "pdf"),
        ("板书.jpg", make_jpeg(), "jpeg"),
        ("板书.jpeg", make_jpeg(), "jpeg"),
        ("板书.png", make_png(), "png"),
        ("课堂实录.mp4", make_mp4(seconds=300), "mp4"),
        ("课堂实录.m4v", make_mp4(seconds=300, brand=b"M4V "), "mp4"),
        ("课堂实录.mov", make_mp4(seconds=300, brand=b"qt  "), "mp4"),
    ],
)
def test_real_files_are_accepted_with_their_kind_size_and_hash(name: str, data: bytes, kind: str) -> None:
    inspection = inspect(name, data)

    assert inspection.kind == kind
    assert inspection.content_type == FILE_KINDS[kind].content_type
    assert inspection.size == len(data)
    assert inspection.sha256 == hashlib.sha256(data).hexdigest()
    assert inspection.duration_seconds == (300 if kind == "mp4" else None)


def test_a_path_in_the_name_is_ignored() -> None:
    assert inspect("C:\\Users\\zhang\\Desktop\\教学设计.docx", make_docx()).kind == "docx"


@pytest.mark.parametrize(
    ("video", "seconds"),
    [
        (make_mp4(seconds=125.5), 125.5),
        (make_mp4(seconds=599, version=1, timescale=90_000), 599),
        (make_mp4(seconds=42, moov_first=False), 42),  # moov after the media, as cameras write it
        (make_mp4(seconds=42, mdat_header="large", moov_first=False), 42),  # 64-bit box size
        (make_mp4(seconds=42, mdat_header="to_end"), 42),  # size 0: to the end of the file
        (make_mp4(seconds=42, ftyp=False), 42),  # old QuickTime: the movie first
        (make_mp4(seconds=42, ftyp=False, moov_first=False), 42),  # old QuickTime: the media first
    ],
)
def test_the_length_of_a_clip_is_read_from_its_movie_header(video: bytes, seconds: float) -> None:
    assert inspect("课堂实录.mp4", video).duration_seconds == seconds


def test_a_64_bit_duration_beyond_32_bits_is_read() -> None:
    video = make_mp4(seconds=5000, version=1, timescale=1_000_000)  # 5e9 ticks
    rules = PieceRules(kinds=("mp4",), max_bytes=MB)
    assert inspect_upload(name="v.mp4", data=io.BytesIO(video), rules=rules).duration_seconds == 5000


def test_a_fragmented_mp4_takes_its_length_from_the_movie_extends_header() -> None:
    mehd = box(b"mehd", bytes(4) + struct.pack(">I", 90_000))
    moov = box(b"moov", mvhd(duration=0, timescale=1000) + box(b"mvex", mehd))
    video = box(b"ftyp", b"iso6" + bytes(4) + b"iso6") + moov + box(b"moof") + box(b"mdat", bytes(64))
    assert inspect("录屏.mp4", video).duration_seconds == 90


def test_a_clip_at_the_limit_measured_to_the_nearest_second_is_accepted() -> None:
    assert inspect("v.mp4", make_mp4(seconds=600.4)).duration_seconds == pytest.approx(600.4)


class ReadSpy:
    """A file that notes every read, to show a long video is hashed in chunks and otherwise seeked through."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.reads: list[int] = []

    def read(self, size: int = -1) -> bytes:
        self.reads.append(size)
        return self.raw.read(size)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()


def test_a_large_video_is_never_read_whole(tmp_path) -> None:
    media = 200 * MB
    path = tmp_path / "课堂实录.mp4"
    with path.open("wb") as out:  # sparse: the media data costs no disk
        out.write(box(b"ftyp", b"isom" + bytes(4) + b"isom"))
        out.write(struct.pack(">I4sQ", 1, b"mdat", 16 + media))
        out.seek(media, os.SEEK_CUR)
        out.write(box(b"moov", mvhd(duration=540_000, timescale=1000)))
    rules = PieceRules(kinds=("mp4",), max_bytes=300 * MB, max_seconds=600)

    with path.open("rb") as raw:
        spy = ReadSpy(raw)
        inspection = inspect_upload(name=path.name, data=cast(BinaryIO, spy), rules=rules)
        assert spy.tell() == 0

    assert inspection.duration_seconds == 540
    assert inspection.size == path.stat().st_size
    assert all(0 < size <= MB for size in spy.reads)
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        while chunk := raw.read(MB):
            digest.update(chunk)
    assert inspection.sha256 == digest.hexdigest()


# ---------------------------------------------------------------------------------------------
# size and name


def test_an_empty_file_is_refused() -> None:
    assert refusal("教学反思.pdf", b"") == "“教学反思.pdf” is empty."


def test_a_file_over_the_limit_is_refused_before_its_content_is_read() -> None:
    assert refusal("big.pdf", bytes(12_900_000)) == "“big.pdf” is 12.4 MB; the limit is 10 MB."


@pytest.mark.parametrize(("size", "text"), [(10 * MB, "10 MB"), (int(12.3 * MB), "12.3 MB"), (10 * MB + 1, "10.1 MB"), (512 * 1024, "512 KB")])
def test_sizes_are_shown_rounded_up(size: int, text: str) -> None:
    assert size_text(size) == text


@pytest.mark.parametrize(("seconds", "text"), [(45, "45 s"), (600, "10 min"), (725, "12 min 5 s")])
def test_lengths_are_shown_in_minutes_and_seconds(seconds: int, text: str) -> None:
    assert duration_text(seconds) == text


@pytest.mark.parametrize("name", ["setup.exe", "notes.txt", "README", "课堂实录.mp4", "lesson.docx.exe"])
def test_a_name_without_an_allowed_extension_is_refused(name: str) -> None:
    assert refusal(name, make_docx(), DOCUMENTS) == f"Only .pdf, .docx files are accepted here; “{name}” is not one of them."


def test_control_and_bidi_override_characters_in_the_name_are_not_shown() -> None:
    # U+202E would show "教案\u202excod.exe" as "教案exe.docx"
    assert "“教案xcod.exe”" in refusal("教案\u202excod\x07.exe", b"MZ", DOCUMENTS)


# ---------------------------------------------------------------------------------------------
# content that is not what the name says


@pytest.mark.parametrize(
    ("name", "data", "label"),
    [
        ("setup.docx", EXE_HEADER, "Word document"),
        ("notes.docx", "这是一段文字，不是文档。".encode(), "Word document"),
        ("slides.docx", make_pptx(), "Word document"),  # a real zip, but a presentation
        ("plain.docx", zip_bytes([("word/document.xml", b"<w:document/>")]), "Word document"),  # no [Content_Types].xml
        ("sfx.docx", EXE_HEADER + make_docx(), "Word document"),  # a self-extracting archive holding a document
        ("sheet.xlsx", make_docx(), "Excel workbook"),
        ("deck.pptx", b"%PDF-1.7\n", "PowerPoint presentation"),
        ("reflection.pdf", make_docx(), "PDF document"),
        ("photo.jpg", make_png(), "JPEG image"),
        ("photo.png", make_jpeg(), "PNG image"),
        ("clip.mp4", b"just some text, not a video at all", "MP4 or MOV video"),
        ("clip.mov", make_jpeg(), "MP4 or MOV video"),
        ("clip.mp4", box(b"moof", bytes(16)) + make_mp4(), "MP4 or MOV video"),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name: str, data: bytes, label: str) -> None:
    assert refusal(name, data) == f"“{name}” is not a real {label}; its content does not match its name."


@pytest.mark.parametrize(("name", "modern"), [("旧教案.doc", ".docx"), ("旧课件.ppt", ".pptx"), ("旧表格.xls", ".xlsx"), ("renamed.docx", ".docx")])
def test_legacy_office_files_are_refused_with_the_format_to_save_as(name: str, modern: str) -> None:
    message = refusal(name, OLE_HEADER + bytes(1024))
    assert message == (
        f"“{name}” is an old-format Office file (.doc, .ppt or .xls), which can carry macros that cannot be checked; "
        f"open it and save it as {modern}."
    )


def test_a_legacy_extension_not_asked_for_is_simply_not_allowed() -> None:
    rules = PieceRules(kinds=("pdf",), max_bytes=MB)
    assert refusal("旧教案.doc", OLE_HEADER, rules) == "Only .pdf files are accepted here; “旧教案.doc” is not one of them."


def test_a_password_protected_office_file_is_refused_as_such() -> None:
    encrypted = OLE_HEADER + bytes(3000) + "EncryptedPackage".encode("utf-16-le") + bytes(100)
    assert "is protected by a password" in refusal("成绩.xlsx", encrypted)


# ---------------------------------------------------------------------------------------------
# macros and scripts


def macros_message(name: str, extension: str) -> str:
    return f"“{name}” contains macros or scripts, which are not accepted; save it as {extension} without macros."


def test_office_files_with_macros_are_refused() -> None:
    assert refusal("m.docx", make_docx(macros=True)) == macros_message("m.docx", ".docx")
    assert refusal("m.pptx", make_pptx(macros=True)) == macros_message("m.pptx", ".pptx")
    assert refusal("m.xlsx", make_xlsx(macros=True)) == macros_message("m.xlsx", ".xlsx")


def test_a_vba_project_anywhere_is_refused() -> None:
    members = ooxml_members("xlsx") + [("xl/media/VBAProject.bin", OLE_HEADER)]
    assert refusal("m.xlsx", zip_bytes(members)) == macros_message("m.xlsx", ".xlsx")


def test_a_macro_enabled_content_type_is_refused_without_a_vba_project() -> None:
    members = [(name, data) for name, data in ooxml_members("docx", macros=True) if not name.endswith(".bin")]
    assert refusal("m.docx", zip_bytes(members)) == macros_message("m.docx", ".docx")


@pytest.mark.parametrize(("name", "modern"), [("设计.docm", ".docx"), ("课件.pptm", ".pptx"), ("表格.xlsm", ".xlsx")])
def test_macro_enabled_extensions_are_refused(name: str, modern: str) -> None:
    assert refusal(name, make_docx()) == macros_message(name, modern)


PDF_SCRIPTS = "contains scripts, launch actions or attached files, which are not accepted; print it to a new PDF and upload that."


@pytest.mark.parametrize(
    "pdf",
    [
        make_pdf(javascript=True),
        make_pdf(launch=True),
        make_pdf(embedded_file=True),
        raw_pdf(CATALOG + [b"<< /S /Launch /F (calc.exe) >>"]),
        raw_pdf(CATALOG + [b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"]),  # names spelled with #xx escapes
        raw_pdf(CATALOG, object_stream=[b"<< /S /JavaScript /JS (app.alert(1)) >>"]),  # hidden in a compressed object stream
    ],
    ids=["javascript", "launch", "embedded-file", "launch-raw", "escaped-names", "object-stream"],
)
def test_pdfs_with_scripts_launch_actions_or_attachments_are_refused(pdf: bytes) -> None:
    assert refusal("教学反思.pdf", pdf) == f"“教学反思.pdf” {PDF_SCRIPTS}"


def test_a_pdf_with_a_harmless_action_in_an_object_stream_is_accepted() -> None:
    assert inspect("反思.pdf", raw_pdf(CATALOG, object_stream=[b"<< /S /GoTo /D [3 0 R /Fit] >>"])).kind == "pdf"


def test_a_password_protected_pdf_is_refused() -> None:
    assert refusal("反思.pdf", make_pdf(password="secret")) == (
        "“反思.pdf” is protected by a password; save a copy without the password and upload that."
    )


# ---------------------------------------------------------------------------------------------
# zip bombs and damaged files


def damaged(name: str, label: str) -> str:
    return f"“{name}” looks like a real {label} but is damaged and cannot be opened."


def test_an_archive_with_too_many_parts_is_refused() -> None:
    members = ooxml_members("docx") + [(f"word/media/{index}.xml", b"") for index in range(5000)]
    assert refusal("bomb.docx", zip_bytes(members)) == "“bomb.docx” has 5006 parts inside; at most 5000 are allowed."


def test_an_archive_that_unpacks_to_more_than_twenty_times_the_limit_is_refused() -> None:
    members = ooxml_members("docx") + [("word/media/zeros.bin", bytes(3 * MB))]
    rules = PieceRules(kinds=("docx",), max_bytes=100 * 1024)
    assert refusal("bomb.docx", zip_bytes(members), rules) == "“bomb.docx” unpacks to 3.1 MB; at most 2 MB is allowed."


def with_declared_size(archive: bytes, member: str, size: int) -> bytes:
    """The archive with the central directory claiming `size` unpacked bytes for `member` (a zip bomb's lie)."""
    entry = archive.index(b"PK\x01\x02")
    while True:
        name_length = struct.unpack_from("<H", archive, entry + 28)[0]
        if archive[entry + 46 : entry + 46 + name_length] == member.encode():
            return archive[: entry + 24] + struct.pack("<I", size) + archive[entry + 28 :]
        entry = archive.index(b"PK\x01\x02", entry + 4)


def test_an_archive_declaring_more_than_500_mb_is_refused_whatever_the_limit() -> None:
    bomb = with_declared_size(make_docx(), "word/document.xml", 600 * MB)
    rules = PieceRules(kinds=("docx",), max_bytes=100 * MB)
    message = refusal("bomb.docx", bomb, rules)
    assert message.startswith("“bomb.docx” unpacks to 600") and message.endswith("; at most 500 MB is allowed.")


def test_a_truncated_archive_is_refused() -> None:
    assert refusal("cut.docx", make_docx()[:-40]) == damaged("cut.docx", "Word document")


def test_an_archive_member_failing_its_crc_is_refused() -> None:
    archive = bytearray(zip_bytes(ooxml_members("docx"), compress=False))
    where = archive.index("分数的意义</w:t>".encode())
    archive[where] ^= 0x01
    assert refusal("crc.docx", bytes(archive)) == damaged("crc.docx", "Word document")


def test_content_types_that_are_not_xml_are_refused() -> None:
    members = [(name, b"<Types" if name == "[Content_Types].xml" else data) for name, data in ooxml_members("pptx")]
    assert refusal("broken.pptx", zip_bytes(members)) == damaged("broken.pptx", "PowerPoint presentation")


@pytest.mark.parametrize("pdf", [b"%PDF-1.4\ngarbage\n", make_pdf()[: len(make_pdf()) // 3]])
def test_a_broken_pdf_is_refused(pdf: bytes) -> None:
    assert refusal("broken.pdf", pdf) == damaged("broken.pdf", "PDF document")


def png_with_broken_pixels() -> bytes:
    data = bytearray(make_png())
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0xFF  # inside the compressed pixels; the chunk's CRC no longer matches
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "label"),
    [
        ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4, "JPEG image"),
        ("photo.jpg", make_jpeg()[:40], "JPEG image"),
        ("photo.png", png_with_broken_pixels(), "PNG image"),
        ("photo.png", make_png()[:20], "PNG image"),
    ],
)
def test_images_pillow_cannot_open_are_refused(name: str, data: bytes, label: str) -> None:
    assert refusal(name, data) == damaged(name, label)


# ---------------------------------------------------------------------------------------------
# clip length


def test_a_clip_over_the_limit_is_refused_with_both_lengths() -> None:
    message = "“课堂实录.mp4” is 12 min 5 s long; the limit is 10 min."
    assert refusal("课堂实录.mp4", make_mp4(seconds=725)) == message
    assert refusal("课堂实录.mp4", make_mp4(seconds=725, version=1, mdat_header="large")) == message


def test_a_clip_just_over_the_limit_shows_the_extra_second() -> None:
    assert refusal("v.mp4", make_mp4(seconds=600.6)) == "“v.mp4” is 10 min 1 s long; the limit is 10 min."


def cannot_read(name: str) -> str:
    return f"Cannot read the length of “{name}”; export the video again as MP4 and upload that."


@pytest.mark.parametrize(
    "video",
    [
        box(b"ftyp", b"isom" + bytes(8)) + box(b"mdat", bytes(100)),  # no movie box
        box(b"ftyp", b"isom" + bytes(8)) + box(b"moov", box(b"trak")) + box(b"mdat"),  # no movie header
        make_mp4(seconds=0),
        make_mp4(seconds=30, timescale=0),
        box(b"moov", mvhd(duration=0xFFFFFFFF, timescale=1000)),  # "unknown"
    ],
    ids=["no-moov", "no-mvhd", "zero-length", "zero-timescale", "unknown-duration"],
)
def test_a_clip_without_a_readable_length_is_refused(video: bytes) -> None:
    assert refusal("v.mp4", video) == cannot_read("v.mp4")


@pytest.mark.parametrize(
    "video",
    [
        make_mp4(seconds=30, moov_first=False)[:-20],  # cut off inside the movie box
        box(b"ftyp", b"isom" + bytes(8)) + struct.pack(">I4s", 4, b"mdat") + bytes(32),  # smaller than its header
        box(b"ftyp", b"isom" + bytes(8)) + box(b"moov", struct.pack(">I4s", 500, b"mvhd") + bytes(20)),
        box(b"ftyp", b"isom" + bytes(8)) + box(b"moov", box(b"mvhd", bytes((7, 0, 0, 0)) + bytes(96))),  # version 7
    ],
    ids=["truncated", "undersized-box", "overrunning-child", "unknown-version"],
)
def test_a_clip_with_a_broken_box_tree_is_refused(video: bytes) -> None:
    assert refusal("v.mp4", video) == damaged("v.mp4", "MP4 or MOV video")


def test_no_length_limit_still_needs_a_readable_length() -> None:
    rules = PieceRules(kinds=("mp4",), max_bytes=MB)
    assert inspect("v.mp4", make_mp4(seconds=7200), rules).duration_seconds == 7200
    assert refusal("v.mp4", make_mp4(seconds=0), rules) == cannot_read("v.mp4")


# ---------------------------------------------------------------------------------------------
# rules


@pytest.mark.parametrize(
    "arguments",
    [{"kinds": ("doc",), "max_bytes": MB}, {"kinds": (), "max_bytes": MB}, {"kinds": ("pdf",), "max_bytes": 0},
     {"kinds": ("mp4",), "max_bytes": MB, "max_seconds": 0}],
)
def test_rules_with_unknown_kinds_or_no_limit_are_a_programming_error(arguments: dict) -> None:
    with pytest.raises(ValueError):
        PieceRules(**arguments)


# ---------------------------------------------------------------------------------------------
# stripping author metadata


def members(archive: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(archive)) as opened:
        return {name: opened.read(name) for name in opened.namelist()}


@pytest.mark.parametrize(("kind", "main_part"), [("docx", "word/document.xml"), ("pptx", "ppt/presentation.xml"), ("xlsx", "xl/workbook.xml")])
def test_office_files_lose_their_author_and_keep_their_content(kind: str, main_part: str) -> None:
    original = zip_bytes(ooxml_members(kind, author="周晓梅", company="实验小学"))
    stripped = strip_author_metadata(kind=kind, data=original)
    before, after = members(original), members(stripped)

    assert after[main_part] == before[main_part]
    assert list(after) == [name for name in before if name != "docProps/custom.xml"]
    assert "周晓梅".encode() in before["docProps/core.xml"] and "实验小学".encode() in before["docProps/app.xml"]
    for content in after.values():
        assert "周晓梅".encode() not in content
        assert "实验小学".encode() not in content
    assert b"<dc:creator>" not in after["docProps/core.xml"] and b"lastModifiedBy" not in after["docProps/core.xml"]
    assert "<dc:title>分数的意义</dc:title>".encode() in after["docProps/core.xml"]
    assert b"<Company>" not in after["docProps/app.xml"] and b"<Manager>" not in after["docProps/app.xml"]
    assert b"<Application>WPS Office</Application>" in after["docProps/app.xml"]
    assert after["docProps/core.xml"].startswith(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>')
    assert b"custom" not in after["_rels/.rels"] and b"custom" not in after["[Content_Types].xml"]
    assert inspect(f"blind.{kind}", stripped).kind == kind


def test_office_files_without_custom_properties_keep_relationships_byte_identical() -> None:
    original = zip_bytes(ooxml_members("docx", custom_properties=False))
    before, after = members(original), members(strip_author_metadata(kind="docx", data=original))
    assert after["_rels/.rels"] == before["_rels/.rels"]
    assert after["[Content_Types].xml"] == before["[Content_Types].xml"]


def test_a_pdf_loses_a_chinese_author_too() -> None:
    stripped = strip_author_metadata(kind="pdf", data=make_pdf(author="周晓梅", title="教学反思"))
    metadata = PdfReader(io.BytesIO(stripped)).metadata
    assert metadata is not None and "周晓梅" not in metadata.values() and metadata["/Title"] == "教学反思"


def test_a_pdf_loses_author_creator_producer_and_xmp_and_keeps_its_pages() -> None:
    original = make_pdf(author="Zhou Xiaomei", title="教学反思", pages=3)
    stripped = strip_author_metadata(kind="pdf", data=original)
    reader = PdfReader(io.BytesIO(stripped))
    assert original.count(b"Zhou Xiaomei") == 2  # document info and XMP

    assert reader.metadata is not None
    assert {"/Author", "/Creator", "/Producer"}.isdisjoint(reader.metadata)
    assert reader.metadata["/Title"] == "教学反思"
    assert "/Metadata" not in reader.root_object
    assert len(reader.pages) == 3
    assert [page.mediabox for page in reader.pages] == [page.mediabox for page in PdfReader(io.BytesIO(original)).pages]
    assert b"Zhou Xiaomei" not in stripped
    assert inspect("blind.pdf", stripped).kind == "pdf"


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.tobytes()


@pytest.mark.parametrize("artist", ["Zhou Xiaomei", "周晓梅"])
def test_a_jpeg_loses_its_exif_and_comment_and_keeps_its_pixels_exactly(artist: str) -> None:
    original = make_jpeg(artist=artist, comment=f"拍摄：{artist}".encode())
    stripped = strip_author_metadata(kind="jpeg", data=original)
    author_forms = [artist.encode(), artist.encode("utf-16-le")]  # comment and Artist; XPAuthor
    assert all(form in original for form in author_forms)

    with Image.open(io.BytesIO(stripped)) as image:
        assert ExifTags.Base.Artist not in image.getexif()
        assert not image.getexif()
        assert "comment" not in image.info
    assert not any(form in stripped for form in author_forms)
    assert pixels(stripped) == pixels(original)  # not re-encoded
    assert inspect("blind.jpg", stripped).kind == "jpeg"


@pytest.mark.parametrize(
    "options", [{"progressive": True}, {"restart_marker_blocks": 1}, {"progressive": True, "restart_marker_rows": 1}]
)
def test_progressive_and_restart_marker_jpegs_keep_their_pixels(options: dict) -> None:
    noise = Image.frombytes("RGB", (64, 48), bytes((index * 7919) % 251 for index in range(64 * 48 * 3)))
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "Zhou Xiaomei"
    output = io.BytesIO()
    noise.save(output, "JPEG", exif=exif, **options)
    stripped = strip_author_metadata(kind="jpeg", data=output.getvalue())
    assert b"Zhou Xiaomei" in output.getvalue() and b"Zhou Xiaomei" not in stripped
    assert pixels(stripped) == pixels(output.getvalue())


def test_data_appended_after_a_jpeg_is_dropped() -> None:
    original = make_jpeg() + b"Artist: \xe5\x91\xa8 appended preview"
    stripped = strip_author_metadata(kind="jpeg", data=original)
    assert stripped.endswith(b"\xff\xd9")
    assert pixels(stripped) == pixels(original)


def test_a_jpeg_keeps_its_orientation_and_colour_profile() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = "周晓梅"
    exif[ExifTags.Base.Orientation] = 6
    output = io.BytesIO()
    gradient().save(output, "JPEG", exif=exif, icc_profile=profile)
    stripped = strip_author_metadata(kind="jpeg", data=output.getvalue())

    with Image.open(io.BytesIO(stripped)) as image:
        assert dict(image.getexif()) == {ExifTags.Base.Orientation: 6}
        assert image.info["icc_profile"] == profile


def test_a_png_loses_its_text_chunks_and_keeps_its_pixels() -> None:
    original = make_png(author="周晓梅")
    stripped = strip_author_metadata(kind="png", data=original)
    assert "周晓梅".encode() in original

    with Image.open(io.BytesIO(stripped)) as image:
        assert not {"Author", "Description"} & set(image.info)
    assert "周晓梅".encode() not in stripped
    assert pixels(stripped) == pixels(original)
    assert inspect("blind.png", stripped).kind == "png"


def test_a_video_is_returned_unchanged() -> None:
    video = make_mp4(seconds=30)
    assert strip_author_metadata(kind="mp4", data=video) == video


@pytest.mark.parametrize(
    ("kind", "data"),
    [("docx", b"PK\x03\x04 not really"), ("pdf", b"%PDF-1.4\n"), ("jpeg", make_jpeg()[:200]), ("png", make_png()[:30])],
)
def test_a_file_that_cannot_be_rewritten_is_returned_unchanged(kind: str, data: bytes) -> None:
    assert strip_author_metadata(kind=kind, data=data) == data


def test_stripping_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        strip_author_metadata(kind="doc", data=b"")
