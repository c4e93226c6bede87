"""Import one capability framework version from a CSV or JSON file; every problem is listed with its row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments.models import CapabilityFramework
from assessments.services import framework_import, framework_rows_from_csv, framework_rows_from_json

FORMATS = ("csv", "json")


def file_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else GB18030 as saved by Chinese Excel."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}) from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as error:
            raise CommandError(_("%(path)s is neither UTF-8 nor GB18030 text.") % {"path": path}) from error


def format_of(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise CommandError(_("Cannot tell the format of %(path)s: pass --format csv or --format json.") % {"path": path})


class Command(BaseCommand):
    help = (
        "Import a capability framework version from a CSV (kind,code,name,parent) or JSON file. "
        "All or nothing; exit status 1 with every problem listed when the file is refused."
    )

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        if "--version" not in args:  # --version is the framework version here, not Django's
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the framework file (.csv or .json)")
        parser.add_argument("--format", choices=FORMATS, help="csv or json (default: from the file's extension)")
        parser.add_argument("--code", help="framework code, e.g. 2014 (a JSON file may carry it)")
        parser.add_argument("--version", type=int, help="framework version number (a JSON file may carry it)")
        parser.add_argument("--name", help="framework name (a JSON file may carry it)")
        parser.add_argument(
            "--current", dest="current", action="store_true", default=True,
            help="make this the current version of the code (default)",
        )
        parser.add_argument("--not-current", dest="current", action="store_false", help="keep the current version")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        text = file_text(path)
        try:
            rows, header = self.rows_and_header(path, format_of(path, options["format"]), text)
            code = (options["code"] or str(header.get("code") or "")).strip()
            version = options["version"] if options["version"] is not None else header.get("version")
            name = options["name"] or str(header.get("name") or "")
            given = (("--code", code), ("--version", version), ("--name", name))
            missing = [flag for flag, value in given if value is None or value == ""]
            if missing:
                raise CommandError(_("Missing %(flags)s.") % {"flags": ", ".join(missing)})
            if not isinstance(version, int) or isinstance(version, bool):
                raise CommandError(_("The version must be a whole number."))
            existed = CapabilityFramework.objects.filter(code=code, version=version).exists()
            framework = framework_import(
                code=code, version=version, name=name, rows=rows, make_current=options["current"]
            )
        except ValidationError as error:
            lines = [_("%(path)s refused, nothing imported:") % {"path": path}, *error.messages]
            raise CommandError("\n".join(lines)) from error
        if existed:
            message = _("%(code)s v%(version)d %(name)s was already imported, unchanged: %(nodes)d nodes%(current)s")
        else:
            message = _("%(code)s v%(version)d %(name)s imported: %(nodes)d nodes%(current)s")
        self.stdout.write(
            message
            % {
                "code": framework.code,
                "version": framework.version,
                "name": framework.name,
                "nodes": framework.nodes.count(),
                "current": _(" (current)") if framework.is_current else "",
            }
        )

    def rows_and_header(self, path: Path, kind: str, text: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
        """The node rows, and the code/version/name a JSON document carries."""
        if kind == "csv":
            return framework_rows_from_csv(text), {}
        try:
            document = json.loads(text)
        except ValueError as error:
            raise CommandError(_("%(path)s is not valid JSON: %(error)s") % {"path": path, "error": error}) from error
        return framework_rows_from_json(document), document if isinstance(document, dict) else {}
