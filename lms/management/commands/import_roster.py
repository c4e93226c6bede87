"""manage.py import_roster FILE (--user USERNAME | --all-jurisdictions) [--dry-run]: the roster import from the
command line."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from lms.models import RosterImport, RosterImportStatus
from lms.roster import report_lines, roster_import_create, roster_import_run, roster_private_path


class Command(BaseCommand):
    help = "Check a roster file (.xlsx or .csv) row by row and import it all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the .xlsx or .csv roster")
        parser.add_argument("--user", help="username of the administrator whose jurisdiction applies")
        parser.add_argument(
            "--all-jurisdictions",
            action="store_true",
            help="no acting administrator: a bulk load allowed to name any school (use with care)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args: object, **options: object) -> None:
        uploader = self._uploader(options)
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path}, returncode=1)
        with path.open("rb") as handle:
            try:
                record = roster_import_create(
                    uploader=uploader, upload=File(handle, name=path.name), dry_run=bool(options["dry_run"])
                )
            except (ValidationError, PermissionDenied) as exc:
                raise CommandError(" ".join(getattr(exc, "messages", [str(exc)])), returncode=1) from exc
        record = roster_import_run(
            import_id=record.pk, all_jurisdictions=uploader is None, actor_label=self._actor_label(uploader)
        )
        self._print_report(record)
        self._print_summary(record)
        if record.status not in (RosterImportStatus.DONE, RosterImportStatus.CHECKED):
            raise CommandError(record.message, returncode=1)

    def _uploader(self, options: dict[str, object]):
        username = options.get("user")
        if username and options.get("all_jurisdictions"):
            raise CommandError(_("Give either --user or --all-jurisdictions, not both."), returncode=2)
        if not username:
            if not options.get("all_jurisdictions"):
                raise CommandError(
                    _("Say whose jurisdiction applies with --user USERNAME, or --all-jurisdictions for a bulk load."),
                    returncode=2,
                )
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": username}, returncode=2)
        return user

    @staticmethod
    def _actor_label(uploader) -> str:
        """Who the access log names for a load without a user: the command, and the account that ran it."""
        if uploader is not None:
            return ""
        try:
            account = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (some containers)
            account = f"uid {os.getuid()}"
        return f"manage.py import_roster --all-jurisdictions ({account})"

    def _print_report(self, record: RosterImport) -> None:
        if not record.error_count or not record.report_path:
            return
        for line in report_lines(roster_private_path(record.report_path)):
            where = _("row %(row)s") % {"row": line.row} if line.row else _("file")
            column = f" [{line.column}]" if line.column else ""
            value = f" “{line.value}”" if line.value else ""
            self.stdout.write(f"{where}{column}{value}: {line.reason}")

    def _print_summary(self, record: RosterImport) -> None:
        summary = _(
            "%(file)s: %(status)s. Rows: %(rows)d; new: %(created)d, updated: %(updated)d, "
            "unchanged: %(unchanged)d; problems: %(errors)d."
        ) % {
            "file": record.original_name,
            "status": record.get_status_display(),
            "rows": record.total_rows,
            "created": record.created_count,
            "updated": record.updated_count,
            "unchanged": record.unchanged_count,
            "errors": record.error_count,
        }
        style = self.style.SUCCESS if record.status in (RosterImportStatus.DONE, RosterImportStatus.CHECKED) else self.style.ERROR
        self.stdout.write(style(summary))
        if record.message:
            self.stdout.write(record.message)
