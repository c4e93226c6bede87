"""Archive-level checks: size, zip structure, member paths, zip bombs and damaged (CRC) members.

Nothing is extracted: members are streamed and discarded here, and read into memory later only
when the whole archive has passed.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .checks_data import Findings, H5PLimits
from .checks_names import display_name, file_name_problem, unsafe_path_reason

# zipfile raises any of these for a hostile or damaged archive; all of them mean "damaged".
ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    KeyError,
)
# Below this size a member cannot hurt by expanding, and tiny repetitive files compress very well.
RATIO_FLOOR_BYTES = 64 * 1024
READ_CHUNK_BYTES = 1024 * 1024
SYMLINK_MODE = 0o120000


@dataclass
class ArchiveScan:
    """What the archive checks learned; `name_refused` files are skipped by the content checks."""

    sha256: str
    size: int
    file_names: list[str] = field(default_factory=list)
    name_refused: set[str] = field(default_factory=set)


def megabytes(size: float) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(READ_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def archive_scan(*, path: Path, limits: H5PLimits, findings: Findings) -> ArchiveScan | None:
    """Check the archive as a whole; None when it is unsafe or damaged and nothing more may be read."""
    size = package_size(path=path, limits=limits, findings=findings)
    if size is None:
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            scan = ArchiveScan(sha256="", size=size)
            if not members_check(infos=infos, limits=limits, findings=findings, scan=scan):
                return None
            if not members_read(archive=archive, infos=infos, limits=limits, findings=findings):
                return None
    except ZIP_ERRORS:
        findings.error("", _("This is not an H5P file: it is not a zip archive, or the archive is damaged or truncated."))
        return None
    scan.sha256 = file_digest(path)
    return scan


def package_size(*, path: Path, limits: H5PLimits, findings: Findings) -> int | None:
    """The file's size, checked against the limit before the file is opened."""
    try:
        stat = path.stat()
    except OSError:
        findings.error("", _("The file cannot be read."))
        return None
    if not path.is_file():
        findings.error("", _("This is not a file."))
        return None
    if stat.st_size > limits.max_package_bytes:
        findings.error(
            "",
            _("The file is %(size)s; packages may be at most %(limit)s.")
            % {"size": megabytes(stat.st_size), "limit": megabytes(limits.max_package_bytes)},
        )
        return None
    return stat.st_size


def members_check(*, infos: list[zipfile.ZipInfo], limits: H5PLimits, findings: Findings, scan: ArchiveScan) -> bool:
    """Check every member's name and declared size; False when reading any further would be unsafe."""
    if len(infos) > limits.max_entries:
        findings.error(
            "",
            _("The package has %(count)d entries; at most %(limit)d are allowed.")
            % {"count": len(infos), "limit": limits.max_entries},
        )
        return False
    safe = True
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        where = display_name(info.orig_filename)  # zipfile cuts names at a NUL; show the whole name
        problem = member_problem(info=info, limits=limits)
        if name in seen:
            problem = _("The package contains this name more than once.")
        seen.add(name)
        if problem is not None:
            findings.error(where, problem)
            safe = False
            continue
        if info.is_dir():
            continue
        total += info.file_size
        scan.file_names.append(name)
        name_problem = file_name_problem(name)
        if name_problem is not None:
            findings.error(where, name_problem)
            scan.name_refused.add(name)
    if total > limits.max_total_bytes:
        findings.error(
            "",
            _("The package expands to %(size)s; at most %(limit)s is allowed.")
            % {"size": megabytes(total), "limit": megabytes(limits.max_total_bytes)},
        )
        safe = False
    return safe


def member_problem(*, info: zipfile.ZipInfo, limits: H5PLimits) -> str | None:
    """Why this member must not be read at all (unsafe path, link, encryption, bomb), or None."""
    reason = unsafe_path_reason(info.orig_filename)
    if reason is not None:
        return reason
    if (info.external_attr >> 16) & 0o170000 == SYMLINK_MODE:
        return _("Symbolic links are not allowed.")
    if info.flag_bits & 0x1:
        return _("Encrypted entries are not allowed.")
    if info.is_dir():
        return None
    if info.file_size > limits.max_entry_bytes:
        return _("The file is %(size)s; files may be at most %(limit)s.") % {
            "size": megabytes(info.file_size),
            "limit": megabytes(limits.max_entry_bytes),
        }
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size >= RATIO_FLOOR_BYTES and ratio > limits.max_compression_ratio:
        return _("The file expands %(ratio)d times when unpacked (at most %(limit)d); this looks like a zip bomb.") % {
            "ratio": ratio,
            "limit": limits.max_compression_ratio,
        }
    return None


def members_read(*, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: H5PLimits, findings: Findings) -> bool:
    """Stream every member once so damaged data and CRC errors surface; nothing is kept."""
    intact = True
    for info in infos:
        if info.is_dir():
            continue
        problem = member_read_problem(archive=archive, info=info, limits=limits)
        if problem is not None:
            findings.error(display_name(info.filename), problem)
            intact = False
    return intact


def member_read_problem(*, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: H5PLimits) -> str | None:
    read = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(READ_CHUNK_BYTES):
                read += len(chunk)
                if read > min(info.file_size, limits.max_entry_bytes):
                    return _("The file is larger than the archive says.")
    except ZIP_ERRORS:
        return _("The file is damaged in the archive (it fails its CRC check or cannot be unpacked).")
    if read != info.file_size:
        return _("The file is damaged in the archive (it is shorter than the archive says).")
    return None


def members_load(path: Path, names: list[str]) -> dict[str, bytes]:
    """Read the named members into memory; only called on an archive that passed `archive_scan`."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in names}
