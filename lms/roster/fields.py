"""One roster row on its own: every cell checked, every problem reported against its column."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from lms.idcard import IdNumber
from lms.identity import id_number_hash
from lms.teacher_checks import (
    FieldCheckError,
    check_id_number,
    check_identity,
    check_qualification_number,
    check_real_name,
    check_title_date,
    parse_date,
)
from lms.vocab import EmploymentStatus, Gender, SchoolStage, Subject, Title

from .columns import HeaderMap
from .scope import SchoolEntry
from .vocabulary import allowed_labels, roster_code

# Excel shows a long number typed into a General cell as 1.10105E+17 and keeps only 15 digits.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RowIssue:
    row: int | None
    column: str  # our column key, "" for the file as a whole
    label: str  # the header as the uploader wrote it
    value: str
    reason: str


@dataclass(frozen=True, slots=True)
class CheckedRow:
    row: int
    id_number: str
    id_hash: str
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


class RowFields:
    """Reads one row's cells by column and collects the issues found in it."""

    def __init__(self, *, number: int, cells: tuple[str, ...], header: HeaderMap) -> None:
        self.number = number
        self.header = header
        width = len(cells)
        self.values = {key: cells[at] if at < width else "" for key, at in header.positions.items()}
        self.issues: list[RowIssue] = []
        self.id_hash: str | None = None  # set once the ID number parses: the file-wide checks need it
        self.qualification = ""

    def value(self, key: str) -> str:
        return self.values.get(key, "")

    def add(self, key: str, reason: str) -> None:
        self.issues.append(
            RowIssue(row=self.number, column=key, label=self.header.label(key), value=self.value(key), reason=reason)
        )


def _vocabulary(fields: RowFields, key: str, choices: type[models.TextChoices], default: str | None) -> str | None:
    raw = fields.value(key)
    if not raw:
        if default is None:
            fields.add(key, _("This column must not be empty."))
        return default
    code = roster_code(choices, raw)
    if code is None:
        fields.add(key, _("Unknown value; use one of: %(values)s.") % {"values": allowed_labels(choices)})
    return code


def _date(fields: RowFields, key: str) -> dt.date | None:
    text = fields.value(key)
    if len(text) == 10 and text[4] == "-" and text[7] == "-":  # the common 2020-09-01, without strptime's cost
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    try:
        return parse_date(text)
    except FieldCheckError as exc:
        fields.add(key, str(exc))
        return None


def _long_number(fields: RowFields, key: str) -> bool:
    if _SCIENTIFIC.match(fields.value(key)):
        fields.add(
            key,
            _("The number was stored as a number and Excel has dropped its last digits; format the column as text and type it again."),
        )
        return True
    return False


# ID number cell → (parsed number, keyed hash), or why it is not a valid number. Both passes check the
# same numbers; parsing and hashing them is a third of the row check, so the run shares one of these.
IdentityCache = dict[str, "tuple[IdNumber, str] | str"]


def _parsed_id_number(raw: str, cache: IdentityCache | None) -> tuple[IdNumber, str] | str:
    known = cache.get(raw) if cache is not None else None
    if known is None:
        try:
            parsed = check_id_number(raw)
            known = (parsed, id_number_hash(parsed.value))
        except FieldCheckError as exc:
            known = str(exc)
        if cache is not None:
            cache[raw] = known
    return known


def _identity(fields: RowFields, identities: IdentityCache | None) -> tuple[str, str, dt.date] | None:
    """(ID number, gender, birth date); gender and birth date columns, when filled, must agree with it."""
    if _long_number(fields, "id_number"):
        return None
    known = _parsed_id_number(fields.value("id_number"), identities)
    if isinstance(known, str):
        fields.add("id_number", known)
        return None
    parsed, fields.id_hash = known
    gender_text = fields.value("gender")
    if gender_text:
        gender = roster_code(Gender, gender_text)
        if gender is None:
            fields.add("gender", _("Unknown value; use one of: %(values)s.") % {"values": allowed_labels(Gender)})
        else:
            _agree(fields, "gender", lambda: check_identity(id_number=parsed, gender=gender, birth_date=None))
    birth_date = _date(fields, "birth_date")
    if birth_date is not None:
        _agree(fields, "birth_date", lambda: check_identity(id_number=parsed, gender=None, birth_date=birth_date))
    return parsed.value, parsed.gender, parsed.birth_date


def _agree(fields: RowFields, key: str, check) -> None:
    try:
        check()
    except FieldCheckError as exc:
        fields.add(key, str(exc))


def _school(fields: RowFields, schools: dict[str, SchoolEntry | None]) -> int | None:
    code = fields.value("school_code")
    if not code:
        fields.add("school_code", _("This column must not be empty."))
        return None
    entry = schools.get(code)
    if entry is None:
        fields.add("school_code", _("No school has this code."))
    elif entry.kind != "school":
        fields.add("school_code", _("This code belongs to a region or institution, not a school."))
    elif not entry.is_active:
        fields.add("school_code", _("This school is closed (inactive)."))
    elif not entry.inside:
        fields.add("school_code", _("This school is outside your jurisdiction."))
    else:
        return entry.id
    return None


def _title(fields: RowFields, birth_date: dt.date | None, today: dt.date) -> tuple[str | None, dt.date | None]:
    title = _vocabulary(fields, "title", Title, str(Title.NONE))
    conferred_on = _date(fields, "title_conferred_on")
    if conferred_on is None:
        return title, None
    if title == Title.NONE:
        fields.add("title_conferred_on", _("A title date is given but no title."))
    elif birth_date is not None:
        try:
            check_title_date(conferred_on=conferred_on, birth_date=birth_date, today=today)
        except FieldCheckError as exc:
            fields.add("title_conferred_on", str(exc))
    return title, conferred_on


def _qualification(fields: RowFields, today: dt.date) -> str:
    if _long_number(fields, "qualification_number"):
        return ""
    try:
        fields.qualification = check_qualification_number(fields.value("qualification_number"), today=today)
    except FieldCheckError as exc:
        fields.add("qualification_number", str(exc))
    return fields.qualification


def _real_name(fields: RowFields) -> str:
    try:
        return check_real_name(fields.value("real_name"))
    except FieldCheckError as exc:
        fields.add("real_name", str(exc))
        return ""


def check_row(
    fields: RowFields,
    *,
    schools: dict[str, SchoolEntry | None],
    today: dt.date,
    identities: IdentityCache | None = None,
) -> CheckedRow | None:
    """The row as values ready to store, or None with the reasons in fields.issues."""
    real_name = _real_name(fields)
    identity = _identity(fields, identities)
    school_id = _school(fields, schools)
    stage = _vocabulary(fields, "stage", SchoolStage, None)
    subject = _vocabulary(fields, "subject", Subject, None)
    title, conferred_on = _title(fields, identity[2] if identity else None, today)
    qualification = _qualification(fields, today)
    status = _vocabulary(fields, "employment_status", EmploymentStatus, str(EmploymentStatus.ACTIVE))
    if fields.issues or identity is None or school_id is None or fields.id_hash is None:
        return None
    id_number, gender, birth_date = identity
    return CheckedRow(
        row=fields.number,
        id_number=id_number,
        id_hash=fields.id_hash,
        real_name=real_name,
        gender=gender,
        birth_date=birth_date,
        school_id=school_id,
        stage=stage,  # type: ignore[arg-type]  # not None when there are no issues
        subject=subject,  # type: ignore[arg-type]
        title=title,  # type: ignore[arg-type]
        title_conferred_on=conferred_on,
        qualification_number=qualification,
        employment_status=status,  # type: ignore[arg-type]
    )
