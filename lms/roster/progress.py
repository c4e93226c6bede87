"""Progress of a running import, kept in the shared cache: the write phase is one open transaction,
so the RosterImport row cannot show it until the end."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field

from django.core.cache import cache

from lms.models import RosterImport, RosterImportStatus

PROGRESS_TTL_SECONDS = 24 * 3600
FINAL_STATUSES = frozenset(
    {RosterImportStatus.REJECTED, RosterImportStatus.CHECKED, RosterImportStatus.DONE, RosterImportStatus.FAILED}
)
CHECKING = "checking"
WRITING = "writing"
FINISHED = "finished"
QUEUED = "queued"


@dataclass
class Progress:
    status: str
    phase: str
    processed: int = 0
    total: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False

    @property
    def percent(self) -> int:
        if self.phase == FINISHED:
            return 100
        if self.phase == QUEUED or not self.total:
            return 0
        share = min(self.processed / self.total, 1.0)
        if self.dry_run:  # checking is all there is
            return min(int(share * 100), 99)
        start = 50 if self.phase == WRITING else 0
        return min(start + int(share * 50), 99)

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "percent": self.percent, "done": self.phase == FINISHED}


def _key(import_id: uuid.UUID | str) -> str:
    return f"roster-import:{import_id}:progress"


def progress_save(import_id: uuid.UUID | str, progress: Progress) -> None:
    cache.set(_key(import_id), asdict(progress), PROGRESS_TTL_SECONDS)


def progress_clear(import_id: uuid.UUID | str) -> None:
    cache.delete(_key(import_id))


def record_counts(record: RosterImport) -> dict[str, int]:
    return {
        "created": record.created_count,
        "updated": record.updated_count,
        "unchanged": record.unchanged_count,
        "errors": record.error_count,
    }


def import_progress(record: RosterImport) -> Progress:
    """The row once the import has finished; the cache while it runs."""
    if record.status in FINAL_STATUSES:
        return Progress(
            status=record.status,
            phase=FINISHED,
            processed=record.total_rows,
            total=record.total_rows,
            counts=record_counts(record),
            dry_run=record.dry_run,
        )
    cached = cache.get(_key(record.pk))
    if cached:
        return Progress(**cached)
    phase = QUEUED if record.status == RosterImportStatus.QUEUED else CHECKING  # running, no word from it yet
    return Progress(status=record.status, phase=phase, counts=record_counts(record), dry_run=record.dry_run)


def progress_json(record: RosterImport) -> dict[str, object]:
    """What the status page polls: the progress, the status in words, and the outcome once finished."""
    progress = import_progress(record)
    return {
        **progress.as_json(),
        "status_label": str(RosterImportStatus(progress.status).label),
        "message": record.message if progress.phase == FINISHED else "",
        "has_report": bool(progress.phase == FINISHED and record.report_path and record.error_count),
    }
