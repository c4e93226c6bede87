"""身份证号 (GB 11643-1999): parsing, the ISO 7064 MOD 11-2 check character, masking."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")


class IdNumberError(ValueError):
    """An ID number that is not a valid GB 11643 number; the message says why."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str  # "M" or "F": odd sequence = male

    @property
    def area_code(self) -> str:
        return self.value[:6]


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalise(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def parse_id_number(raw: str, *, today: dt.date | None = None) -> IdNumber:
    """Return the parsed number or raise IdNumberError with a message a person can act on."""
    value = normalise(raw)
    if len(value) != 18:
        raise IdNumberError(_("An ID number has 18 characters."))
    if not _SHAPE.match(value):
        raise IdNumberError(_("An ID number is 17 digits followed by a digit or X."))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise IdNumberError(_("The birth date inside the ID number does not exist.")) from exc
    today = today or dt.date.today()
    if birth.year < 1900 or birth > today:
        raise IdNumberError(_("The birth date inside the ID number is not plausible."))
    if check_character(value[:17]) != value[17]:
        raise IdNumberError(_("The check character of the ID number is wrong (a forged or mistyped number)."))
    gender = "M" if int(value[16]) % 2 == 1 else "F"
    return IdNumber(value=value, birth_date=birth, gender=gender)


def mask_id_number(value: str) -> str:
    """Show the first four and last four characters only: 1101**********002X."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def make_id_number(area_code: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid number (synthetic data, tests): sequence 0..999, odd = male."""
    first17 = f"{area_code}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
