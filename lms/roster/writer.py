"""Writing a checked chunk, set-based: new accounts, teachers and postings in bulk, changed teachers only."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.identity import protect_id_number
from lms.models import Teacher, TeacherPosting
from lms.services.teachers import teacher_username

from .bulk import among, insert_rows
from .checks import COMPARED_FIELDS, EXISTING_COLUMNS, CheckedChunk, ExistingTeacher
from .fields import CheckedRow

BATCH_SIZE = 1000  # rows per UPDATE of changed teachers
_UPDATED_FIELDS = [name.removesuffix("_id") for name in COMPARED_FIELDS] + ["updated_at"]


class RosterChangedDuringImport(RuntimeError):
    """A row that passed the check failed it again while writing: someone changed the records meanwhile."""


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    transferred: int = 0

    def add(self, other: WriteCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.transferred += other.transferred


def unusable_password() -> str:
    """What set_unusable_password() stores ("!" + 40 random characters), at a fraction of its cost."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)


def _lock_as_checked(teachers: list[ExistingTeacher]) -> None:
    """Lock the rows about to change; if any changed since the check read them, stop: nothing is written."""
    found = (
        Teacher.objects.filter(among("id", [teacher.id for teacher in teachers]))
        .select_for_update(no_key=True)
        .order_by("pk")
        .values_list(*EXISTING_COLUMNS)
    )
    current = {teacher.id: teacher for teacher in map(ExistingTeacher._make, found)}
    for teacher in teachers:
        if current.get(teacher.id) != teacher:
            raise RosterChangedDuringImport(_("a teacher record was changed by someone else"))


def changed_fields(teacher: ExistingTeacher, row: CheckedRow) -> list[str]:
    return [name for name in COMPARED_FIELDS if getattr(teacher, name) != getattr(row, name)]


def predicted_counts(chunk: CheckedChunk) -> WriteCounts:
    """What writing this chunk would do; a dry run reports it."""
    counts = WriteCounts()
    for row in chunk.rows:
        teacher = chunk.existing.get(row.id_hash)
        if teacher is None:
            counts.created += 1
        elif changed := changed_fields(teacher, row):
            counts.updated += 1
            counts.transferred += "school_id" in changed
        else:
            counts.unchanged += 1
    return counts


class RosterWriter:
    """Applies checked chunks inside the caller's transaction; the caller decides all-or-nothing."""

    def __init__(self, *, recorded_by: AbstractBaseUser | None, today: dt.date, note: str) -> None:
        self.recorded_by = recorded_by
        self.today = today
        self.note = note[:200]

    def write_chunk(self, chunk: CheckedChunk) -> WriteCounts:
        counts = WriteCounts()
        new_rows: list[CheckedRow] = []
        changed: list[tuple[ExistingTeacher, CheckedRow]] = []
        for row in chunk.rows:
            teacher = chunk.existing.get(row.id_hash)
            if teacher is None:
                new_rows.append(row)
            elif changed_fields(teacher, row):
                changed.append((teacher, row))
            else:
                counts.unchanged += 1
        created = self._create_teachers(new_rows)
        moved = self._update_teachers(changed)
        self._transfer([teacher_id for teacher_id, _school in moved])
        self._open_postings(created + moved)
        counts.created, counts.updated, counts.transferred = len(created), len(changed), len(moved)
        return counts

    def _update_teachers(self, changed: list[tuple[ExistingTeacher, CheckedRow]]) -> list[tuple[int, int]]:
        """Write the changed teachers; returns (teacher id, new school id) of those who changed school."""
        if not changed:
            return []
        _lock_as_checked([teacher for teacher, _row in changed])
        now = timezone.now()
        teachers = [
            Teacher(pk=teacher.id, updated_at=now, **{name: getattr(row, name) for name in COMPARED_FIELDS})
            for teacher, row in changed
        ]
        Teacher.objects.bulk_update(teachers, _UPDATED_FIELDS, batch_size=BATCH_SIZE)
        return [(teacher.id, row.school_id) for teacher, row in changed if teacher.school_id != row.school_id]

    def _create_teachers(self, rows: list[CheckedRow]) -> list[tuple[int, int]]:
        """New accounts and teacher records; returns (teacher id, school id) for their first postings."""
        if not rows:
            return []
        user_ids = self._accounts([teacher_username(row.id_hash) for row in rows])
        records = []
        for row in rows:
            protected = protect_id_number(row.id_number)
            records.append(
                {
                    "user_id": user_ids[teacher_username(row.id_hash)],
                    "real_name": row.real_name,
                    "gender": row.gender,
                    "id_number_encrypted": protected.encrypted,
                    "id_number_hash": protected.hash,
                    "id_number_masked": protected.masked,
                    "birth_date": row.birth_date,
                    "school_id": row.school_id,
                    "stage": row.stage,
                    "subject": row.subject,
                    "title": row.title,
                    "title_conferred_on": row.title_conferred_on,
                    "qualification_number": row.qualification_number,
                    "employment_status": row.employment_status,
                }
            )
        teacher_ids = insert_rows(Teacher, records)
        return [(teacher_id, row.school_id) for teacher_id, row in zip(teacher_ids, rows)]

    def _accounts(self, usernames: list[str]) -> dict[str, int]:
        """One login account per new teacher, named from the keyed hash, without a usable password.

        An account left behind by a deleted teacher record is reused rather than duplicated.
        """
        user_model = get_user_model()
        ids = dict(user_model.objects.filter(among("username", usernames)).values_list("username", "id"))
        if ids:  # rare: drop accounts that do have a teacher record (a second query beats joining every time)
            taken = set(Teacher.objects.filter(among("user_id", ids.values())).values_list("user_id", flat=True))
            ids = {name: pk for name, pk in ids.items() if pk not in taken}
        missing = [name for name in usernames if name not in ids]
        new_ids = insert_rows(user_model, [{"username": name, "password": unusable_password()} for name in missing])
        ids.update(zip(missing, new_ids))
        return ids

    def _transfer(self, teacher_ids: list[int]) -> None:
        """Close the open postings of the moved teachers; _open_postings opens the new ones."""
        if teacher_ids:
            TeacherPosting.objects.filter(among("teacher_id", teacher_ids), ended_on__isnull=True).update(
                ended_on=self.today
            )

    def _open_postings(self, placements: list[tuple[int, int]]) -> None:
        """(teacher id, school id) pairs: each opens a posting today."""
        recorded_by_id = self.recorded_by.pk if self.recorded_by is not None else None
        insert_rows(  # no ids needed back: the database numbers the postings itself
            TeacherPosting,
            [
                {
                    "teacher_id": teacher_id,
                    "school_id": school_id,
                    "started_on": self.today,
                    "note": self.note,
                    "recorded_by_id": recorded_by_id,
                }
                for teacher_id, school_id in placements
            ],
            ids=False,
        )
