"""Writing a checked chunk, set-based: new accounts, teachers and postings in bulk, changed teachers only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from lms.identity import protect_id_number
from lms.models import Teacher, TeacherPosting
from lms.services.teachers import teacher_username

from .checks import COMPARED_FIELDS, CheckedChunk
from .fields import CheckedRow

BATCH_SIZE = 1000
_UPDATED_FIELDS = [name.removesuffix("_id") for name in COMPARED_FIELDS] + ["updated_at"]


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


def changed_fields(teacher: Teacher, row: CheckedRow) -> list[str]:
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
        changed: list[Teacher] = []
        moved: list[Teacher] = []
        now = timezone.now()
        for row in chunk.rows:
            teacher = chunk.existing.get(row.id_hash)
            if teacher is None:
                new_rows.append(row)
                continue
            fields = changed_fields(teacher, row)
            if not fields:
                counts.unchanged += 1
                continue
            for name in fields:
                setattr(teacher, name, getattr(row, name))
            teacher.updated_at = now
            changed.append(teacher)
            if "school_id" in fields:
                moved.append(teacher)
        created = self._create_teachers(new_rows)
        Teacher.objects.bulk_update(changed, _UPDATED_FIELDS, batch_size=BATCH_SIZE)
        self._transfer(moved)
        self._open_postings(created + moved)
        counts.created, counts.updated, counts.transferred = len(created), len(changed), len(moved)
        return counts

    def _create_teachers(self, rows: list[CheckedRow]) -> list[Teacher]:
        if not rows:
            return []
        user_ids = self._accounts([teacher_username(row.id_hash) for row in rows])
        teachers = []
        for row in rows:
            protected = protect_id_number(row.id_number)
            teachers.append(
                Teacher(
                    user_id=user_ids[teacher_username(row.id_hash)],
                    real_name=row.real_name,
                    gender=row.gender,
                    id_number_encrypted=protected.encrypted,
                    id_number_hash=protected.hash,
                    id_number_masked=protected.masked,
                    birth_date=row.birth_date,
                    school_id=row.school_id,
                    stage=row.stage,
                    subject=row.subject,
                    title=row.title,
                    title_conferred_on=row.title_conferred_on,
                    qualification_number=row.qualification_number,
                    employment_status=row.employment_status,
                )
            )
        created = Teacher.objects.bulk_create(teachers, batch_size=BATCH_SIZE)
        if any(teacher.pk is None for teacher in created):  # a database that cannot return ids from bulk insert
            ids = dict(Teacher.objects.filter(user_id__in=user_ids.values()).values_list("user_id", "id"))
            for teacher in created:
                teacher.pk = ids[teacher.user_id]
        return created

    def _accounts(self, usernames: list[str]) -> dict[str, int]:
        """One login account per new teacher, named from the keyed hash, without a usable password.

        An account left behind by a deleted teacher record is reused rather than duplicated.
        """
        user_model = get_user_model()
        ids = dict(
            user_model.objects.filter(username__in=usernames, teacher_profile__isnull=True).values_list("username", "id")
        )
        missing = [name for name in usernames if name not in ids]
        accounts = []
        for name in missing:
            account = user_model(username=name)
            account.set_unusable_password()
            accounts.append(account)
        user_model.objects.bulk_create(accounts, batch_size=BATCH_SIZE)
        if any(account.pk is None for account in accounts):
            ids.update(user_model.objects.filter(username__in=missing).values_list("username", "id"))
        else:
            ids.update((account.get_username(), account.pk) for account in accounts)
        return ids

    def _transfer(self, teachers: list[Teacher]) -> None:
        """Close the open postings of the moved teachers; _open_postings opens the new ones."""
        if teachers:
            TeacherPosting.objects.filter(teacher_id__in=[t.pk for t in teachers], ended_on__isnull=True).update(
                ended_on=self.today
            )

    def _open_postings(self, teachers: list[Teacher]) -> None:
        TeacherPosting.objects.bulk_create(
            [
                TeacherPosting(
                    teacher_id=teacher.pk,
                    school_id=teacher.school_id,
                    started_on=self.today,
                    note=self.note,
                    recorded_by=self.recorded_by,
                )
                for teacher in teachers
            ],
            batch_size=BATCH_SIZE,
        )
