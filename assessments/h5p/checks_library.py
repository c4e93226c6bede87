"""Library checks: library.json, folder names, preloaded files, language files, core API, dependencies."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from .checks_data import Findings, H5PLimits, PackagedLibrary, field_path, files_hash
from .checks_media import UTF8_BOM, json_problem, text_problem

MACHINE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9._-]*$")
LibraryKey = tuple[str, int, int]


def library_folders(files: Mapping[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Files of every top-level folder except content/, keyed relative to that folder."""
    folders: dict[str, dict[str, bytes]] = {}
    for name, data in files.items():
        top, _separator, relative = name.partition("/")
        if relative and top != "content":
            folders.setdefault(top, {})[relative] = data
    return folders


def json_document(data: bytes, *, where: str, findings: Findings) -> Any | None:
    """The parsed JSON document, or None with an error naming the file."""
    problem = json_problem(data)
    if problem is not None:
        findings.error(where, problem)
        return None
    return json.loads(data.removeprefix(UTF8_BOM).decode("utf-8"))


def version_number(value: Any) -> int | None:
    """A non-negative version part; some exporters write "1" where H5P writes 1."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def dependency_key(value: Any) -> LibraryKey | None:
    """(machineName, major, minor) of a dependency object, or None when it is malformed."""
    if not isinstance(value, Mapping):
        return None
    name = value.get("machineName")
    major = version_number(value.get("majorVersion"))
    minor = version_number(value.get("minorVersion"))
    if not isinstance(name, str) or not MACHINE_NAME.match(name) or major is None or minor is None:
        return None
    return name, major, minor


def libraries_inspect(
    *, folders: dict[str, dict[str, bytes]], refused: set[str], limits: H5PLimits, findings: Findings
) -> list[PackagedLibrary]:
    """Check every library folder; return the libraries whose library.json is sound."""
    libraries: list[PackagedLibrary] = []
    seen: dict[LibraryKey, str] = {}
    for directory in sorted(folders):
        library = library_inspect(directory=directory, files=folders[directory], refused=refused, limits=limits, findings=findings)
        if library is None:
            continue
        key = (library.machine_name, library.major, library.minor)
        if key in seen:
            findings.error(
                f"{directory}/",
                _("%(library)s is in the package twice (also in %(other)s/).") % {"library": library.label, "other": seen[key]},
            )
            continue
        seen[key] = directory
        libraries.append(library)
    dependencies_check(libraries=libraries, findings=findings)
    return libraries


def library_inspect(
    *, directory: str, files: dict[str, bytes], refused: set[str], limits: H5PLimits, findings: Findings
) -> PackagedLibrary | None:
    where = f"{directory}/library.json"
    if "library.json" not in files:
        findings.error(f"{directory}/", _("This folder has no library.json, so it is not an H5P library."))
        return None
    if where in refused:
        return None
    metadata = json_document(files["library.json"], where=where, findings=findings)
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        findings.error(where, _("library.json must contain a JSON object."))
        return None
    library = library_from_metadata(directory=directory, metadata=metadata, files=files, findings=findings)
    if library is None:
        return None
    folder_name_check(library=library, findings=findings)
    core_api_check(library=library, limits=limits, findings=findings)
    preloaded_files_check(library=library, metadata=metadata, findings=findings)
    language_files_check(library=library, findings=findings)
    return library


def library_from_metadata(
    *, directory: str, metadata: dict[str, Any], files: dict[str, bytes], findings: Findings
) -> PackagedLibrary | None:
    """The library described by library.json, or None after reporting each missing or mistyped field."""
    where = f"{directory}/library.json"
    sound = True
    title = metadata.get("title")
    if not isinstance(title, str) or not title.strip():
        findings.error(field_path(where, "title"), _("A non-empty title is required."))
        sound = False
    machine_name = metadata.get("machineName")
    if not isinstance(machine_name, str) or not MACHINE_NAME.match(machine_name):
        findings.error(
            field_path(where, "machineName"),
            _("A machine name like H5P.TrueFalse is required (a letter, then letters, digits, '.', '_' or '-')."),
        )
        sound = False
    versions = {key: version_number(metadata.get(key)) for key in ("majorVersion", "minorVersion", "patchVersion")}
    for key, number in versions.items():
        if number is None or isinstance(metadata.get(key), str):
            findings.error(field_path(where, key), _("A whole number, 0 or more, is required."))
            sound = False
    runnable = metadata.get("runnable")
    if runnable not in (0, 1) or not isinstance(runnable, (int, bool)):
        findings.error(field_path(where, "runnable"), _("runnable is required and must be 0 or 1."))
        sound = False
    core_api = core_api_of(metadata=metadata, where=where, findings=findings)
    preloaded = preloaded_dependencies_of(metadata=metadata, where=where, findings=findings)
    if not sound or core_api is None or preloaded is None:
        return None
    if not isinstance(machine_name, str) or not isinstance(title, str):  # narrowed for mypy; reported above
        return None
    return PackagedLibrary(
        machine_name=machine_name,
        major=int(metadata["majorVersion"]),
        minor=int(metadata["minorVersion"]),
        patch=int(metadata["patchVersion"]),
        title=title,
        runnable=bool(runnable),
        core_api=core_api,
        directory=directory,
        files=files,
        files_hash=files_hash(files),
        preloaded=preloaded,
    )


def core_api_of(*, metadata: dict[str, Any], where: str, findings: Findings) -> tuple[int, int] | None:
    """The core API the library needs; H5P assumes 1.0 when library.json does not say."""
    value = metadata.get("coreApi")
    if value is None:
        return (1, 0)
    major = version_number(value.get("majorVersion")) if isinstance(value, dict) else None
    minor = version_number(value.get("minorVersion")) if isinstance(value, dict) else None
    if major is None or minor is None:
        findings.error(field_path(where, "coreApi"), _("coreApi must be an object with majorVersion and minorVersion."))
        return None
    return major, minor


def preloaded_dependencies_of(
    *, metadata: dict[str, Any], where: str, findings: Findings
) -> tuple[LibraryKey, ...] | None:
    entries = metadata.get("preloadedDependencies", [])
    if not isinstance(entries, list):
        findings.error(field_path(where, "preloadedDependencies"), _("This must be a list (a JSON array)."))
        return None
    keys: list[LibraryKey] = []
    for index, entry in enumerate(entries):
        key = dependency_key(entry)
        if key is None:
            findings.error(
                field_path(where, f"preloadedDependencies[{index}]"),
                _("Each dependency must be an object with machineName, majorVersion and minorVersion."),
            )
            return None
        keys.append(key)
    return tuple(keys)


def folder_name_check(*, library: PackagedLibrary, findings: Findings) -> None:
    expected = f"{library.machine_name}-{library.major}.{library.minor}"
    if library.directory not in {expected, library.machine_name}:
        findings.error(
            f"{library.directory}/",
            _("The folder of %(library)s must be named %(expected)s.") % {"library": library.label, "expected": expected},
        )


def core_api_check(*, library: PackagedLibrary, limits: H5PLimits, findings: Findings) -> None:
    if library.core_api > limits.player_core_api:
        findings.error(
            field_path(f"{library.directory}/library.json", "coreApi"),
            _("%(library)s needs H5P core API %(needed)s; the player provides %(provided)s.")
            % {
                "library": library.label,
                "needed": "%d.%d" % library.core_api,
                "provided": "%d.%d" % limits.player_core_api,
            },
        )


def preloaded_files_check(*, library: PackagedLibrary, metadata: dict[str, Any], findings: Findings) -> None:
    """Every script and stylesheet the player will load must exist and be UTF-8 text."""
    where = f"{library.directory}/library.json"
    for key in ("preloadedJs", "preloadedCss"):
        entries = metadata.get(key, [])
        if not isinstance(entries, list):
            findings.error(field_path(where, key), _("This must be a list (a JSON array)."))
            continue
        for index, entry in enumerate(entries):
            path = entry.get("path") if isinstance(entry, dict) else None
            here = field_path(where, f"{key}[{index}]")
            if not isinstance(path, str) or not path:
                findings.error(here, _("Each entry must be an object with a path."))
            elif path not in library.files:
                findings.error(here, _("%(path)s is listed here but is not in the library folder.") % {"path": path})
            else:
                problem = text_problem(library.files[path])
                if problem is not None:
                    findings.error(f"{library.directory}/{path}", problem)


def language_files_check(*, library: PackagedLibrary, findings: Findings) -> None:
    """Translations are loaded as JSON; anything else under language/ is refused (JSON errors come from the file checks)."""
    for path in sorted(library.files):
        if path.startswith("language/") and not path.lower().endswith(".json"):
            findings.error(f"{library.directory}/{path}", _("Files under language/ must be JSON translations."))


def dependencies_check(*, libraries: list[PackagedLibrary], findings: Findings) -> None:
    """Each library's preloaded dependencies must be in the package too."""
    contained = {(library.machine_name, library.major, library.minor) for library in libraries}
    for library in libraries:
        for index, dependency in enumerate(library.preloaded):
            if dependency not in contained:
                findings.error(
                    field_path(f"{library.directory}/library.json", f"preloadedDependencies[{index}]"),
                    _("%(library)s needs %(dependency)s, which is not in the package.")
                    % {"library": library.label, "dependency": "%s %d.%d" % dependency},
                )
