"""Bulk look-up jobs: start one from a checked upload (the ID numbers wait in a private file, never in the
database), and answer it chunk by chunk into a result workbook, logging every teacher looked at."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lms.api import AccessAction, AccessChannel, AccessLog, access_log_record

from ..access import UserLike
from ..models import BulkLookup, JobState
from ..titles.rules import title_targets_in_force
from .lookup import BulkAnswer, bulk_chunk_answer, lookup_context
from .result import ResultWorkbook
from .selectors import user_can_bulk_lookup
from .spreadsheet import IdSheet, id_sheet_read

log = logging.getLogger(__name__)
CHUNK = 2500  # ID numbers per round of queries: a few queries each, and a progress step the bar can show
FOLDER = "bulk"


def _private(relative: str) -> Path:
    return Path(settings.PRIVATE_ROOT) / relative


def _remove(relative: str) -> None:
    if relative:
        _private(relative).unlink(missing_ok=True)


def _input_write(relative: str, *, rows: list[tuple[int, str]], language: str) -> None:
    path = _private(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)  # readable by the service account only
    path.write_text(json.dumps({"language": language, "rows": rows}), encoding="utf-8")


def _input_read(relative: str) -> tuple[list[tuple[int, str]], str]:
    payload: dict[str, Any] = json.loads(_private(relative).read_text(encoding="utf-8"))
    return [(int(row), str(id_number)) for row, id_number in payload["rows"]], str(payload.get("language") or "zh-hans")


def _checked_choices(*, user: UserLike, title: str, reason: str) -> str:
    if not user_can_bulk_lookup(user=user):
        raise PermissionDenied(_("Only personnel officers and bureau administrators run bulk look-ups."))
    if title and title not in title_targets_in_force():
        raise ValidationError(_("Choose a target title from the list."), code="title")
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Give the reason for this look-up; it is recorded in the access log."), code="reason")
    return reason[:500]


def bulk_lookup_start(*, user: UserLike, name: str, sheet: IdSheet, title: str, reason: str, language: str = "zh-hans") -> BulkLookup:
    """A job for an already checked sheet: the private input file and the record, together or neither; the
    task is queued once both are committed."""
    reason = _checked_choices(user=user, title=title, reason=reason)
    relative = f"{FOLDER}/{secrets.token_hex(12)}-input.json"
    try:
        with transaction.atomic():
            lookup = BulkLookup.objects.create(
                requested_by=user, original_name=name[:255], input_path=relative, title=title, reason=reason,
                total=len(sheet.rows),
            )
            _input_write(relative, rows=sheet.rows, language=language)
            from .tasks import bulk_lookup_answer

            transaction.on_commit(lambda: bulk_lookup_answer.delay(lookup.pk))
    except BaseException:
        _remove(relative)
        raise
    return lookup


def bulk_lookup_create(*, user: UserLike, name: str, data: bytes, title: str, reason: str, language: str = "zh-hans") -> BulkLookup:
    """Check the upload (ValidationError, or IdSheetProblems with every bad row: nothing stored) and start the job."""
    _checked_choices(user=user, title=title, reason=reason)
    return bulk_lookup_start(user=user, name=name, sheet=id_sheet_read(name=name, data=data), title=title, reason=reason, language=language)


def _audit_entries(*, user: Any, answers: list[BulkAnswer], reason: str, path: str) -> list[AccessLog]:
    """One personnel-query entry per teacher found, as the audit viewer lists them."""
    return [
        AccessLog(
            actor=user, actor_username=user.get_username(), action=AccessAction.QUERY,
            teacher_id_ref=answer.teacher.pk, subject=str(answer.teacher)[:200], object_count=1, reason=reason,
            path=path, channel=AccessChannel.BULK,
        )
        for answer in answers if answer.teacher is not None
    ]


def _answer_all(lookup: BulkLookup, rows: list[tuple[int, str]], *, today: dt.date) -> Path:
    user = lookup.requested_by
    context = lookup_context(target_title=lookup.title, today=today)
    target = context.policy.cycle_target_hours if context.policy is not None else None
    workbook = ResultWorkbook(cycle_target=target, target_title=lookup.title)
    path = reverse("certification:bulk_detail", args=[lookup.pk])
    found = 0
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        answers = bulk_chunk_answer(user=user, rows=chunk, context=context)
        for answer in answers:
            workbook.append(answer)
        entries = _audit_entries(user=user, answers=answers, reason=lookup.reason, path=path)
        AccessLog.objects.bulk_create(entries, batch_size=2500)
        found += len(entries)
        lookup.done, lookup.found = start + len(chunk), found
        BulkLookup.objects.filter(pk=lookup.pk).update(done=lookup.done, found=found)  # the progress bar reads this
    lookup.result_path = f"{FOLDER}/{secrets.token_hex(12)}-result.xlsx"
    workbook.save(_private(lookup.result_path))
    return _private(lookup.result_path)


def bulk_lookup_run(*, lookup_id: int, today: dt.date | None = None) -> BulkLookup:
    """Answer a queued job (a second delivery of the task finds it claimed and does nothing). It ends done
    with its result file, or failed with a message; either way the input file is gone."""
    claimed = BulkLookup.objects.filter(pk=lookup_id, state=JobState.QUEUED).update(state=JobState.RUNNING, done=0, found=0)
    lookup = BulkLookup.objects.select_related("requested_by").get(pk=lookup_id)
    if not claimed:
        return lookup
    today = today or timezone.localdate()
    try:
        rows, language = _input_read(lookup.input_path)
        if not user_can_bulk_lookup(user=lookup.requested_by):
            raise PermissionDenied("the requester may no longer run bulk look-ups")
        with translation.override(language):
            _answer_all(lookup, rows, today=today)
        with translation.override(settings.LANGUAGE_CODE):  # the audit log reads in one language
            subject = _("Bulk look-up: %(file)s (%(rows)s rows)") % {"file": lookup.original_name[:120], "rows": lookup.total}
        access_log_record(
            actor=lookup.requested_by, action=AccessAction.QUERY, subject=subject[:200], object_count=lookup.found,
            reason=lookup.reason, channel=AccessChannel.BULK,
        )
        lookup.state = JobState.DONE
    except Exception as error:  # noqa: BLE001 - any failure ends the job visibly, never half-done
        log.exception("bulk look-up %s failed", lookup.pk)
        _remove(lookup.result_path)
        lookup.result_path = ""
        lookup.state = JobState.FAILED
        lookup.error = _("The look-up failed (%(error)s); upload the file again.") % {"error": type(error).__name__}
    _remove(lookup.input_path)
    lookup.input_path = ""
    lookup.finished_at = timezone.now()
    lookup.save(update_fields=["state", "done", "found", "result_path", "input_path", "error", "finished_at"])
    return lookup
