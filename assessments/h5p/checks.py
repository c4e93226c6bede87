"""Validation of uploaded H5P packages (.h5p zip files): the public face of the checks.

`package_inspect` reads a package without writing anything to disk and without running any of it,
and reports every reason it finds to refuse it (errors) or to look twice (warnings). It combines
pyh5p (`read_package`, `H5PPackage.validate`, `Semantics.validate`) with our own stricter checks:
archive safety in checks_zip/checks_names, file contents in checks_media, libraries in
checks_library, h5p.json/content.json in checks_content.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from pyh5p import H5PPackage, LibraryId, PackageLimits, read_package
from pyh5p.package import PackagedLibrary as Pyh5pLibrary
from pyh5p.security import DEFAULT_ALLOWED_EXTENSIONS

from .checks_content import (
    CONTENT_JSON,
    H5P_JSON,
    MainLibrary,
    content_json_check,
    h5p_json_check,
    main_library_of,
    pyh5p_validate,
    semantics_check,
)
from .checks_data import Finding, Findings, H5PLimits, InspectedPackage, PackagedLibrary, PackageReport
from .checks_library import json_document, libraries_inspect, library_folders
from .checks_media import media_problem
from .checks_names import LIBRARY_EXTENSIONS
from .checks_zip import ArchiveScan, archive_scan, members_load

__all__ = [
    "Finding",
    "H5PLimits",
    "InspectedPackage",
    "PackageReport",
    "PackagedLibrary",
    "h5p_limits_from_settings",
    "package_inspect",
]

logger = logging.getLogger(__name__)

CORE_API_SETTING = re.compile(r"^\s*(\d+)\.(\d+)\s*$")


def h5p_limits_from_settings() -> H5PLimits:
    """Limits from the optional H5P_* settings; the H5PLimits defaults for any that are unset."""
    defaults = H5PLimits()
    return H5PLimits(
        max_package_bytes=int(getattr(settings, "H5P_MAX_PACKAGE_BYTES", defaults.max_package_bytes)),
        max_entries=int(getattr(settings, "H5P_MAX_ENTRIES", defaults.max_entries)),
        max_entry_bytes=int(getattr(settings, "H5P_MAX_ENTRY_BYTES", defaults.max_entry_bytes)),
        max_total_bytes=int(getattr(settings, "H5P_MAX_TOTAL_BYTES", defaults.max_total_bytes)),
        max_compression_ratio=float(getattr(settings, "H5P_MAX_COMPRESSION_RATIO", defaults.max_compression_ratio)),
        player_core_api=core_api_setting(getattr(settings, "H5P_PLAYER_CORE_API", None), defaults.player_core_api),
    )


def core_api_setting(value: Any, default: tuple[int, int]) -> tuple[int, int]:
    """H5P_PLAYER_CORE_API as "1.27" (or (1, 27))."""
    if value is None:
        return default
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(part, int) for part in value):
        return int(value[0]), int(value[1])
    match = CORE_API_SETTING.match(str(value))
    if match is None:
        raise ImproperlyConfigured(f"H5P_PLAYER_CORE_API must look like '1.27', not {value!r}")
    return int(match.group(1)), int(match.group(2))


def package_inspect(*, path: Path, name: str | None = None, limits: H5PLimits | None = None) -> PackageReport:
    """Check an uploaded .h5p file; never raises for bad input and never writes to disk."""
    findings = Findings()
    package: InspectedPackage | None
    try:
        package = package_check(path=Path(path), limits=limits or H5PLimits(), findings=findings)
    except Exception:  # a bug in the checks must refuse the upload, not crash it
        logger.exception("H5P package check failed on %s", path)
        findings.error("", _("The package could not be checked because of an internal error, so it was refused."))
        package = None
    return PackageReport(
        name=name or Path(path).name,
        errors=findings.errors,
        warnings=findings.warnings,
        package=None if findings.errors else package,
    )


@dataclass(frozen=True)
class Pyh5pRead:
    package: H5PPackage | None
    refusal: str | None  # why pyh5p would not read the package


def pyh5p_limits(limits: H5PLimits) -> PackageLimits:
    return PackageLimits(
        max_files=limits.max_entries,
        max_file_size=limits.max_entry_bytes,
        max_total_size=limits.max_total_bytes,
        # Ours applies the ratio above a size floor (checks_zip); pyh5p's has none and would refuse tiny repetitive files.
        max_compression_ratio=float(limits.max_entry_bytes),
        allowed_extensions=DEFAULT_ALLOWED_EXTENSIONS | LIBRARY_EXTENSIONS,
    )


def pyh5p_read(*, path: Path, limits: H5PLimits) -> Pyh5pRead:
    try:
        return Pyh5pRead(read_package(path, limits=pyh5p_limits(limits)), None)
    except Exception as error:  # PackageError for what it refuses; anything else is a pyh5p bug
        return Pyh5pRead(None, str(error) or type(error).__name__)


def package_check(*, path: Path, limits: H5PLimits, findings: Findings) -> InspectedPackage | None:
    scan = archive_scan(path=path, limits=limits, findings=findings)
    if scan is None:
        return None  # unsafe or damaged: nothing inside may be read
    read = pyh5p_read(path=path, limits=limits)
    # When pyh5p refuses, read the files ourselves so that every reason can still be reported.
    files = read.package.files if read.package is not None else members_load(path, scan.file_names)
    metadata = read.package.metadata if read.package is not None else h5p_json_load(files=files, findings=findings)
    libraries = libraries_inspect(
        folders=library_folders(files), refused=scan.name_refused, limits=limits, findings=findings
    )
    files_check(files=files, refused=scan.name_refused, findings=findings)
    main = h5p_json_check(metadata=metadata, libraries=libraries, findings=findings) if metadata is not None else None
    content = content_json_check(
        files=files, parsed=read.package.content if read.package is not None else None, findings=findings
    )
    if isinstance(metadata, dict):
        validated = read.package or pyh5p_package(metadata=metadata, content=content, libraries=libraries, files=files)
        pyh5p_validate(package=validated, findings=findings)
    main_library = main_library_of(main=main, libraries=libraries) if main is not None else None
    if main_library is not None and content is not None:
        main_library_check(library=main_library, content=content, findings=findings)
    if read.refusal is not None and not findings.errors:
        findings.error("", _("The package reader refused the package: %(reason)s") % {"reason": read.refusal})
    if findings.errors or main is None or content is None or not isinstance(metadata, dict):
        return None
    return inspected_package(scan=scan, metadata=metadata, main=main, content=content, files=files, libraries=libraries)


def h5p_json_load(*, files: Mapping[str, bytes], findings: Findings) -> Any | None:
    if H5P_JSON not in files:
        findings.error(H5P_JSON, _("The package has no h5p.json."))
        return None
    return json_document(files[H5P_JSON], where=H5P_JSON, findings=findings)


def files_check(*, files: Mapping[str, bytes], refused: set[str], findings: Findings) -> None:
    """Every file's bytes must match its extension; JSON documents read separately are skipped."""
    for name, data in files.items():
        if name in refused or name in {H5P_JSON, CONTENT_JSON} or is_library_json(name):
            continue
        problem = media_problem(name, data)
        if problem is not None:
            findings.error(name, problem)


def is_library_json(name: str) -> bool:
    top, _separator, relative = name.partition("/")
    return relative == "library.json" and top != "content"


def pyh5p_package(
    *, metadata: dict[str, Any], content: dict[str, Any] | None, libraries: list[PackagedLibrary], files: Mapping[str, bytes]
) -> H5PPackage:
    """The package as pyh5p would have read it, so its validation still runs when its reader refused."""
    return H5PPackage(
        metadata=metadata,
        content=content,
        libraries=tuple(
            Pyh5pLibrary(LibraryId(item.machine_name, item.major, item.minor, item.patch), item.files, {})
            for item in libraries
        ),
        files=dict(files),
    )


def main_library_check(*, library: PackagedLibrary, content: dict[str, Any], findings: Findings) -> None:
    if not library.runnable:
        findings.warning(
            f"{library.directory}/library.json", _("The main library %(library)s is not runnable.") % {"library": library.label}
        )
    semantics_check(library=library, content=content, findings=findings)


def inspected_package(
    *,
    scan: ArchiveScan,
    metadata: dict[str, Any],
    main: MainLibrary,
    content: dict[str, Any],
    files: Mapping[str, bytes],
    libraries: list[PackagedLibrary],
) -> InspectedPackage:
    title = metadata.get("title")
    return InspectedPackage(
        sha256=scan.sha256,
        size=scan.size,
        title=title if isinstance(title, str) else "",
        main_library=main.machine_name,
        main_library_version=main.version,
        h5p_json=metadata,
        content_json=content,
        content_files={
            name.removeprefix("content/"): data
            for name, data in files.items()
            if name.startswith("content/") and name != CONTENT_JSON
        },
        libraries=tuple(libraries),
    )
