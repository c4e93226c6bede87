"""Check .h5p packages the way an upload is checked, without storing anything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from assessments.h5p.checks import Finding, PackageReport, h5p_limits_from_settings, package_inspect


def finding_line(marker: str, finding: Finding) -> str:
    where = f"{finding.field}: " if finding.field else ""
    return f"  {marker} {where}{finding.message}"


def report_lines(path: str, report: PackageReport) -> list[str]:
    verdict = _("accepted") if report.accepted else _("refused")
    lines = [f"{path}: {verdict}"]
    lines.extend(finding_line("✗", finding) for finding in report.errors)
    lines.extend(finding_line("!", finding) for finding in report.warnings)
    return lines


class Command(BaseCommand):
    help = "Check H5P packages (.h5p) as an upload would be checked; exit status 1 when any is refused."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="the .h5p files to check")

    def handle(self, *args: Any, **options: Any) -> None:
        limits = h5p_limits_from_settings()
        refused = 0
        for path in options["paths"]:
            report = package_inspect(path=Path(path), name=path, limits=limits)
            for line in report_lines(path, report):
                self.stdout.write(line)
            refused += 0 if report.accepted else 1
        if refused:
            raise CommandError(
                _("%(refused)d of %(total)d packages refused.") % {"refused": refused, "total": len(options["paths"])}
            )
