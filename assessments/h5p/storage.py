"""Where H5P files live on disk: content-addressed package and library folders under H5P_ROOT.

Uploads wait in `incoming/` (our temporary folder) until checked; an accepted package is written to a
fresh folder under `tmp/` and renamed into place, so a folder under `packages/` or `libraries/` is
always complete, and identical packages or library versions are written once.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from django.conf import settings


def h5p_root() -> Path:
    configured = getattr(settings, "H5P_ROOT", None)
    return Path(configured) if configured else Path(settings.PRIVATE_ROOT) / "h5p"


def incoming_path(key: str) -> Path:
    return h5p_root() / "incoming" / f"{key}.h5p"


def incoming_key_new() -> str:
    return uuid.uuid4().hex


def package_dir(sha256: str) -> Path:
    return h5p_root() / "packages" / sha256[:2] / sha256


def library_dir(storage_key: str) -> Path:
    return h5p_root() / "libraries" / storage_key


def library_storage_key(*, machine_name: str, version: tuple[int, int, int], files_hash: str) -> str:
    major, minor, patch = version
    return f"{machine_name}-{major}.{minor}.{patch}-{files_hash[:16]}"


def _write_tree(final: Path, files: Iterable[tuple[str, bytes]]) -> Path:
    """Write files into a fresh temporary folder, then rename it into place (nothing half-written)."""
    if final.is_dir():
        return final
    staging = h5p_root() / "tmp" / uuid.uuid4().hex
    try:
        for relative, data in files:
            target = staging.joinpath(*PurePosixPath(relative).parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staging.mkdir(parents=True, exist_ok=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.rename(staging, final)
        except OSError:
            if not final.is_dir():  # another worker stored the same files first: theirs stands
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return final


def package_files_store(*, sha256: str, h5p_json: bytes, content_json: bytes, content_files: Mapping[str, bytes]) -> Path:
    """Store a package's own files: h5p.json and content/ (its libraries are stored apart)."""
    files = [("h5p.json", h5p_json), ("content/content.json", content_json)]
    files.extend((f"content/{name}", data) for name, data in content_files.items())
    return _write_tree(package_dir(sha256), files)


def library_files_store(*, storage_key: str, files: Mapping[str, bytes]) -> Path:
    return _write_tree(library_dir(storage_key), files.items())


def stored_file(base: Path, relative: str) -> Path | None:
    """The file at `relative` under `base`, or None for anything unsafe or absent."""
    parts = PurePosixPath(relative).parts
    if not relative or relative.startswith("/") or "\\" in relative or "\x00" in relative:
        return None
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    target = base.joinpath(*parts)
    try:
        resolved = target.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not resolved.is_file() or base.resolve() not in resolved.parents:
        return None
    return resolved


def incoming_discard(key: str) -> None:
    if key:
        incoming_path(key).unlink(missing_ok=True)
