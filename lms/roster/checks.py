"""A chunk of rows checked against each other, the rest of the file and the database (one query per kind)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _

from lms.models import Teacher

from .bulk import among
from .columns import HeaderMap
from .fields import CheckedRow, IdentityCache, RowFields, RowIssue, check_row
from .reader import Row
from .scope import RosterScope

# What a roster row sets on a teacher; equal values mean the row changes nothing.
COMPARED_FIELDS = (
    "real_name",
    "gender",
    "birth_date",
    "school_id",
    "stage",
    "subject",
    "title",
    "title_conferred_on",
    "qualification_number",
    "employment_status",
)


class ExistingTeacher(NamedTuple):
    """A teacher already stored, as far as the import compares it: a tuple, not a model instance (100k of them)."""

    id: int
    user_id: int
    id_number_hash: str
    real_name: str
    gender: str
    birth_date: dt.date
    school_id: int
    stage: str
    subject: str
    title: str
    title_conferred_on: dt.date | None
    qualification_number: str
    employment_status: str


EXISTING_COLUMNS = ExistingTeacher._fields


def existing_teachers(hashes: set[str]) -> dict[str, ExistingTeacher]:
    if not hashes:
        return {}
    found = Teacher.objects.filter(among("id_number_hash", hashes)).values_list(*EXISTING_COLUMNS)
    return {teacher.id_number_hash: teacher for teacher in map(ExistingTeacher._make, found)}


@dataclass
class CheckedChunk:
    rows: list[CheckedRow]
    issues: list[RowIssue]
    existing: dict[str, ExistingTeacher] = field(default_factory=dict)  # by id_number_hash


class RosterChecker:
    """Checks chunk after chunk, remembering ID numbers and certificate numbers seen earlier in the file.

    `registered`, for a second pass: the ID hashes the first pass found already stored (its `found`).
    Only those are looked up again; a row the first pass found new is written as new, and should someone
    have registered that person in between, the unique ID hash stops the write and nothing is written.
    """

    def __init__(
        self,
        *,
        header: HeaderMap,
        scope: RosterScope,
        today: dt.date,
        identities: IdentityCache | None = None,
        registered: set[str] | None = None,
    ) -> None:
        self.header = header
        self.scope = scope
        self.today = today
        self.identities = identities
        self.registered = registered
        self.found: set[str] = set()  # ID hashes of the teachers already stored
        self._first_row_of_id: dict[str, int] = {}
        self._holder_of_certificate: dict[str, tuple[int, str | None]] = {}
        self._first_rows_reported: set[str] = set()

    def check_chunk(self, rows: list[Row]) -> CheckedChunk:
        all_fields = [RowFields(number=number, cells=cells, header=self.header) for number, cells in rows]
        schools = self.scope.schools({fields.value("school_code") for fields in all_fields})
        checked = [
            check_row(fields, schools=schools, today=self.today, identities=self.identities) for fields in all_fields
        ]
        extra: list[RowIssue] = []
        for fields in all_fields:
            self._duplicate_id(fields, extra)
            self._duplicate_certificate(fields)
        hashes = {fields.id_hash for fields in all_fields if fields.id_hash}
        existing = existing_teachers(hashes if self.registered is None else hashes & self.registered)
        self.found.update(hash_ for hash_ in hashes if hash_ in existing)
        self._held_outside(all_fields, existing)
        self._certificates_held(all_fields)
        return CheckedChunk(
            rows=[row for fields, row in zip(all_fields, checked) if row is not None and not fields.issues],
            issues=[issue for fields in all_fields for issue in fields.issues] + extra,
            existing=existing,
        )

    def _duplicate_id(self, fields: RowFields, extra: list[RowIssue]) -> None:
        if fields.id_hash is None:
            return
        first = self._first_row_of_id.setdefault(fields.id_hash, fields.number)
        if first == fields.number:
            return
        fields.add("id_number", _("The same ID number is also on row %(row)d.") % {"row": first})
        if fields.id_hash not in self._first_rows_reported:
            self._first_rows_reported.add(fields.id_hash)
            extra.append(
                RowIssue(
                    row=first,
                    column="id_number",
                    label=self.header.label("id_number"),
                    value=fields.value("id_number"),
                    reason=_("The same ID number is also on row %(row)d.") % {"row": fields.number},
                )
            )

    def _duplicate_certificate(self, fields: RowFields) -> None:
        if not fields.qualification:
            return
        row, holder = self._holder_of_certificate.setdefault(fields.qualification, (fields.number, fields.id_hash))
        if row != fields.number and holder != fields.id_hash:
            fields.add(
                "qualification_number",
                _("This certificate number is also on row %(row)d, for another person.") % {"row": row},
            )

    def _held_outside(self, all_fields: list[RowFields], existing: dict[str, ExistingTeacher]) -> None:
        """A teacher already at a school the uploader does not reach is not theirs to change or move."""
        inside = self.scope.inside({teacher.school_id for teacher in existing.values()})
        for fields in all_fields:
            teacher = existing.get(fields.id_hash or "")
            if teacher is not None and teacher.school_id not in inside:
                fields.add(
                    "id_number",
                    _(
                        "This person is already registered at a school outside your jurisdiction; "
                        "an administrator who covers both schools must transfer them."
                    ),
                )

    def _certificates_held(self, all_fields: list[RowFields]) -> None:
        numbers = {fields.qualification for fields in all_fields if fields.qualification}
        if not numbers:
            return
        holders = dict(
            Teacher.objects.filter(among("qualification_number", numbers)).values_list(
                "qualification_number", "id_number_hash"
            )
        )
        for fields in all_fields:
            holder = holders.get(fields.qualification)
            if holder is not None and holder != fields.id_hash:
                fields.add("qualification_number", _("This certificate number already belongs to another teacher."))
