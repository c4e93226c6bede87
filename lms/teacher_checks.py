"""Field checks for a teacher record, shared by forms, the roster import and the services."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lms.idcard import IdNumber, IdNumberError, parse_id_number

_NAME = re.compile(r"^[\u3400-\u9fffA-Za-z·•．. ]{2,50}$")
_QUALIFICATION = re.compile(r"^\d{17}$")


class FieldCheckError(ValueError):
    """A bad value; `message` says why in words the uploader understands."""


@dataclass(frozen=True)
class CheckedIdentity:
    id_number: IdNumber
    gender: str
    birth_date: dt.date


def check_real_name(raw: str) -> str:
    name = (raw or "").strip()
    if not name:
        raise FieldCheckError(_("Name is required."))
    if not _NAME.match(name):
        raise FieldCheckError(_("A name has 2 to 50 Chinese characters or letters."))
    return name


def check_id_number(raw: str) -> IdNumber:
    if not (raw or "").strip():
        raise FieldCheckError(_("ID number is required."))
    try:
        return parse_id_number(raw)
    except IdNumberError as exc:
        raise FieldCheckError(str(exc)) from exc


def check_identity(*, id_number: IdNumber, gender: str | None, birth_date: dt.date | None) -> CheckedIdentity:
    """Gender and birth date come from the ID number; when given as well they must agree with it."""
    if gender and gender != id_number.gender:
        raise FieldCheckError(_("Gender does not match the ID number."))
    if birth_date and birth_date != id_number.birth_date:
        raise FieldCheckError(_("Birth date does not match the ID number."))
    return CheckedIdentity(id_number=id_number, gender=id_number.gender, birth_date=id_number.birth_date)


def parse_date(raw: object) -> dt.date | None:
    """Accept 2020-09-01, 2020/9/1, 20200901, 2020.9.1 or a spreadsheet date; empty → None."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    if not text or text.lower() in {"nan", "nat", "none"}:
        return None
    text = text.split(" ")[0].split("T")[0]
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise FieldCheckError(_("Not a valid date; write it as 2020-09-01."))


def check_title_date(*, conferred_on: dt.date | None, birth_date: dt.date, today: dt.date | None = None) -> None:
    if conferred_on is None:
        return
    today = today or dt.date.today()
    if conferred_on > today:
        raise FieldCheckError(_("The title date is in the future."))
    age = conferred_on.year - birth_date.year - ((conferred_on.month, conferred_on.day) < (birth_date.month, birth_date.day))
    if age < 18:
        raise FieldCheckError(_("The title date is before the teacher turned 18."))


def check_qualification_number(raw: str, *, today: dt.date | None = None) -> str:
    """教师资格证书编号: 17 digits beginning with a plausible year; checked loosely. Empty is allowed."""
    value = (raw or "").strip()
    if not value:
        return ""
    if value.endswith(".0"):  # spreadsheets turn long numbers into floats
        value = value[:-2]
    if not _QUALIFICATION.match(value):
        raise FieldCheckError(_("The teacher qualification certificate number has 17 digits."))
    year = int(value[:4])
    if not 1990 <= year <= (today or dt.date.today()).year:
        raise FieldCheckError(_("The certificate number should begin with the year it was issued."))
    return value
