"""Rows for a generated province: users, teachers and postings as plain tuples, one block at a time.

Pure computation (no database), so blocks can be built in worker processes. Each block has its own
seeded generator, so the data does not depend on how blocks are spread over workers.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from lms.identity import protect_id_number
from lms.services.teachers import teacher_username
from lms.vocab import EmploymentStatus

from .names import person_name
from .people import (
    DEMO_QUALIFICATION_SERIALS,
    QUALIFICATION_SHARE,
    generated_id_number,
    pick_subject,
    pick_title,
    posting_start,
    qualification_number,
)

BLOCK_SIZE = 10_000

USER_FIELDS = (
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name",
    "email", "is_staff", "is_active", "date_joined",
)
TEACHER_FIELDS = (
    "id", "user_id", "real_name", "gender", "id_number_encrypted", "id_number_hash", "id_number_masked",
    "birth_date", "school_id", "stage", "subject", "title", "title_conferred_on", "qualification_number",
    "employment_status", "created_at", "updated_at",
)
POSTING_FIELDS = ("id", "teacher_id", "school_id", "started_on", "ended_on", "note", "recorded_by_id", "recorded_at")


@dataclass(frozen=True)
class Segment:
    """`count` consecutive teachers of one school."""

    school_id: int
    area_code: str
    stage: str
    count: int


@dataclass(frozen=True)
class BlockTask:
    number: int
    start: int  # index of the block's first teacher in the province
    segments: tuple[Segment, ...]
    seed: int
    user_base: int  # row ids are base + index: ids are allocated up front, so COPY needs no RETURNING
    teacher_base: int
    posting_base: int
    now: dt.datetime
    today: dt.date


@dataclass
class BlockRows:
    users: list[tuple[object, ...]]
    teachers: list[tuple[object, ...]]
    postings: list[tuple[object, ...]]


def build_block(task: BlockTask) -> BlockRows:
    rng = random.Random(task.seed * 1_000_003 + task.number)
    rows = BlockRows(users=[], teachers=[], postings=[])
    index = task.start
    for segment in task.segments:
        for _ in range(segment.count):
            _append_teacher(rows, index, segment, rng, task)
            index += 1
    return rows


def _append_teacher(rows: BlockRows, index: int, segment: Segment, rng: random.Random, task: BlockTask) -> None:
    id_number = generated_id_number(index, segment.area_code)
    protected = protect_id_number(id_number)
    birth = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    gender = "M" if int(id_number[16]) % 2 else "F"
    title, conferred = pick_title(rng, birth, task.today)
    qualification = ""
    # The serial is the teacher's index: unique. Past the 9 millionth teacher (far beyond the scale target)
    # the serials are seed_demo's, so none is given; the draw is made all the same, keeping the rest of the
    # data independent of the province's size.
    if rng.random() < QUALIFICATION_SHARE and index < DEMO_QUALIFICATION_SERIALS:
        qualification = qualification_number(
            birth_date=birth, area_code=segment.area_code, stage=segment.stage, gender=gender, serial=index
        )
    user_id, teacher_id = task.user_base + index, task.teacher_base + index
    username = teacher_username(protected.hash)
    rows.users.append((user_id, "!", None, False, username, "", "", "", False, True, task.now))
    rows.teachers.append(
        (
            teacher_id, user_id, person_name(rng, gender), gender,
            protected.encrypted, protected.hash, protected.masked, birth,
            segment.school_id, segment.stage, pick_subject(rng, segment.stage), title, conferred,
            qualification, EmploymentStatus.ACTIVE.value, task.now, task.now,
        )
    )
    started_on = posting_start(rng, birth, task.today)
    rows.postings.append((task.posting_base + index, teacher_id, segment.school_id, started_on, None, "", None, task.now))
