"""Data objects of the H5P package checks; standard library only, so any layer may import them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Joins the parts of a Finding's field: a package path, then a property inside that file.
FIELD_SEPARATOR = " › "


def field_path(*parts: str) -> str:
    return FIELD_SEPARATOR.join(part for part in parts if part)


@dataclass(frozen=True)
class Finding:
    field: str  # a package path, optionally "› property"; "" for the whole file
    message: str  # translated for the active language


@dataclass(frozen=True)
class H5PLimits:
    max_package_bytes: int = 200 * 1024 * 1024
    max_entries: int = 5000
    max_entry_bytes: int = 100 * 1024 * 1024
    max_total_bytes: int = 500 * 1024 * 1024
    max_compression_ratio: float = 100.0
    player_core_api: tuple[int, int] = (1, 27)


@dataclass(frozen=True)
class PackagedLibrary:
    machine_name: str
    major: int
    minor: int
    patch: int
    title: str
    runnable: bool
    core_api: tuple[int, int]
    directory: str  # folder name inside the package, e.g. "H5P.TrueFalse-1.8"
    files: dict[str, bytes] = field(hash=False)  # paths relative to the library folder
    files_hash: str
    preloaded: tuple[tuple[str, int, int], ...]  # (machineName, major, minor) this library preloads

    @property
    def label(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}.{self.patch}"


@dataclass(frozen=True)
class InspectedPackage:
    sha256: str  # of the whole .h5p file
    size: int
    title: str
    main_library: str
    main_library_version: tuple[int, int] | None
    h5p_json: dict[str, Any] = field(hash=False)
    content_json: dict[str, Any] = field(hash=False)
    content_files: dict[str, bytes] = field(hash=False)  # under content/, keyed relative to it
    libraries: tuple[PackagedLibrary, ...]


@dataclass
class PackageReport:
    name: str  # file name shown to the user
    errors: list[Finding]
    warnings: list[Finding]
    package: InspectedPackage | None  # None when refused

    @property
    def accepted(self) -> bool:
        return not self.errors


def files_hash(files: Mapping[str, bytes]) -> str:
    """sha256 over the sorted (path, sha256(bytes)) pairs: identical files give an identical hash."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8"))
        digest.update(b"\x00")
        digest.update(hashlib.sha256(files[path]).hexdigest().encode("ascii"))
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass
class Findings:
    """Errors and warnings collected by the checks, in the order found."""

    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def error(self, where: str, message: str) -> None:
        self.errors.append(Finding(where, message))

    def warning(self, where: str, message: str) -> None:
        self.warnings.append(Finding(where, message))

    def errors_at(self, prefix: str) -> bool:
        return any(item.field == prefix or item.field.startswith(prefix + FIELD_SEPARATOR) for item in self.errors)

    def errors_under(self, folder: str) -> bool:
        return any(item.field.startswith(folder) for item in self.errors)
