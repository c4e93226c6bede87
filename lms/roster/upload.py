"""Receiving a roster file: refuse what is not a usable spreadsheet before storing anything, then queue it."""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from lms.models import RosterImport
from lms.selectors import user_can_manage_roster

from .columns import HeaderError, map_header
from .reader import (
    XLSX,
    RosterFileError,
    RowSpool,
    check_content,
    check_size,
    file_digest,
    file_format_for,
    open_roster,
)

ROSTER_DIR = "roster"


def roster_upload_limit() -> int:
    return int(getattr(settings, "ROSTER_UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def roster_private_path(relative: str) -> Path:
    return Path(settings.PRIVATE_ROOT) / relative


def roster_spool_path(import_id: uuid.UUID | str) -> Path:
    """Where a workbook's rows are copied as CSV for the passes to read (reader.RowSpool)."""
    return roster_private_path(f"{ROSTER_DIR}/{import_id}.rows.csv")


def roster_file_check(upload: File, *, spool: Path | None = None) -> str:
    """The file's format once it has passed every file-level check; ValidationError with the reason otherwise.

    A workbook is read whole here anyway (calamine has no partial read), so with `spool` its rows are
    also copied there as CSV, and the import's passes read that copy instead of the workbook.
    """
    name = Path(upload.name or "").name
    copy: RowSpool | None = None
    try:
        file_format = file_format_for(name)
        check_size(size=upload.size, max_bytes=roster_upload_limit())
        check_content(upload.file, file_format=file_format, size=upload.size)
        digest = file_digest(upload.file) if spool is not None and file_format == XLSX else ""
        with open_roster(upload.file, file_format=file_format) as rows:
            map_header(list(rows.header))
            first = next(rows.chunks, None)
            if first is None:
                raise RosterFileError(_("The file has a header row but no teacher rows."))
            if spool is not None and digest:
                spool.parent.mkdir(parents=True, exist_ok=True)
                copy = RowSpool(spool, source_digest=digest, header_row=rows.header_row, header=rows.header)
                for chunk in itertools.chain([first], rows.chunks):
                    copy.write(chunk)
                copy.finish()
                copy = None
    except (RosterFileError, HeaderError) as exc:
        raise ValidationError(str(exc)) from exc
    finally:
        if copy is not None:  # stopped half way: no partial copy of the rows stays behind
            copy.discard()
        upload.file.seek(0)
    return file_format


def _store(upload: File, *, import_id: uuid.UUID, file_format: str) -> str:
    """Copy into the private folder (never MEDIA_ROOT); the stored name is ours, not the uploader's."""
    relative = f"{ROSTER_DIR}/{import_id}.{file_format}"
    target = roster_private_path(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        for block in upload.chunks():
            out.write(block)
    return relative


def roster_import_create(
    *, uploader: AbstractBaseUser | None, upload: File, dry_run: bool = False
) -> RosterImport:
    """Check the file and store it with a queued import; nothing is written when a check fails.

    uploader None is the command line's all-jurisdictions load; every other caller names the user.
    """
    if uploader is not None and not user_can_manage_roster(user=uploader):
        raise PermissionDenied(_("You have no administrator role that covers a roster."))
    import_id = uuid.uuid4()
    spool = roster_spool_path(import_id)
    file_format = roster_file_check(upload, spool=spool)
    stored_path = ""
    try:
        stored_path = _store(upload, import_id=import_id, file_format=file_format)
        record = RosterImport(
            id=import_id,
            uploaded_by=uploader,
            original_name=Path(upload.name or "").name[:255],
            stored_path=stored_path,
            file_format=file_format,
            dry_run=dry_run,
        )
        record.full_clean(exclude=["uploaded_by"])  # none only for the command line's all-jurisdictions load
        record.save()
    except BaseException:  # no record: no file of it may stay
        spool.unlink(missing_ok=True)
        if stored_path:
            roster_private_path(stored_path).unlink(missing_ok=True)
        raise
    return record


def roster_import_queue(record: RosterImport) -> None:
    """Run the import once the surrounding transaction commits: eagerly without a broker, on a worker with one."""
    from lms.tasks import roster_import_run

    transaction.on_commit(lambda: roster_import_run.delay(str(record.pk)))


def roster_import_submit(*, uploader: AbstractBaseUser, upload: File, dry_run: bool = False) -> RosterImport:
    record = roster_import_create(uploader=uploader, upload=upload, dry_run=dry_run)
    roster_import_queue(record)
    return record
