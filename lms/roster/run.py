"""Running an import: pass 1 checks every row and writes the report; pass 2, only when no row is bad,
writes everything in one transaction. Either all rows are written or none."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from lms.models import AccessAction, RosterImport, RosterImportStatus
from lms.selectors import user_can_manage_roster
from lms.services import access_log_record

from .checks import RosterChecker
from .columns import HeaderError, map_header
from .fields import IdentityCache
from .progress import CHECKING, FINISHED, WRITING, Progress, progress_save
from .reader import (
    DEFAULT_CHUNK_ROWS,
    SPOOL,
    XLSX,
    RosterFileError,
    RowSpool,
    file_digest,
    open_roster,
    spool_source,
)
from .report import ReportWriter
from .scope import RosterScope
from .upload import roster_private_path, roster_spool_path
from .writer import RosterChangedDuringImport, RosterWriter, WriteCounts, predicted_counts

logger = logging.getLogger(__name__)
SYSTEM_ACTOR = "roster import, all jurisdictions"  # the access log's actor when no user is named


@dataclass
class CheckOutcome:
    rows: int
    counts: WriteCounts
    file_problem: str = ""


class RosterImportRun:
    """One run of one import; `roster_import_run` below is the entry point."""

    def __init__(
        self, record: RosterImport, *, all_jurisdictions: bool, chunk_rows: int, actor_label: str = ""
    ) -> None:
        self.record = record
        self.uploader: AbstractBaseUser | None = record.uploaded_by
        self.all_jurisdictions = all_jurisdictions
        self.actor_label = actor_label or SYSTEM_ACTOR
        self.chunk_rows = chunk_rows
        self.today = timezone.localdate()
        self.path = roster_private_path(record.stored_path)
        stem = record.stored_path.rsplit(".", 1)[0]
        self.report_relative = f"{stem}.report.csv"
        self.spool_path = roster_spool_path(record.pk)
        self.progress = Progress(status=RosterImportStatus.RUNNING, phase=CHECKING, dry_run=record.dry_run)
        self.identities: IdentityCache = {}  # shared by both passes
        self.registered: set[str] = set()  # ID hashes pass 1 found stored: the only ones pass 2 looks up

    def scope(self) -> RosterScope:
        return RosterScope(user=self.uploader, all_jurisdictions=self.all_jurisdictions)

    def checker(self, header: tuple[str, ...], *, registered: set[str] | None = None) -> RosterChecker:
        return RosterChecker(
            header=map_header(list(header)),
            scope=self.scope(),
            today=self.today,
            identities=self.identities,
            registered=registered,
        )

    def execute(self) -> None:
        self._execute()

    def discard_upload(self) -> None:
        """Minimum retention (PIPL): the uploaded file and the copy of its rows hold whole ID numbers, so they
        go as soon as the run has an outcome; the report stays, and it shows ID numbers masked. (A report
        the record does not point to, left by a run that stopped half way, goes too.)"""
        paths = [self.path, self.spool_path, self.spool_path.with_name(self.spool_path.name + ".part")]
        if not self.record.report_path:
            paths.append(roster_private_path(self.report_relative))
        for path in paths:
            path.unlink(missing_ok=True)

    def _execute(self) -> None:
        if not self.all_jurisdictions and (self.uploader is None or not user_can_manage_roster(user=self.uploader)):
            self.finish(RosterImportStatus.FAILED, _("The uploader may no longer import rosters; nothing was written."))
            return
        with ReportWriter(roster_private_path(self.report_relative)) as report:
            outcome = self.check(report)
        self.record.report_path = self.report_relative
        self.record.total_rows = outcome.rows
        self.record.error_count = report.problems
        if outcome.file_problem:
            self.finish(RosterImportStatus.REJECTED, outcome.file_problem)
        elif report.problems:
            message = _(
                "Rows with problems: %(rows)d (problems: %(problems)d); nothing was written. "
                "Download the report, correct the file and upload it again."
            )
            self.finish(
                RosterImportStatus.REJECTED, message % {"problems": report.problems, "rows": len(report.rows_with_problems)}
            )
        elif self.record.dry_run:
            self.set_counts(outcome.counts)
            self.finish(RosterImportStatus.CHECKED, _("All rows are correct. This was a dry run: nothing was written."))
        else:
            self.write(outcome.rows)

    def _first_pass_source(self) -> tuple[Path, str, str]:
        """(file, format, digest to spool under): a workbook's rows copied at upload if the copy is of
        this very file; otherwise the workbook itself, copied on the way unless this is a dry run."""
        if self.record.file_format != XLSX:
            return self.path, self.record.file_format, ""
        with self.path.open("rb") as handle:
            digest = file_digest(handle)
        if spool_source(self.spool_path) == digest:
            return self.spool_path, SPOOL, ""
        self.spool_path.unlink(missing_ok=True)
        return self.path, XLSX, "" if self.record.dry_run else digest

    def check(self, report: ReportWriter) -> CheckOutcome:
        """Pass 1: every row, nothing written but the report (and, for a workbook, the spool pass 2 reads)."""
        outcome = CheckOutcome(rows=0, counts=WriteCounts())
        spool: RowSpool | None = None
        try:
            source, file_format, spool_digest = self._first_pass_source()
            with source.open("rb") as handle, open_roster(
                handle, file_format=file_format, chunk_rows=self.chunk_rows
            ) as rows:
                checker = self.checker(rows.header)
                if spool_digest:
                    spool = RowSpool(
                        self.spool_path, source_digest=spool_digest, header_row=rows.header_row, header=rows.header
                    )
                self.progress.total = rows.estimated_rows
                for chunk in rows.chunks:
                    checked = checker.check_chunk(chunk)
                    report.add(checked.issues)
                    if spool is not None:
                        spool.write(chunk)
                    outcome.counts.add(predicted_counts(checked))
                    outcome.rows += len(chunk)
                    self.report_progress(CHECKING, outcome.rows, outcome.counts, errors=report.problems)
                self.registered = checker.found
            if spool is not None:
                spool.finish()
                spool = None
        except (RosterFileError, HeaderError) as exc:
            outcome.file_problem = str(exc)
        finally:
            if spool is not None:
                spool.discard()
        if not outcome.file_problem and outcome.rows == 0:
            outcome.file_problem = _("The file has a header row but no teacher rows.")
        if outcome.file_problem:
            report.file_problem(outcome.file_problem)
        return outcome

    def write(self, total_rows: int) -> None:
        """Pass 2: the same rows checked again, the teachers to change locked, everything in one transaction."""
        counts = WriteCounts()
        self.progress.total = total_rows
        self.report_progress(WRITING, 0, counts)
        writer = RosterWriter(
            recorded_by=self.uploader, today=self.today, note=_("Roster import: %(file)s") % {"file": self.record.original_name}
        )
        try:
            source, file_format = (self.spool_path, SPOOL) if self.spool_path.exists() else (self.path, self.record.file_format)
            with transaction.atomic():
                with source.open("rb") as handle, open_roster(
                    handle, file_format=file_format, chunk_rows=self.chunk_rows
                ) as rows:
                    checker = self.checker(rows.header, registered=self.registered)
                    done = 0
                    for chunk in rows.chunks:
                        checked = checker.check_chunk(chunk)
                        if checked.issues:
                            raise RosterChangedDuringImport(checked.issues[0].reason)
                        counts.add(writer.write_chunk(checked))
                        done += len(chunk)
                        self.report_progress(WRITING, done, counts)
                self.set_counts(counts)
                self.record_success(counts)
                self.finish(RosterImportStatus.DONE, self.success_message(counts))
        except IntegrityError as exc:  # a unique key taken by another import or administrator meanwhile
            logger.warning("roster import %s hit a concurrent change (%s)", self.record.pk, _constraint(exc))
            self._changed_meanwhile(_conflict_reason(exc))
        except RosterChangedDuringImport as exc:
            self._changed_meanwhile(str(exc))

    def _changed_meanwhile(self, reason: str) -> None:
        self.set_counts(WriteCounts())
        message = _(
            "Teacher records changed while this file was being imported (%(reason)s); nothing was written. "
            "Upload the file again."
        )
        self.finish(RosterImportStatus.FAILED, message % {"reason": reason})

    def success_message(self, counts: WriteCounts) -> str:
        return _("Imported: %(created)d new, %(updated)d updated (%(transferred)d transferred), %(unchanged)d unchanged.") % {
            "created": counts.created,
            "updated": counts.updated,
            "transferred": counts.transferred,
            "unchanged": counts.unchanged,
        }

    def record_success(self, counts: WriteCounts) -> None:
        """Wagtail's admin log and the personal-data access log, inside the import's transaction."""
        log(
            instance=self.record,
            action="lms.roster_import",
            user=self.uploader,
            data={
                "file": self.record.original_name,
                "rows": self.record.total_rows,
                "created": counts.created,
                "updated": counts.updated,
                "transferred": counts.transferred,
                "unchanged": counts.unchanged,
            },
        )
        access_log_record(
            actor=self.uploader,
            actor_label=self.actor_label if self.uploader is None else "",  # the command line's bulk load
            action=AccessAction.IMPORT,
            object_count=self.record.total_rows,
            subject=self.record.original_name[:200],
        )

    def set_counts(self, counts: WriteCounts) -> None:
        self.record.created_count = counts.created
        self.record.updated_count = counts.updated
        self.record.unchanged_count = counts.unchanged

    def report_progress(self, phase: str, processed: int, counts: WriteCounts, *, errors: int = 0) -> None:
        self.progress.phase = phase
        self.progress.processed = processed
        self.progress.counts = {
            "created": counts.created,
            "updated": counts.updated,
            "unchanged": counts.unchanged,
            "errors": errors,
        }
        progress_save(self.record.pk, self.progress)

    def finish(self, status: str, message: str) -> None:
        """The outcome goes to the row; `publish` tells the status page once it is committed."""
        self.record.status = status
        self.record.message = message
        self.record.finished_at = timezone.now()
        self.record.save()

    def publish(self) -> None:
        self.progress.status = self.record.status
        self.progress.phase = FINISHED
        progress_save(self.record.pk, self.progress)


def _constraint(exc: IntegrityError) -> str:
    """The violated constraint's name (PostgreSQL) or the database's message (SQLite names the column);
    never the duplicate value itself, which may be personal data."""
    diagnostics = getattr(exc.__cause__, "diag", None)
    name = getattr(diagnostics, "constraint_name", None)
    return name or str(exc).split("\n", 1)[0][:200]


def _conflict_reason(exc: IntegrityError) -> str:
    if "qualification_number" in _constraint(exc):  # unique_qualification_number, or lms_teacher.qualification_number
        return _("another teacher was given the same certificate number")
    return _("another import or administrator added the same teacher")


def roster_import_run(
    *,
    import_id: uuid.UUID | str,
    all_jurisdictions: bool = False,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    actor_label: str = "",
) -> RosterImport:
    """Run a queued import once: a second delivery of the same task finds it claimed and does nothing.

    An import without an uploader (all jurisdictions) is logged under `actor_label` in the access log.
    """
    claimed = RosterImport.objects.filter(pk=import_id, status=RosterImportStatus.QUEUED).update(
        status=RosterImportStatus.RUNNING
    )
    record = RosterImport.objects.select_related("uploaded_by").get(pk=import_id)
    if not claimed:
        return record
    run = RosterImportRun(record, all_jurisdictions=all_jurisdictions, chunk_rows=chunk_rows, actor_label=actor_label)
    try:
        run.execute()
    except Exception:
        logger.exception("roster import %s failed", import_id)
        run.set_counts(WriteCounts())
        run.finish(RosterImportStatus.FAILED, _("The import stopped with an unexpected error; nothing was written."))
    finally:
        run.discard_upload()  # done, rejected, checked or failed: the outcome is recorded first
    run.publish()
    return record
