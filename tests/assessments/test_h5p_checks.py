"""The H5P package checks: every refusal, the warnings, and acceptance of our own three content types."""

from __future__ import annotations

import hashlib
import json
import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from assessments.h5p import checks_library
from assessments.h5p.checks import H5PLimits, PackageReport, h5p_limits_from_settings, package_inspect
from tests.h5p_builder import (
    JPEG_BYTES,
    PNG_BYTES,
    blanks_files,
    blanks_package,
    json_bytes,
    library_files,
    multichoice_files,
    multichoice_package,
    package_files,
    truefalse_files,
    truefalse_package,
    write_package,
    zip_bytes,
    zip_members,
)

TF = "H5P.TrueFalse-1.8"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def inspect_bytes(tmp_path: Path, data: bytes, **kwargs: Any) -> PackageReport:
    return package_inspect(path=write_package(tmp_path, data), **kwargs)


def inspect_files(tmp_path: Path, files: dict[str, bytes], **kwargs: Any) -> PackageReport:
    return inspect_bytes(tmp_path, zip_bytes(files), **kwargs)


def edited(files: dict[str, bytes], name: str, change: Callable[[Any], Any]) -> dict[str, bytes]:
    """The package files with one JSON file changed by `change(parsed)`."""
    result = dict(files)
    result[name] = json_bytes(change(json.loads(files[name])))
    return result


def without(mapping: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if key not in keys}


def assert_refused_at(report: PackageReport, field: str, message_part: str = "") -> None:
    assert not report.accepted
    assert report.package is None
    matches = [item for item in report.errors if item.field == field and message_part in item.message]
    assert matches, f"no error at {field!r} containing {message_part!r}; errors: {report.errors}"


# --- acceptance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "main", "version"),
    [
        (truefalse_package, "H5P.TrueFalse", (1, 8)),
        (multichoice_package, "H5P.MultiChoice", (1, 16)),
        (blanks_package, "H5P.Blanks", (1, 14)),
    ],
)
def test_builder_packages_are_accepted(tmp_path, build, main, version):
    data = build()
    report = inspect_bytes(tmp_path, data, name="活动.h5p")
    assert report.errors == [] and report.warnings == []
    assert report.accepted and report.name == "活动.h5p"
    package = report.package
    assert package is not None
    assert (package.main_library, package.main_library_version) == (main, version)
    assert package.sha256 == hashlib.sha256(data).hexdigest() and package.size == len(data)
    assert package.h5p_json["mainLibrary"] == main and isinstance(package.content_json, dict)
    [library] = package.libraries
    assert library.machine_name == main and library.runnable and library.core_api == (1, 24)
    assert "library.json" in library.files and library.preloaded == ()


def test_inspected_package_details(tmp_path):
    files = truefalse_files(patch=2, title="判断题 A")
    files["content/images/a.jpg"] = JPEG_BYTES
    files["content/images/b.png"] = PNG_BYTES
    package = inspect_files(tmp_path, files).package
    assert package is not None
    assert package.title == "判断题 A"
    assert package.content_files == {"images/a.jpg": JPEG_BYTES, "images/b.png": PNG_BYTES}
    [library] = package.libraries
    assert library.label == "H5P.TrueFalse 1.8.2" and library.directory == TF


def test_files_hash_depends_only_on_the_library_files(tmp_path):
    def library_hash(data: bytes, name: str) -> str:
        package = package_inspect(path=write_package(tmp_path, data, name)).package
        assert package is not None
        return package.libraries[0].files_hash

    same = library_hash(truefalse_package(correct=True), "a.h5p")
    assert same == library_hash(truefalse_package(correct=False, question="另一题"), "b.h5p")
    assert same != library_hash(truefalse_package(patch=1), "c.h5p")


def test_directory_entries_and_library_language_template_are_accepted(tmp_path):
    files = truefalse_files()
    files[f"{TF}/language/.en.json"] = b'{"semantics": []}'
    files[f"{TF}/language/zh.json"] = b'{"semantics": []}'
    files[f"{TF}/icon.svg"] = b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0h1v1z"/></svg>'
    members = [("content/", b""), (f"{TF}/", b""), *sorted(files.items())]
    report = inspect_bytes(tmp_path, zip_members(members))
    assert report.accepted, report.errors


# --- the archive -------------------------------------------------------------------------------


def damaged_crc() -> bytes:
    data = zip_bytes(truefalse_files(question="CRC-PROBE"), compress=False)
    return data.replace(b"CRC-PROBE", b"CRC-PROBF")


@pytest.mark.parametrize(
    ("data", "field", "message_part"),
    [
        (b"<?php system($_GET['c']); ?>", "", "not a zip archive"),
        (truefalse_package()[:-200], "", "not a zip archive"),
        (truefalse_package()[:40], "", "not a zip archive"),
        (b"", "", "not a zip archive"),
        (damaged_crc(), "content/content.json", "CRC"),
    ],
    ids=["not-a-zip", "truncated", "truncated-to-a-header", "empty", "bad-crc"],
)
def test_broken_archives_are_refused(tmp_path, data, field, message_part):
    assert_refused_at(inspect_bytes(tmp_path, data), field, message_part)


@pytest.mark.parametrize(
    ("limits", "field", "message_part"),
    [
        (H5PLimits(max_package_bytes=1000), "", "packages may be at most"),
        (H5PLimits(max_entries=3), "", "at most 3 are allowed"),
        (H5PLimits(max_entry_bytes=2000), f"{TF}/tf.js", "files may be at most"),
        (H5PLimits(max_total_bytes=4000), "", "expands to"),
    ],
    ids=["package-size", "entries", "entry-size", "total-size"],
)
def test_size_limits(tmp_path, limits, field, message_part):
    assert_refused_at(inspect_bytes(tmp_path, truefalse_package(), limits=limits), field, message_part)


def test_zip_bomb_member_is_refused(tmp_path):
    files = truefalse_files()
    files["content/notes.txt"] = b"0" * (5 * 1024 * 1024)
    assert_refused_at(inspect_files(tmp_path, files), "content/notes.txt", "zip bomb")


def test_small_repetitive_files_are_not_taken_for_bombs(tmp_path):
    files = truefalse_files()
    files["content/notes.txt"] = b" " * 20_000
    assert inspect_files(tmp_path, files).accepted


def test_duplicate_names_are_refused(tmp_path):
    members = [*sorted(truefalse_files().items()), ("content/content.json", b"{}")]
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zip_members(members)
    assert_refused_at(inspect_bytes(tmp_path, data), "content/content.json", "more than once")


def test_symlinks_are_refused(tmp_path):
    members = [*sorted(truefalse_files().items()), ("content/link.txt", b"/etc/passwd")]
    data = zip_members(members, unix_modes={"content/link.txt": 0o120777})
    assert_refused_at(inspect_bytes(tmp_path, data), "content/link.txt", "Symbolic links")


@pytest.mark.parametrize(
    ("name", "message_part"),
    [
        ("../evil.json", "'..'"),
        ("content/../../evil.json", "'..'"),
        ("/etc/evil.json", "absolute"),
        ("content\\evil.json", "backslash"),
        ("C:evil.json", "drive letter"),
        ("content/a:b.json", "colon"),
        ("content//evil.json", "empty"),
        ("content/\u202egpj.json", "invisible"),
    ],
)
def test_unsafe_paths_are_refused(tmp_path, name, message_part):
    data = zip_members([*sorted(truefalse_files().items()), (name, b"{}")])
    report = inspect_bytes(tmp_path, data)
    assert not report.accepted
    assert any(message_part in item.message for item in report.errors), report.errors


def test_nul_in_a_name_is_refused(tmp_path):
    # zipfile cuts names at NUL when writing, so the byte is put into the archive afterwards.
    data = zip_members([*sorted(truefalse_files().items()), ("content/evil.phpXa.png", PNG_BYTES)])
    data = data.replace(b"evil.phpXa.png", b"evil.php\x00a.png")
    report = inspect_bytes(tmp_path, data)
    assert_refused_at(report, "content/evil.php\\u0000a.png", "NUL")


def test_every_unsafe_member_is_reported(tmp_path):
    data = zip_members([*sorted(truefalse_files().items()), ("../a.json", b"{}"), ("/b.json", b"{}")])
    fields = [item.field for item in inspect_bytes(tmp_path, data).errors]
    assert fields == ["../a.json", "/b.json"]


# --- file names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "message_part"),
    [
        ("content/shell.php", "type .php"),
        ("content/shell.php.", "ends with a dot"),
        ("content/shell.php ", "ends with a dot or a space"),
        ("content/x.php.png", "(.php)"),
        ("content/x.phtml.jpg", "(.phtml)"),
        ("content/x.PHAR.png", "(.phar)"),
        ("content/run.sh.txt", "(.sh)"),
        ("content/a.html.png", "(.html)"),
        ("content/.htaccess", "Hidden"),
        ("H5P.TrueFalse-1.8/.htaccess", "Hidden"),
        ("content/.git/config.json", "Hidden"),
        ("content/images/.hidden.png", "Hidden"),
        ("content/README", "without an extension"),
        ("content/app.js", "only in library folders"),
        ("content/style.css", "only in library folders"),
        ("content/app.js.map", "only in library folders"),
        ("content/page.html", "HTML files"),
        ("content/page.htm", "HTML files"),
        ("H5P.TrueFalse-1.8/page.html", "HTML files"),
        ("H5P.TrueFalse-1.8/page.xhtml", "HTML files"),
        ("content/a.svgz", "type .svgz"),
        ("content/a.exe", "type .exe"),
        ("content/a.tiff", "type .tiff"),
        ("H5P.TrueFalse-1.8/tool.py", "type .py"),
        ("stray.txt", "Only h5p.json"),
    ],
)
def test_disallowed_file_names_are_refused(tmp_path, name, message_part):
    files = truefalse_files()
    files[name] = PNG_BYTES if name.endswith((".png", ".jpg")) else b"hello"
    assert_refused_at(inspect_files(tmp_path, files), name, message_part)


def test_scripts_styles_and_maps_are_allowed_in_library_folders(tmp_path):
    files = truefalse_files()
    files[f"{TF}/scripts/extra.js"] = b"var x = 1;"
    files[f"{TF}/styles/extra.css"] = b"a { color: red; }"
    files[f"{TF}/tf.js.map"] = b'{"version": 3}'
    assert inspect_files(tmp_path, files).accepted


# --- file contents -----------------------------------------------------------------------------

GOOD_MEDIA: dict[str, bytes] = {
    "jpg": JPEG_BYTES,
    "jpeg": JPEG_BYTES,
    "png": PNG_BYTES,
    "gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "webp": b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00",
    "bmp": b"BM" + bytes(60),
    "mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00",
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00",
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01",
    "ogg": b"OggS\x00\x02" + bytes(20),
    "ogv": b"OggS\x00\x02" + bytes(20),
    "oga": b"OggS\x00\x02" + bytes(20),
    "mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00",
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt ",
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "woff": b"wOFF\x00\x01\x00\x00",
    "woff2": b"wOF2\x00\x01\x00\x00",
    "ttf": b"\x00\x01\x00\x00\x00\x0a",
    "otf": b"OTTO\x00\x0a",
    "eot": bytes(34) + b"LP" + bytes(10),
    "svg": b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by hand -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg" '
    b'xmlns:xlink="http://www.w3.org/1999/xlink"><defs><circle id="c" r="1"/></defs><use xlink:href="#c"/></svg>',
    "json": b'{"a": [1, 2]}',
    "vtt": b"WEBVTT\n\n00:00.000 --> 00:01.000\n\xe4\xbd\xa0\xe5\xa5\xbd\n",
    "txt": "说明文字".encode(),
    "csv": "姓名,分数\n张三,90\n".encode(),
}
BAD_MEDIA: dict[str, bytes] = {extension: b"<?php echo 1; ?>" for extension in GOOD_MEDIA} | {
    "txt": b"\xff\xfe\x00\x00",
    "csv": b"\xd5\xc5\xc8\xfd",  # GBK, not UTF-8
    "json": b'{"a": ',
    "mp3": b"\xff\x10\x00",
    "svg": b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>',
}


@pytest.mark.parametrize("extension", sorted(GOOD_MEDIA))
def test_media_matching_its_extension_is_accepted(tmp_path, extension):
    files = truefalse_files()
    files[f"content/media/file.{extension}"] = GOOD_MEDIA[extension]
    report = inspect_files(tmp_path, files)
    assert report.accepted, report.errors


@pytest.mark.parametrize("extension", sorted(BAD_MEDIA))
def test_media_not_matching_its_extension_is_refused(tmp_path, extension):
    files = truefalse_files()
    files[f"content/media/file.{extension}"] = BAD_MEDIA[extension]
    report = inspect_files(tmp_path, files)
    assert_refused_at(report, f"content/media/file.{extension}")


def test_media_in_library_folders_is_checked_too(tmp_path):
    files = truefalse_files()
    files[f"{TF}/images/icon.png"] = JPEG_BYTES
    assert_refused_at(inspect_files(tmp_path, files), f"{TF}/images/icon.png", "not a .png file")


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'


@pytest.mark.parametrize(
    "svg",
    [
        f"{SVG_OPEN}<script>alert(1)</script></svg>",
        f"{SVG_OPEN}<SCRIPT >alert(1)</SCRIPT></svg>",
        f'{SVG_OPEN}<rect width="1" height="1" onclick="alert(1)"/></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        f'{SVG_OPEN}<a href="javascript:alert(1)"><rect/></a></svg>',
        f'{SVG_OPEN}<a xlink:href="jav&#x09;ascript:alert(1)"><rect/></a></svg>',
        f"{SVG_OPEN}<foreignObject><div>x</div></foreignObject></svg>",
        f'{SVG_OPEN}<image xlink:href="http://evil.example/a.png"/></svg>',
        f'{SVG_OPEN}<image href="https://evil.example/a.png"/></svg>',
        f'{SVG_OPEN}<image href="//evil.example/a.png"/></svg>',
        f'{SVG_OPEN}<image href="data:text/html;base64,PHNjcmlwdD4="/></svg>',
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        f"{SVG_OPEN}<style>@import url(https://evil.example/a.css);</style></svg>",
        f"{SVG_OPEN}<style>rect {{ fill: url(http://evil.example/a) }}</style></svg>",
        '<?xml version="1.0"?><?xml-stylesheet href="http://evil.example/a.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        f'{SVG_OPEN}<iframe src="x"/></svg>',
        f"{SVG_OPEN}<rect></svg>",
        b"<svg xmlns='http://www.w3.org/2000/svg'><text>\xff</text></svg>",
    ],
)
def test_svg_with_script_or_outside_links_is_refused(tmp_path, svg):
    files = truefalse_files()
    files["content/images/a.svg"] = svg if isinstance(svg, bytes) else svg.encode()
    assert_refused_at(inspect_files(tmp_path, files), "content/images/a.svg", "SVG")


def test_safe_svg_with_embedded_raster_is_accepted(tmp_path):
    files = truefalse_files()
    files["content/images/a.svg"] = (
        f'{SVG_OPEN}<style>rect {{ fill: #123456 }}</style>'
        '<image href="data:image/png;base64,iVBORw0KGgo="/><rect width="2" height="2"/></svg>'
    ).encode()
    assert inspect_files(tmp_path, files).accepted


# --- h5p.json and content.json -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["title", "mainLibrary", "language", "preloadedDependencies", "embedTypes"])
def test_h5p_json_missing_required_keys_are_refused(tmp_path, key):
    files = edited(truefalse_files(), "h5p.json", lambda h5p: without(h5p, key))
    assert_refused_at(inspect_files(tmp_path, files), f"h5p.json › {key}", "required")


@pytest.mark.parametrize(
    ("files", "field", "message_part"),
    [
        (without(truefalse_files(), "h5p.json"), "h5p.json", "no h5p.json"),
        (truefalse_files() | {"h5p.json": b'{"title": "x",'}, "h5p.json", "not valid JSON"),
        (truefalse_files() | {"h5p.json": b"\xff\xfe"}, "h5p.json", "not UTF-8"),
        (truefalse_files() | {"h5p.json": b"[]"}, "h5p.json", "JSON object"),
        (without(truefalse_files(), "content/content.json"), "content/content.json", "no content/content.json"),
        (truefalse_files() | {"content/content.json": b"{'a': 1}"}, "content/content.json", "not valid JSON"),
        (truefalse_files() | {"content/content.json": b"[1]"}, "content/content.json", "JSON object"),
        (truefalse_files() | {"content/content.json": b"[" * 5_000}, "content/content.json", "JSON"),
    ],
    ids=["no-h5p", "h5p-broken", "h5p-not-utf8", "h5p-array", "no-content", "content-broken", "content-array", "content-deep"],
)
def test_broken_package_json_is_refused(tmp_path, files, field, message_part):
    assert_refused_at(inspect_files(tmp_path, files), field, message_part)


def test_dependency_missing_from_the_package_is_refused(tmp_path):
    def add_dependency(h5p: dict[str, Any]) -> dict[str, Any]:
        h5p["preloadedDependencies"].append({"machineName": "H5P.Question", "majorVersion": 1, "minorVersion": 5})
        return h5p

    files = edited(truefalse_files(), "h5p.json", add_dependency)
    assert_refused_at(inspect_files(tmp_path, files), "h5p.json › preloadedDependencies[1]", "H5P.Question 1.5")


def test_main_library_not_among_dependencies_is_refused(tmp_path):
    files = edited(truefalse_files(), "h5p.json", lambda h5p: h5p | {"mainLibrary": "H5P.MultiChoice"})
    report = inspect_files(tmp_path, files)
    assert_refused_at(report, "h5p.json › mainLibrary", "not among preloadedDependencies")


def test_main_library_not_packaged_is_refused(tmp_path):
    files = {name: data for name, data in truefalse_files().items() if not name.startswith(TF)}
    report = inspect_files(tmp_path, files)
    assert_refused_at(report, "h5p.json › preloadedDependencies[0]", "not in the package")
    assert_refused_at(report, "h5p.json › mainLibrary", "main library is not in the package")


def test_every_reason_is_collected_even_when_pyh5p_refuses(tmp_path):
    files = edited(truefalse_files(), "h5p.json", lambda h5p: without(h5p, "title"))
    files[f"{TF}/library.json"] = b"{broken"
    files["content/images/a.jpg"] = PNG_BYTES
    fields = {item.field for item in inspect_files(tmp_path, files).errors}
    assert {"h5p.json › title", f"{TF}/library.json", "content/images/a.jpg"} <= fields


# --- libraries ---------------------------------------------------------------------------------


def tf_with_library_json(change: Callable[[dict[str, Any]], Any]) -> dict[str, bytes]:
    return edited(truefalse_files(), f"{TF}/library.json", change)


@pytest.mark.parametrize(
    ("change", "field", "message_part"),
    [
        (lambda lib: without(lib, "title"), "title", "title"),
        (lambda lib: without(lib, "machineName"), "machineName", "machine name"),
        (lambda lib: lib | {"machineName": "1H5P.TrueFalse"}, "machineName", "machine name"),
        (lambda lib: lib | {"machineName": "H5P True<False>"}, "machineName", "machine name"),
        (lambda lib: without(lib, "majorVersion"), "majorVersion", "whole number"),
        (lambda lib: lib | {"minorVersion": "8"}, "minorVersion", "whole number"),
        (lambda lib: lib | {"patchVersion": -1}, "patchVersion", "whole number"),
        (lambda lib: lib | {"patchVersion": 1.5}, "patchVersion", "whole number"),
        (lambda lib: lib | {"majorVersion": True}, "majorVersion", "whole number"),
        (lambda lib: without(lib, "runnable"), "runnable", "0 or 1"),
        (lambda lib: lib | {"runnable": "yes"}, "runnable", "0 or 1"),
        (lambda lib: lib | {"coreApi": {"majorVersion": 1}}, "coreApi", "majorVersion and minorVersion"),
        (lambda lib: lib | {"coreApi": {"majorVersion": 1, "minorVersion": 28}}, "coreApi", "needs H5P core API 1.28; the player provides 1.27"),
        (lambda lib: lib | {"coreApi": {"majorVersion": 2, "minorVersion": 0}}, "coreApi", "needs H5P core API 2.0"),
        (lambda lib: lib | {"preloadedDependencies": "H5P.Question"}, "preloadedDependencies", "list"),
        (lambda lib: lib | {"preloadedDependencies": [{"machineName": "H5P.Question"}]}, "preloadedDependencies[0]", "machineName"),
        (lambda lib: lib | {"preloadedDependencies": [{"machineName": "H5P.Question", "majorVersion": 1, "minorVersion": 5}]}, "preloadedDependencies[0]", "H5P.Question 1.5, which is not in the package"),
        (lambda lib: lib | {"preloadedJs": [{"path": "missing.js"}]}, "preloadedJs[0]", "missing.js is listed here but is not in the library folder"),
        (lambda lib: lib | {"preloadedCss": [{"path": "missing.css"}]}, "preloadedCss[0]", "missing.css"),
        (lambda lib: lib | {"preloadedJs": [{}]}, "preloadedJs[0]", "path"),
        (lambda lib: lib | {"preloadedCss": {"path": "tf.css"}}, "preloadedCss", "list"),
        (lambda lib: [lib], "", "JSON object"),
    ],
)
def test_bad_library_json_is_refused(tmp_path, change, field, message_part):
    report = inspect_files(tmp_path, tf_with_library_json(change))
    where = f"{TF}/library.json › {field}" if field else f"{TF}/library.json"
    assert_refused_at(report, where, message_part)


def test_coreapi_limit_comes_from_the_limits(tmp_path):
    files = tf_with_library_json(lambda lib: lib | {"coreApi": {"majorVersion": 1, "minorVersion": 28}})
    assert inspect_files(tmp_path, files, limits=H5PLimits(player_core_api=(1, 30))).accepted


@pytest.mark.parametrize(
    ("name", "data", "field", "message_part"),
    [
        (f"{TF}/library.json", b'{"title": ', f"{TF}/library.json", "not valid JSON"),
        (f"{TF}/tf.js", b"\xff\xfe\x00v\x00a\x00r", f"{TF}/tf.js", "NUL"),
        (f"{TF}/tf.js", "var a = '信息';".encode("gbk"), f"{TF}/tf.js", "not UTF-8"),
        (f"{TF}/tf.css", b"a{}\x00", f"{TF}/tf.css", "NUL"),
        (f"{TF}/semantics.json", b"[{", f"{TF}/semantics.json", "not valid JSON"),
        (f"{TF}/language/zh.json", b'{"semantics": [', f"{TF}/language/zh.json", "not valid JSON"),
        (f"{TF}/language/zh.js", b"var l = {};", f"{TF}/language/zh.js", "must be JSON"),
    ],
)
def test_bad_library_files_are_refused(tmp_path, name, data, field, message_part):
    files = truefalse_files() | {name: data}
    assert_refused_at(inspect_files(tmp_path, files), field, message_part)


def test_library_folder_must_match_library_json(tmp_path):
    files = {name.replace(TF, "TrueFalse", 1): data for name, data in truefalse_files().items()}
    assert_refused_at(inspect_files(tmp_path, files), "TrueFalse/", "must be named H5P.TrueFalse-1.8")


def test_folder_named_by_machine_name_only_is_accepted(tmp_path):
    files = {name.replace(TF, "H5P.TrueFalse", 1): data for name, data in truefalse_files().items()}
    assert inspect_files(tmp_path, files).accepted


def test_folder_without_library_json_is_refused(tmp_path):
    files = truefalse_files() | {"H5P.Extra-1.0/extra.js": b"var x;"}
    report = inspect_files(tmp_path, files)
    assert_refused_at(report, "H5P.Extra-1.0/", "no library.json")
    assert [item.field for item in report.errors] == ["H5P.Extra-1.0/"]  # pyh5p's duplicate is dropped


def test_same_library_twice_is_refused(tmp_path):
    files = truefalse_files()
    files |= {name.replace(TF, "H5P.TrueFalse", 1): data for name, data in files.items() if name.startswith(TF)}
    assert_refused_at(inspect_files(tmp_path, files), f"{TF}/", "twice")


def test_library_dependencies_between_packaged_libraries_are_accepted(tmp_path):
    helper = library_files("H5P.Helper", 1, 0, 3, js="var H5P = H5P || {}; H5P.Helper = {};", runnable=False)
    main = library_files(
        "H5P.TrueFalse", 1, 8, 0, js="var H5P = H5P || {};", semantics=[], preloaded=[("H5P.Helper", 1, 0)]
    )
    files = package_files(
        title="t",
        main=("H5P.TrueFalse", 1, 8, 0),
        libraries={TF: main, "H5P.Helper-1.0": helper},
        content={},
    )
    report = inspect_files(tmp_path, files)
    assert report.accepted, report.errors
    assert report.package is not None
    assert [library.preloaded for library in report.package.libraries] == [(), (("H5P.Helper", 1, 0),)]


# --- warnings ----------------------------------------------------------------------------------


def test_content_breaking_the_semantics_gives_warnings_not_errors(tmp_path):
    files = edited(truefalse_files(), "content/content.json", lambda content: content | {"correct": "maybe"})
    report = inspect_files(tmp_path, files)
    assert report.accepted and report.package is not None
    assert [item.field for item in report.warnings] == ["content/content.json › $.correct"]
    assert "semantics" in report.warnings[0].message


def test_semantic_warnings_name_nested_fields(tmp_path):
    def break_answers(content: dict[str, Any]) -> dict[str, Any]:
        content["answers"][0]["text"] = 5
        del content["question"]
        return content

    report = inspect_files(tmp_path, edited(multichoice_files(), "content/content.json", break_answers))
    assert report.accepted
    assert {item.field for item in report.warnings} == {
        "content/content.json › $.answers[0].text",
        "content/content.json › $.question",
    }


def test_missing_semantics_is_a_warning(tmp_path):
    files = without(blanks_files(), "H5P.Blanks-1.14/semantics.json")
    report = inspect_files(tmp_path, files)
    assert report.accepted
    assert [item.field for item in report.warnings] == ["H5P.Blanks-1.14/semantics.json"]


@pytest.mark.parametrize(
    "semantics",
    [b'{"not": "a list"}', b'[{"name": "x"}]', json_bytes([{"name": "a", "type": "list"}])],
)
def test_semantics_pyh5p_cannot_parse_is_a_warning(tmp_path, semantics):
    report = inspect_files(tmp_path, truefalse_files() | {f"{TF}/semantics.json": semantics})
    assert report.accepted
    assert [item.field for item in report.warnings] == [f"{TF}/semantics.json"]


def test_semantics_regexps_are_not_run(tmp_path):
    # A package's own pattern could backtrack catastrophically; it must not hang the check.
    semantics = [{"name": "question", "type": "text", "regexp": {"pattern": "^(a+)+$"}}]
    files = truefalse_files() | {f"{TF}/semantics.json": json_bytes(semantics)}
    files = edited(files, "content/content.json", lambda content: content | {"question": "a" * 40 + "!"})
    started = time.perf_counter()
    assert inspect_files(tmp_path, files).accepted
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("path", "accepted"),
    [("https://example.com/a.png", True), ("images/missing.png", True), ("../../secret.png", False)],
)
def test_media_references_in_content(tmp_path, path, accepted):
    content = {"question": "<p>q</p>", "correct": "true", "media": {"path": path, "mime": "image/png"}}
    files = truefalse_files() | {"content/content.json": json_bytes(content)}
    report = inspect_files(tmp_path, files)
    assert report.accepted is accepted
    found = report.warnings if accepted else report.errors
    assert [item.field for item in found] == ["content/content.json › $.media.path"]


def test_a_non_runnable_main_library_is_a_warning(tmp_path):
    report = inspect_files(tmp_path, tf_with_library_json(lambda lib: lib | {"runnable": 0}))
    assert report.accepted
    assert "not runnable" in report.warnings[0].message


# --- robustness, settings, performance ---------------------------------------------------------


def test_a_missing_file_is_refused(tmp_path):
    report = package_inspect(path=tmp_path / "absent.h5p")
    assert_refused_at(report, "", "cannot be read")
    assert report.name == "absent.h5p"


def test_a_crash_in_a_check_refuses_instead_of_raising(tmp_path, monkeypatch):
    def crash(**kwargs: Any) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(checks_library, "core_api_check", crash)
    report = inspect_bytes(tmp_path, truefalse_package())
    assert_refused_at(report, "", "internal error")


def test_nothing_is_written_to_disk(tmp_path):
    path = write_package(tmp_path, truefalse_package())
    before = sorted(tmp_path.rglob("*"))
    assert package_inspect(path=path).accepted
    assert sorted(tmp_path.rglob("*")) == before


def test_limits_from_settings(settings):
    assert h5p_limits_from_settings() == H5PLimits()
    settings.H5P_MAX_PACKAGE_BYTES = 1000
    settings.H5P_MAX_ENTRIES = 10
    settings.H5P_MAX_TOTAL_BYTES = 5000
    settings.H5P_PLAYER_CORE_API = "1.30"
    limits = h5p_limits_from_settings()
    assert (limits.max_package_bytes, limits.max_entries, limits.max_total_bytes) == (1000, 10, 5000)
    assert limits.player_core_api == (1, 30)


def test_fifty_megabytes_in_a_thousand_files_is_fast_and_lean(tmp_path):
    files = truefalse_files()
    chunk = 50 * 1024 * 1024 // 1000
    for index in range(1000 - len(files)):
        files[f"content/images/{index:04d}.jpg"] = JPEG_BYTES[:4] + os.urandom(chunk)
    path = write_package(tmp_path, zip_bytes(files, compress=False))
    del files
    started = time.perf_counter()
    assert package_inspect(path=path).accepted
    assert time.perf_counter() - started < 5
    tracemalloc.start()
    try:
        report = package_inspect(path=path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.accepted and report.package is not None and len(report.package.content_files) == 994
    assert peak < 300 * 1024 * 1024
