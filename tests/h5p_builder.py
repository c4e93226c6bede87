"""Builders for H5P test packages on our own TrueFalse, MultiChoice and Blanks libraries.

The libraries are product files (assessments/h5p/samples/, also the demo's): real small ES5 H5P content
types for the core that h5p-standalone loads. Each renders its question, computes the score the way
H5P's own types do and triggers an xAPI "answered" statement; the server recomputes the score
independently. Here are the general builders the tests use to bend packages out of shape.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from assessments.h5p.samples import ZIP_DATE, sample_library_files, sample_package

# 1x1 baseline JPEG and 1x1 RGB PNG, generated once with Pillow and frozen here.
JPEG_BYTES = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300100b0c0e0c0a100e0d0e1211101318281a18161618"
    "3123251d283a333d3c3933383740485c4e404457453738506d51575f626768673e4d71797064785c656763ffdb00"
    "43011112121815182f1a1a2f634238426363636363636363636363636363636363636363636363636363636363"
    "636363636363636363636363636363636363636363ffc00011080001000103012200021101031101ffc400150001"
    "0100000000000000000000000000000005ffc40014100100000000000000000000000000000000ffc40015010101"
    "00000000000000000000000000000406ffc40014110100000000000000000000000000000000ffda000c03010002"
    "110311003f008e002a87ffd9"
)
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c633821"
    "27070002b6010534a675aa0000000049454e44ae426082"
)

TRUEFALSE = ("H5P.TrueFalse", 1, 8)
MULTICHOICE = ("H5P.MultiChoice", 1, 16)
BLANKS = ("H5P.Blanks", 1, 14)


# ---------------------------------------------------------------------------------------------
# zip and package assembly


def zip_members(
    members: Iterable[tuple[str, bytes]],
    *,
    compress: bool = True,
    unix_modes: Mapping[str, int] | None = None,
) -> bytes:
    """A zip of (name, bytes) pairs in the order given; names may repeat; `unix_modes` sets st_mode bits."""
    modes = unix_modes or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            info.create_system = 3  # unix, so external_attr carries a file mode
            mode = modes.get(name, 0o040755 if name.endswith("/") else 0o100644)
            info.external_attr = (mode & 0xFFFF) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes], *, compress: bool = True) -> bytes:
    """A deterministic zip: sorted names, fixed timestamps, no directory entries."""
    return zip_members(sorted(files.items()), compress=compress)


def json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def library_json(
    machine_name: str,
    major: int,
    minor: int,
    patch: int,
    *,
    js_path: str | None,
    css_path: str | None,
    core_api: tuple[int, int] | None,
    preloaded: Iterable[tuple[str, int, int]],
    runnable: bool,
    title: str | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "title": title or machine_name.split(".")[-1],
        "machineName": machine_name,
        "majorVersion": major,
        "minorVersion": minor,
        "patchVersion": patch,
        "runnable": 1 if runnable else 0,
        "license": "MIT",
        "author": "teacher-lms tests",
        "embedTypes": ["iframe"],
    }
    if core_api is not None:
        metadata["coreApi"] = {"majorVersion": core_api[0], "minorVersion": core_api[1]}
    if js_path:
        metadata["preloadedJs"] = [{"path": js_path}]
    if css_path:
        metadata["preloadedCss"] = [{"path": css_path}]
    dependencies = [
        {"machineName": name, "majorVersion": dep_major, "minorVersion": dep_minor}
        for name, dep_major, dep_minor in preloaded
    ]
    if dependencies:
        metadata["preloadedDependencies"] = dependencies
    return metadata


def library_files(
    machine_name: str,
    major: int,
    minor: int,
    patch: int,
    *,
    js: str,
    css: str = "",
    semantics: list[Any] | None = None,
    core_api: tuple[int, int] | None = None,
    preloaded: Iterable[tuple[str, int, int]] = (),
    runnable: bool = True,
    extra: dict[str, bytes] | None = None,
    js_path: str | None = None,
    css_path: str | None = None,
    title: str | None = None,
) -> dict[str, bytes]:
    """Files of one library, keyed relative to its folder; `core_api=None` leaves coreApi out."""
    stem = machine_name.split(".")[-1].lower()
    js_name = js_path or f"{stem}.js"
    css_name = (css_path or f"{stem}.css") if css else None
    metadata = library_json(
        machine_name,
        major,
        minor,
        patch,
        js_path=js_name,
        css_path=css_name,
        core_api=core_api,
        preloaded=preloaded,
        runnable=runnable,
        title=title,
    )
    files: dict[str, bytes] = {"library.json": json_bytes(metadata), js_name: js.encode("utf-8")}
    if css_name:
        files[css_name] = css.encode("utf-8")
    if semantics is not None:
        files["semantics.json"] = json_bytes(semantics)
    files.update(extra or {})
    return files


def _library_id(files: Mapping[str, bytes]) -> tuple[str, int, int]:
    metadata = json.loads(files["library.json"])
    return metadata["machineName"], metadata["majorVersion"], metadata["minorVersion"]


def package_files(
    *,
    title: str,
    main: tuple[str, int, int, int],
    libraries: dict[str, dict[str, bytes]],
    content: dict[str, Any],
    media: dict[str, bytes] | None = None,
    dependencies: list[tuple[str, int, int]] | None = None,
) -> dict[str, bytes]:
    """Every file of a package keyed by its full path; dependencies default to all libraries, main first."""
    if dependencies is None:
        found = [_library_id(files) for files in libraries.values() if "library.json" in files]
        main_id = (main[0], main[1], main[2])
        dependencies = [main_id] + [item for item in found if item != main_id]
    h5p = {
        "title": title,
        "language": "zh",
        "mainLibrary": main[0],
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": name, "majorVersion": major, "minorVersion": minor}
            for name, major, minor in dependencies
        ],
    }
    files: dict[str, bytes] = {"h5p.json": json_bytes(h5p), "content/content.json": json_bytes(content)}
    for folder, library in libraries.items():
        files.update({f"{folder}/{path}": data for path, data in library.items()})
    for path, data in (media or {}).items():
        files[f"content/{path}"] = data
    return files


def write_package(tmp_path: Path, data: bytes, name: str = "activity.h5p") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------------
# H5P.TrueFalse


def truefalse_library(patch: int = 0) -> dict[str, bytes]:
    return sample_library_files("H5P.TrueFalse-1.8", patch=patch)


TRUEFALSE_JS = truefalse_library()["tf.js"].decode("utf-8")
TRUEFALSE_SEMANTICS: list[Any] = json.loads(truefalse_library()["semantics.json"])


def _truefalse_content(*, correct: bool, question: str) -> dict[str, Any]:
    return {"question": f"<p>{question}</p>", "correct": "true" if correct else "false"}


def truefalse_files(
    *, correct: bool = True, question: str = "信息技术可以支持课堂讲授。", patch: int = 0, title: str = "判断题"
) -> dict[str, bytes]:
    return package_files(
        title=title,
        main=(*TRUEFALSE, patch),
        libraries={"H5P.TrueFalse-1.8": truefalse_library(patch)},
        content=_truefalse_content(correct=correct, question=question),
    )


def truefalse_package(
    *, correct: bool = True, question: str = "信息技术可以支持课堂讲授。", patch: int = 0, title: str = "判断题"
) -> bytes:
    return sample_package("truefalse", content=_truefalse_content(correct=correct, question=question), title=title, patch=patch)


# ---------------------------------------------------------------------------------------------
# H5P.MultiChoice


def multichoice_library(patch: int = 0) -> dict[str, bytes]:
    return sample_library_files("H5P.MultiChoice-1.16", patch=patch)


MULTICHOICE_JS = multichoice_library()["mc.js"].decode("utf-8")
MULTICHOICE_SEMANTICS: list[Any] = json.loads(multichoice_library()["semantics.json"])

DEFAULT_ANSWERS: list[tuple[str, bool]] = [
    ("多媒体课件", True),
    ("粉笔", False),
    ("黑板擦", False),
]


def _multichoice_content(
    *, answers: list[tuple[str, bool]] | None, single_point: bool, question: str
) -> dict[str, Any]:
    return {
        "question": f"<p>{question}</p>",
        "answers": [{"text": f"<div>{text}</div>", "correct": correct} for text, correct in answers or DEFAULT_ANSWERS],
        "behaviour": {"singlePoint": single_point, "type": "auto"},
    }


def multichoice_files(
    *,
    answers: list[tuple[str, bool]] | None = None,
    single_point: bool = False,
    patch: int = 0,
    title: str = "单选题",
    question: str = "下列哪一项属于信息技术教学资源？",
) -> dict[str, bytes]:
    return package_files(
        title=title,
        main=(*MULTICHOICE, patch),
        libraries={"H5P.MultiChoice-1.16": multichoice_library(patch)},
        content=_multichoice_content(answers=answers, single_point=single_point, question=question),
    )


def multichoice_package(
    *, answers: list[tuple[str, bool]] | None = None, single_point: bool = False, patch: int = 0, title: str = "单选题"
) -> bytes:
    content = _multichoice_content(answers=answers, single_point=single_point, question="下列哪一项属于信息技术教学资源？")
    return sample_package("multichoice", content=content, title=title, patch=patch)


# ---------------------------------------------------------------------------------------------
# H5P.Blanks


def blanks_library(patch: int = 0) -> dict[str, bytes]:
    return sample_library_files("H5P.Blanks-1.14", patch=patch)


BLANKS_JS = blanks_library()["blanks.js"].decode("utf-8")
BLANKS_SEMANTICS: list[Any] = json.loads(blanks_library()["semantics.json"])

DEFAULT_BLANKS: list[str] = ["<p>课堂上用 *PPT/演示文稿* 展示。</p>", "<p>网络学习空间的英文缩写是 *OLS*。</p>"]


def _blanks_content(*, questions: list[str] | None, case_sensitive: bool) -> dict[str, Any]:
    return {
        "text": "<p>在空白处填写正确答案。</p>",
        "questions": list(questions or DEFAULT_BLANKS),
        "behaviour": {"caseSensitive": case_sensitive},
    }


def blanks_files(
    *, questions: list[str] | None = None, case_sensitive: bool = True, patch: int = 0, title: str = "填空题"
) -> dict[str, bytes]:
    return package_files(
        title=title,
        main=(*BLANKS, patch),
        libraries={"H5P.Blanks-1.14": blanks_library(patch)},
        content=_blanks_content(questions=questions, case_sensitive=case_sensitive),
    )


def blanks_package(
    *, questions: list[str] | None = None, case_sensitive: bool = True, patch: int = 0, title: str = "填空题"
) -> bytes:
    content = _blanks_content(questions=questions, case_sensitive=case_sensitive)
    return sample_package("blanks", content=content, title=title, patch=patch)
