"""Our own small H5P content types (TrueFalse, MultiChoice, Blanks) as real library folders, and
`.h5p` packages built from them: the demo's activities and the tests' packages.

No third-party H5P code: each library is a short ES5 content type for the H5P core that
h5p-standalone loads; the server recomputes every score it reports (assessments.h5p.scoring).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

SAMPLES_DIR = Path(__file__).resolve().parent

# kind → the library folder it plays with, named as H5P names it: machineName-major.minor
SAMPLE_FOLDERS: dict[str, str] = {
    "truefalse": "H5P.TrueFalse-1.8",
    "multichoice": "H5P.MultiChoice-1.16",
    "blanks": "H5P.Blanks-1.14",
}

# A fixed timestamp keeps the zip bytes (and so their sha256) identical from run to run.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def sample_library_files(folder: str, *, patch: int = 0) -> dict[str, bytes]:
    """The files of one sample library keyed relative to its folder; `patch` sets library.json's patchVersion."""
    if folder not in SAMPLE_FOLDERS.values():
        raise ValueError(f"No sample H5P library {folder!r}; choose one of {sorted(SAMPLE_FOLDERS.values())}.")
    directory = SAMPLES_DIR / folder
    files = {
        path.name: path.read_bytes()
        for path in sorted(directory.iterdir())
        if path.is_file() and not path.name.startswith(".")  # no editor or OS leftovers in a package
    }
    metadata = json.loads(files["library.json"])
    if metadata.get("patchVersion") != patch:
        metadata["patchVersion"] = patch
        files["library.json"] = _json_bytes(metadata)
    # library.json first, as H5P editors export it; the rest in name order
    return {"library.json": files.pop("library.json"), **files}


def sample_zip(files: dict[str, bytes]) -> bytes:
    """A deterministic zip: sorted names, fixed timestamps, regular-file modes, no directory entries."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(files.items()):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so external_attr carries a file mode
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def sample_package_files(kind: str, *, content: dict[str, Any], title: str, patch: int = 0) -> dict[str, bytes]:
    """Every file of a one-library package keyed by its path: h5p.json, content/content.json, the library."""
    folder = SAMPLE_FOLDERS.get(kind)
    if folder is None:
        raise ValueError(f"No sample H5P content type {kind!r}; choose one of {sorted(SAMPLE_FOLDERS)}.")
    library = sample_library_files(folder, patch=patch)
    metadata = json.loads(library["library.json"])
    h5p = {
        "title": title,
        "language": "zh",
        "mainLibrary": metadata["machineName"],
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [
            {
                "machineName": metadata["machineName"],
                "majorVersion": metadata["majorVersion"],
                "minorVersion": metadata["minorVersion"],
            }
        ],
    }
    files = {"h5p.json": _json_bytes(h5p), "content/content.json": _json_bytes(content)}
    files.update({f"{folder}/{path}": data for path, data in library.items()})
    return files


def sample_package(kind: str, *, content: dict[str, Any], title: str, patch: int = 0) -> bytes:
    """A zipped `.h5p` of one sample content type (`truefalse`, `multichoice` or `blanks`); same input, same bytes."""
    return sample_zip(sample_package_files(kind, content=content, title=title, patch=patch))
