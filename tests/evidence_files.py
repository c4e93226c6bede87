"""Builders for classroom evidence uploads: small but structurally real documents, clips and images.

Every builder returns bytes. The Office files carry just the parts the inspection reads (content types,
relationships, properties, the main part); the MP4s are real ISO BMFF box trees (ftyp, moov/mvhd, mdat)
of a chosen length; the PDFs come from pypdf and the images from Pillow. Other tests and the browser
tests build their uploads from these.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable

from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

ZIP_DATE = (2024, 9, 1, 8, 0, 0)
OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
EXE_HEADER = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(48)

OOXML_MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "pptx": ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
MACRO_MAIN_TYPES = {
    "docx": "application/vnd.ms-word.document.macroEnabled.main+xml",
    "pptx": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "xlsx": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
}
MAIN_PART_XML = {
    "docx": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        "<w:p><w:r><w:t>教学设计：分数的意义</w:t></w:r></w:p></w:body></w:document>"
    ),
    "pptx": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'
    ),
    "xlsx": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>'
    ),
}


def zip_bytes(members: Iterable[tuple[str, bytes]], *, compress: bool = True) -> bytes:
    """A zip of (name, bytes) pairs in the order given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            archive.writestr(info, content)
    return buffer.getvalue()


def ooxml_members(
    kind: str = "docx",
    *,
    author: str = "张老师",
    company: str = "实验小学",
    title: str = "分数的意义",
    macros: bool = False,
    custom_properties: bool = True,
) -> list[tuple[str, bytes]]:
    """The parts of a small .docx/.pptx/.xlsx, to zip as they are or bent out of shape first."""
    main_part, main_type = OOXML_MAIN[kind]
    overrides = [
        (f"/{main_part}", MACRO_MAIN_TYPES[kind] if macros else main_type),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
    ]
    relationships = [
        ("officeDocument", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument", main_part),
        ("core", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
        ("app", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties", "docProps/app.xml"),
    ]
    if custom_properties:
        overrides.append(("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml"))
        relationships.append(
            ("custom", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties", "docProps/custom.xml")
        )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + ('<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>' if macros else "")
        + "".join(f'<Override PartName="{part}" ContentType="{content_type}"/>' for part, content_type in overrides)
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="{rid}" Type="{rtype}" Target="{target}"/>' for rid, rtype, target in relationships)
        + "</Relationships>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>"
        f"<cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>3</cp:revision>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2024-09-01T08:00:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )
    app = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>WPS Office</Application><Company>{company}</Company><Manager>{author}</Manager>"
        "<Pages>1</Pages></Properties>"
    )
    members = [
        ("[Content_Types].xml", content_types.encode()),
        ("_rels/.rels", rels.encode()),
        ("docProps/core.xml", core.encode()),
        ("docProps/app.xml", app.encode()),
        (main_part, MAIN_PART_XML[kind].encode()),
    ]
    if custom_properties:
        custom = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="Teacher">'
            f"<vt:lpwstr>{author}</vt:lpwstr></property></Properties>"
        )
        members.append(("docProps/custom.xml", custom.encode()))
    if macros:
        members.append((f"{main_part.split('/')[0]}/vbaProject.bin", OLE_HEADER))
    return members


def make_docx(*, author: str = "张老师", macros: bool = False, company: str = "实验小学") -> bytes:
    return zip_bytes(ooxml_members("docx", author=author, macros=macros, company=company))


def make_pptx(*, author: str = "张老师", macros: bool = False, company: str = "实验小学") -> bytes:
    return zip_bytes(ooxml_members("pptx", author=author, macros=macros, company=company))


def make_xlsx(*, author: str = "张老师", macros: bool = False, company: str = "实验小学") -> bytes:
    return zip_bytes(ooxml_members("xlsx", author=author, macros=macros, company=company))


# ---------------------------------------------------------------------------------------------
# ISO BMFF video


def box(box_type: bytes, payload: bytes = b"", *, large: bool = False) -> bytes:
    """One ISO BMFF box; `large` writes the 64-bit size form (size field 1)."""
    if large:
        return struct.pack(">I4sQ", 1, box_type, 16 + len(payload)) + payload
    return struct.pack(">I4s", 8 + len(payload), box_type) + payload


def mvhd(*, duration: int, timescale: int, version: int = 0) -> bytes:
    """A movie header box; version 1 has 64-bit times and duration."""
    if version == 1:
        times = struct.pack(">QQIQ", 3_800_000_000, 3_800_000_000, timescale, duration)
    else:
        times = struct.pack(">IIII", 3_800_000_000, 3_800_000_000, timescale, duration)
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    rest = struct.pack(">IH10x", 0x10000, 0x100) + matrix + bytes(24) + struct.pack(">I", 2)
    return box(b"mvhd", bytes((version, 0, 0, 0)) + times + rest)


def make_mp4(
    *,
    seconds: float = 30,
    version: int = 0,
    timescale: int = 1000,
    brand: bytes = b"isom",
    ftyp: bool = True,
    moov_first: bool = True,
    media_bytes: int = 1024,
    mdat_header: str = "normal",
) -> bytes:
    """ftyp + moov(mvhd) + mdat of `seconds`; mdat_header "normal", "large" (64-bit size) or "to_end" (size 0)."""
    moov = box(b"moov", mvhd(duration=round(seconds * timescale), timescale=timescale, version=version))
    media = bytes(range(256)) * (media_bytes // 256) + bytes(media_bytes % 256)
    if mdat_header == "to_end":
        mdat = struct.pack(">I4s", 0, b"mdat") + media
    else:
        mdat = box(b"mdat", media, large=mdat_header == "large")
    if mdat_header == "to_end" and not moov_first:
        raise ValueError("a box of size 0 runs to the end of the file, so it comes last")
    head = box(b"ftyp", brand + struct.pack(">I", 0x200) + b"isomiso2avc1mp41") if ftyp else b""
    return head + (moov + mdat if moov_first else mdat + moov)


# ---------------------------------------------------------------------------------------------
# PDF

XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>%s</rdf:li>'
    b"</rdf:Seq></dc:creator></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>"
)


def make_pdf(
    *,
    author: str = "张老师",
    title: str = "教学反思",
    javascript: bool = False,
    launch: bool = False,
    embedded_file: bool = False,
    xmp: bool = True,
    pages: int = 1,
    password: str | None = None,
) -> bytes:
    """A PDF of blank pages with document info (and XMP) naming the author; optionally active content."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Author": author, "/Creator": "Microsoft Word", "/Producer": "WPS PDF", "/Title": title})
    if xmp:
        writer.xmp_metadata = XMP_PACKET % author.encode()
    if javascript:
        writer.add_open_action(JavaScript("app.alert('hello');"))
    if launch:
        action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
        writer.root_object[NameObject("/OpenAction")] = action
    if embedded_file:
        writer.add_attachment("notes.txt", b"attached")
    if password is not None:
        writer.encrypt(user_password=password, owner_password=password, algorithm="AES-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def raw_pdf(objects: list[bytes], *, object_stream: list[bytes] | None = None) -> bytes:
    """A hand-written PDF; object 1 is the catalog. `object_stream` packs more objects into a compressed
    object stream (numbered after `objects`) with a cross-reference stream, as PDF 1.5 writers do."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if object_stream is None:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
        return bytes(out)
    first_packed = len(objects) + 1
    stream_number = first_packed + len(object_stream)
    header, body = b"", b""
    for index, packed in enumerate(object_stream):
        header += b"%d %d " % (first_packed + index, len(body))
        body += packed + b"\n"
    data = zlib.compress(header + body)
    offsets.append(len(out))
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n" % (
        stream_number, len(object_stream), len(header), len(data))
    out += data + b"\nendstream\nendobj\n"
    xref_number = stream_number + 1
    rows = [b"\x00\x00\x00\x00\xff\xff"]  # object 0, free
    rows += [b"\x01" + struct.pack(">I", offset) + b"\x00" for offset in offsets[: len(objects)]]
    rows += [b"\x02" + struct.pack(">I", stream_number) + bytes((index,)) for index in range(len(object_stream))]
    rows += [b"\x01" + struct.pack(">I", offsets[-1]) + b"\x00"]
    xref_offset = len(out)
    rows += [b"\x01" + struct.pack(">I", xref_offset) + b"\x00"]
    table = b"".join(rows)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 1] /Root 1 0 R /Length %d >>\nstream\n" % (
        xref_number, xref_number + 1, len(table))
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# Images


def gradient(size: tuple[int, int] = (32, 24)) -> Image.Image:
    image = Image.new("RGB", size)
    image.putdata([(x * 8 % 256, y * 10 % 256, (x + y) * 4 % 256) for y in range(size[1]) for x in range(size[0])])
    return image


def make_jpeg(*, artist: str = "Zhou Xiaomei", orientation: int | None = None, comment: bytes = b"") -> bytes:
    """A JPEG with EXIF naming the artist (and an orientation, a comment if asked).

    Artist and Copyright are ASCII in EXIF (Pillow writes "?" for other characters); Windows keeps a
    Chinese name in XPAuthor, as UTF-16, which is written too."""
    exif = Image.Exif()
    exif[ExifTags.Base.Artist] = artist
    exif[ExifTags.Base.Copyright] = artist
    exif[ExifTags.Base.XPAuthor] = artist.encode("utf-16-le") + b"\0\0"
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    output = io.BytesIO()
    gradient().save(output, "JPEG", quality=90, exif=exif, comment=comment)
    return output.getvalue()


def make_png(*, author: str = "张老师") -> bytes:
    """A PNG with text chunks naming the author."""
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", author)
    text.add_itxt("Description", f"{author}的板书", lang="zh", tkey="描述")
    output = io.BytesIO()
    gradient().save(output, "PNG", pnginfo=text)
    return output.getvalue()
