"""Export one capability framework version as CSV or JSON (to standard output or a file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments.models import CapabilityFramework
from assessments.services import framework_to_csv, framework_to_json

FORMATS = ("csv", "json")


class Command(BaseCommand):
    help = "Export a capability framework version (default: the current one) as CSV or JSON."

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        if "--version" not in args:  # --version is the framework version here, not Django's
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", required=True, help="framework code, e.g. 2014")
        parser.add_argument("--version", type=int, help="version number (default: the current version)")
        parser.add_argument("--format", choices=FORMATS, help="csv or json (default: from -o's extension, else csv)")
        parser.add_argument("-o", "--output", help="write to this file instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        code, version = options["code"], options["version"]
        versions = CapabilityFramework.objects.filter(code=code)
        if version is not None:
            framework = versions.filter(version=version).first()
        else:
            framework = versions.filter(is_current=True).order_by("-version").first() or versions.first()
        if framework is None:
            wanted = f"{code} v{version}" if version is not None else code
            raise CommandError(_("No framework %(wanted)s.") % {"wanted": wanted})
        output = Path(options["output"]) if options["output"] else None
        kind = options["format"] or (output.suffix.lower().lstrip(".") if output else "")
        kind = kind if kind in FORMATS else "csv"
        if kind == "json":
            text = json.dumps(framework_to_json(framework), ensure_ascii=False, indent=2) + "\n"
        else:
            text = framework_to_csv(framework)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            output.write_text(text, encoding="utf-8", newline="")
        except OSError as error:
            message = _("Cannot write %(path)s: %(error)s") % {"path": output, "error": error.strerror}
            raise CommandError(message) from error
        written = {"code": code, "version": framework.version, "path": output}
        self.stderr.write(_("%(code)s v%(version)d written to %(path)s") % written)
