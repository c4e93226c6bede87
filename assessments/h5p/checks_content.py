"""h5p.json and content.json checks: dependencies, pyh5p's package validation, content semantics."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from pyh5p import H5PPackage, Semantics
from pyh5p.errors import ValidationIssue

from .checks_data import Findings, PackagedLibrary, field_path
from .checks_library import dependency_key, json_document

logger = logging.getLogger(__name__)

H5P_JSON = "h5p.json"
CONTENT_JSON = "content/content.json"
# A content.json that ignores its semantics entirely would otherwise bury the report.
MAX_SEMANTIC_WARNINGS = 100
EXTERNAL_URL = re.compile(r"^https?://", re.IGNORECASE)
ISSUE_PATH_PART = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]")


@dataclass(frozen=True)
class MainLibrary:
    machine_name: str
    version: tuple[int, int] | None


def pyh5p_messages() -> dict[str, str]:
    """pyh5p's English issue texts, translated; built per call so the active language applies."""
    return {
        "mandatory package property is missing": _("This required property is missing."),
        "is required": _("This required property is missing."),
        "expected a string": _("This must be text (a JSON string)."),
        "expected an array": _("This must be a list (a JSON array)."),
        "expected an object": _("This must be a JSON object."),
        "expected a dependency object": _(
            "Each dependency must be an object with machineName, majorVersion and minorVersion."
        ),
        "media path is unsafe": _("The media path is not a safe relative path."),
        "referenced media is not packaged": _("The media file this refers to is not in the package."),
        "unexpected top-level package file": _("This file is not in content/ or in a library folder."),
        "main library is not included": _("The main library is not in the package."),
    }


def h5p_json_check(
    *, metadata: Any, libraries: list[PackagedLibrary], findings: Findings
) -> MainLibrary | None:
    """Dependencies listed in h5p.json must be packaged, and mainLibrary must be one of them."""
    if not isinstance(metadata, dict):
        findings.error(H5P_JSON, _("h5p.json must contain a JSON object."))
        return None
    contained = {(library.machine_name, library.major, library.minor) for library in libraries}
    entries = metadata.get("preloadedDependencies")
    listed: list[tuple[str, int, int]] = []
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        key = dependency_key(entry)
        where = field_path(H5P_JSON, f"preloadedDependencies[{index}]")
        if key is None:
            if isinstance(entry, Mapping) and all(part in entry for part in ("machineName", "majorVersion", "minorVersion")):
                findings.error(where, _("machineName must be a machine name and the versions whole numbers."))
            continue  # a missing part or a non-object: pyh5p's validation reports it
        listed.append(key)
        if key not in contained:
            findings.error(
                where, _("%(dependency)s is listed as a dependency but is not in the package.") % {"dependency": "%s %d.%d" % key}
            )
    main = metadata.get("mainLibrary")
    if not isinstance(main, str):
        return None  # missing or mistyped: pyh5p's validation reports it
    version = next(((major, minor) for name, major, minor in listed if name == main), None)
    if version is None and isinstance(entries, list):
        findings.error(
            field_path(H5P_JSON, "mainLibrary"),
            _("The main library %(library)s is not among preloadedDependencies.") % {"library": main},
        )
    return MainLibrary(main, version)


def content_json_check(*, files: Mapping[str, bytes], parsed: Any, findings: Findings) -> dict[str, Any] | None:
    """content/content.json must exist and hold a JSON object; `parsed` is pyh5p's parse when it had one."""
    if CONTENT_JSON not in files:
        findings.error(CONTENT_JSON, _("The package has no content/content.json."))
        return None
    if parsed is None:  # the fallback path: pyh5p could not parse it either
        parsed = json_document(files[CONTENT_JSON], where=CONTENT_JSON, findings=findings)
        if parsed is None:
            return None
    if not isinstance(parsed, dict):
        findings.error(CONTENT_JSON, _("content.json must contain a JSON object."))
        return None
    return parsed


def pyh5p_validate(*, package: H5PPackage, findings: Findings) -> None:
    """pyh5p's own package validation, each issue a finding; a crash in it is reported, not raised."""
    try:
        issues = package.validate()
    except Exception as error:  # pyh5p on hostile input must not break the report
        logger.warning("pyh5p validate() failed: %r", error)
        findings.warning("", _("The package validator failed on this package (%(error)s).") % {"error": type(error).__name__})
        return
    messages = pyh5p_messages()
    reported: set[str] = set()
    for issue in issues:
        if issue.path in reported:
            continue  # pyh5p says "missing" and then "not an array" of the same property
        reported.add(issue.path)
        pyh5p_issue_record(issue=issue, content=package.content, messages=messages, findings=findings)


def pyh5p_issue_record(
    *, issue: ValidationIssue, content: Any, messages: dict[str, str], findings: Findings
) -> None:
    where = pyh5p_issue_field(issue.path)
    message = messages.get(issue.message, issue.message)
    if issue.keyword == "additionalProperties" and (
        findings.errors_at(where) or findings.errors_under(where.split("/", 1)[0] + "/")
    ):
        return  # already reported: the file is refused or its folder is not a sound library
    if issue.keyword == "asset":
        findings.warning(where, message)  # a missing image shows as broken; the activity still plays
    elif issue.keyword == "path" and is_external_url(issue_value(content, issue.path)):
        findings.warning(where, _("The media is loaded from an external address."))
    else:
        findings.error(where, message)


def is_external_url(value: Any) -> bool:
    return isinstance(value, str) and EXTERNAL_URL.match(value) is not None


def pyh5p_issue_field(path: str) -> str:
    """pyh5p's "$.h5p.title" / "$.content.x" / "$.package.name" as one of our fields."""
    if path.startswith("$.h5p."):
        return field_path(H5P_JSON, path.removeprefix("$.h5p."))
    if path.startswith("$.content"):
        return field_path(CONTENT_JSON, "$" + path.removeprefix("$.content"))
    if path.startswith("$.package."):
        return path.removeprefix("$.package.")
    return path


def issue_value(content: Any, path: str) -> Any:
    """The value at a pyh5p "$.content.a[0].path" address, or None when it cannot be followed."""
    current = content
    for key, index in ISSUE_PATH_PART.findall(path.removeprefix("$.content")):
        if key and isinstance(current, Mapping):
            current = current.get(key)
        elif index and isinstance(current, list) and int(index) < len(current):
            current = current[int(index)]
        else:
            return None
    return current


def main_library_of(*, main: MainLibrary, libraries: list[PackagedLibrary]) -> PackagedLibrary | None:
    """The packaged library h5p.json names as main: the listed version, else the newest packaged one."""
    candidates = sorted(
        (library for library in libraries if library.machine_name == main.machine_name),
        key=lambda library: (library.major, library.minor),
    )
    chosen = [library for library in candidates if (library.major, library.minor) == main.version] or candidates
    return chosen[-1] if chosen else None


def semantics_check(*, library: PackagedLibrary, content: dict[str, Any], findings: Findings) -> None:
    """content.json against the main library's semantics: warnings only, since real editors disagree with pyh5p."""
    raw = library.files.get("semantics.json")
    where = f"{library.directory}/semantics.json"
    if raw is None:
        findings.warning(where, _("The main library has no semantics.json, so content.json was not checked against it."))
        return
    if findings.errors_at(where):
        return  # broken JSON, already an error
    try:
        semantics = Semantics.from_json(without_regexps(json.loads(raw.decode("utf-8-sig"))))
        issues = semantics.validate(content)
    except Exception as error:  # odd semantics must give a warning, never an exception
        findings.warning(
            where,
            _("content.json could not be checked against these semantics (%(error)s).") % {"error": str(error)[:200]},
        )
        return
    for issue in issues[:MAX_SEMANTIC_WARNINGS]:
        findings.warning(
            field_path(CONTENT_JSON, issue.path),
            _("Does not match the content type's semantics: %(detail)s") % {"detail": issue.message},
        )
    if len(issues) > MAX_SEMANTIC_WARNINGS:
        findings.warning(
            CONTENT_JSON,
            _("…and %(count)d more differences from the semantics.") % {"count": len(issues) - MAX_SEMANTIC_WARNINGS},
        )


def without_regexps(value: Any) -> Any:
    """The semantics without "regexp" rules: a package's own pattern could backtrack for hours (ReDoS)."""
    if isinstance(value, dict):
        return {key: without_regexps(item) for key, item in value.items() if key != "regexp"}
    if isinstance(value, list):
        return [without_regexps(item) for item in value]
    return value
