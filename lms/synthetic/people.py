"""Synthetic teacher attributes: ID numbers, stage and subject, titles consistent with age, certificates."""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from lms.idcard import make_id_number
from lms.vocab import SchoolStage, Subject, Title

BIRTH_FIRST = dt.date(1965, 1, 1)
BIRTH_LAST = dt.date(2000, 12, 31)
BIRTH_DAYS = (BIRTH_LAST - BIRTH_FIRST).days + 1
# Spreads teacher i's birth date over the whole range; co-prime with BIRTH_DAYS keeps (day, sequence) unique.
_DAY_STRIDE = 37

_S = Subject
SUBJECTS_BY_STAGE: dict[str, tuple[tuple[str, int], ...]] = {
    SchoolStage.KINDERGARTEN: ((_S.OTHER, 8), (_S.MUSIC, 2), (_S.ART, 2), (_S.PE, 1)),
    SchoolStage.PRIMARY: (
        (_S.CHINESE, 10), (_S.MATHS, 9), (_S.ENGLISH, 4), (_S.SCIENCE, 2), (_S.MORALITY, 2),
        (_S.MUSIC, 2), (_S.ART, 2), (_S.PE, 2), (_S.IT, 1), (_S.PSYCHOLOGY, 1),
    ),
    SchoolStage.JUNIOR: (
        (_S.CHINESE, 6), (_S.MATHS, 6), (_S.ENGLISH, 6), (_S.PHYSICS, 3), (_S.CHEMISTRY, 2), (_S.BIOLOGY, 2),
        (_S.HISTORY, 2), (_S.GEOGRAPHY, 2), (_S.MORALITY, 2), (_S.IT, 1), (_S.MUSIC, 1), (_S.ART, 1),
        (_S.PE, 2), (_S.PSYCHOLOGY, 1),
    ),
    SchoolStage.SENIOR: (
        (_S.CHINESE, 6), (_S.MATHS, 6), (_S.ENGLISH, 6), (_S.PHYSICS, 4), (_S.CHEMISTRY, 3), (_S.BIOLOGY, 3),
        (_S.HISTORY, 2), (_S.GEOGRAPHY, 2), (_S.MORALITY, 2), (_S.IT, 1), (_S.GENERAL_TECH, 1), (_S.PE, 2),
        (_S.PSYCHOLOGY, 1), (_S.ART, 1), (_S.MUSIC, 1),
    ),
    SchoolStage.VOCATIONAL: ((_S.CHINESE, 2), (_S.MATHS, 2), (_S.ENGLISH, 2), (_S.IT, 3), (_S.OTHER, 6), (_S.PE, 1)),
    SchoolStage.SPECIAL: ((_S.CHINESE, 2), (_S.MATHS, 2), (_S.OTHER, 3), (_S.PSYCHOLOGY, 2), (_S.ART, 1)),
}
# 教师资格证书 type digit: 1 幼儿园, 2 小学, 3 初中, 4 高中, 5 中职专业课, 6 中职实习指导, 7 高校.
CERTIFICATE_TYPE = {
    SchoolStage.KINDERGARTEN: "1",
    SchoolStage.PRIMARY: "2",
    SchoolStage.JUNIOR: "3",
    SchoolStage.SENIOR: "4",
    SchoolStage.VOCATIONAL: "5",
    SchoolStage.SPECIAL: "2",
}
_CERTIFICATE_TYPE = {str(stage): digit for stage, digit in CERTIFICATE_TYPE.items()}
STAGE_WEIGHTS: tuple[tuple[str, int], ...] = (
    (SchoolStage.PRIMARY, 45),
    (SchoolStage.JUNIOR, 25),
    (SchoolStage.SENIOR, 12),
    (SchoolStage.KINDERGARTEN, 12),
    (SchoolStage.VOCATIONAL, 4),
    (SchoolStage.SPECIAL, 2),
)
QUALIFICATION_SHARE = 0.6


def generated_id_number(index: int, area_code: str) -> str:
    """Teacher `index`'s ID number in a generated province: valid, unique for index < 13 million.

    The pair (birth day, sequence) is a bijection of the index, so numbers never collide whatever
    the area code; odd sequences (odd indexes) are men, even ones women.
    """
    block, sequence = divmod(index, 1000)
    if block >= BIRTH_DAYS:
        raise ValueError("index too large for unique synthetic ID numbers")
    day = (block + _DAY_STRIDE * sequence) % BIRTH_DAYS
    return make_id_number(area_code, BIRTH_FIRST + dt.timedelta(days=day), sequence)


def random_birth_date(rng: random.Random) -> dt.date:
    return BIRTH_FIRST + dt.timedelta(days=rng.randrange(BIRTH_DAYS))


def _table(pairs: tuple[tuple[str, int], ...]) -> tuple[tuple[str, ...], list[int]]:
    """Plain-string codes (not enum members: database drivers may dump an Enum by name) and cumulative weights."""
    codes = tuple(str(code) for code, _weight in pairs)
    return codes, list(accumulate(weight for _code, weight in pairs))


_STAGES = _table(STAGE_WEIGHTS)
_SUBJECTS = {str(stage): _table(pairs) for stage, pairs in SUBJECTS_BY_STAGE.items()}


def pick_stage(rng: random.Random) -> str:
    codes, cum_weights = _STAGES
    return rng.choices(codes, cum_weights=cum_weights)[0]


def pick_subject(rng: random.Random, stage: str) -> str:
    codes, cum_weights = _SUBJECTS[stage]
    return rng.choices(codes, cum_weights=cum_weights)[0]


_LADDER = ((Title.FIRST.value, 5, 8, 0.85), (Title.SENIOR.value, 5, 10, 0.5), (Title.PROFESSOR.value, 5, 12, 0.08))


def _title_day(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, rng.choice((9, 12)), 1)


def pick_title(rng: random.Random, birth_date: dt.date, today: dt.date) -> tuple[str, dt.date | None]:
    """Climb the ladder 二级 → 一级 → 高级 → 正高级 with realistic waits; the date is the latest title's.

    Teaching starts at 21–24; 二级 after a probation year, 一级 5–8 years later, 高级 5–10 years after
    that, 正高级 rarely. Every date is in the past and after the teacher turned 21.
    """
    year = birth_date.year + rng.randint(21, 24) + 1
    if _title_day(rng, year) > today:
        return Title.NONE.value, None
    title = Title.THIRD.value if rng.random() < 0.05 else Title.SECOND.value
    conferred = _title_day(rng, year)
    for next_title, low, high, chance in _LADDER:
        year += rng.randint(low, high)
        candidate = _title_day(rng, year)
        if candidate > today or rng.random() > chance:
            break
        title, conferred = next_title, candidate
    return title, conferred


# A certificate number's serial: the issuing office's digit and the 6-digit sequence (see below).
QUALIFICATION_SERIALS = 10_000_000
# generate_province numbers its teachers' certificates from 0 upwards, seed_demo from here: the two never
# meet, even in one province (the database refuses a certificate number held twice).
DEMO_QUALIFICATION_SERIALS = 9_000_000


def qualification_number(*, birth_date: dt.date, area_code: str, stage: str, gender: str, serial: int) -> str:
    """教师资格证书编号, 17 digits: year, province, issuing body (city and office), certificate type,
    gender, sequence.

    `serial` (0 <= serial < 10,000,000) is the teacher's own: its first digit is the office, the other six
    the sequence, so teachers of one province with different serials never share a number, whatever
    their year, type or gender. (Taking the sequence modulo a million, as before, let teacher i and
    teacher i + 1,000,000 of a big province collide.)
    """
    if not 0 <= serial < QUALIFICATION_SERIALS:
        raise ValueError(f"certificate serial {serial} is outside 0..{QUALIFICATION_SERIALS - 1}")
    office, sequence = divmod(serial, 1_000_000)
    year = min(max(birth_date.year + 22, 1990), dt.date.today().year)
    gender_digit = "1" if gender == "M" else "2"
    body = f"{area_code[2:4]}{office}"
    return f"{year:04d}{area_code[:2]}{body}{_CERTIFICATE_TYPE[stage]}{gender_digit}{sequence:06d}"


def posting_start(rng: random.Random, birth_date: dt.date, today: dt.date) -> dt.date:
    """When the teacher came to their current school: after they turned 22, not in the future."""
    earliest = birth_date.year + 22
    year = min(today.year, earliest + rng.randint(0, max(0, today.year - earliest)))
    start = dt.date(year, 9, 1)
    return start if start <= today else dt.date(year - 1, 9, 1)
