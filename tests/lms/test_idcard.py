import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.idcard import IdNumberError, check_character, make_id_number, mask_id_number, parse_id_number

# Published GB 11643 example number.
KNOWN_VALID = "11010519491231002X"


def test_known_number_parses_with_birth_date_and_gender():
    parsed = parse_id_number(KNOWN_VALID)
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.gender == "F"
    assert parsed.area_code == "110105"


def test_lower_case_x_and_spaces_are_normalised():
    assert parse_id_number(" 11010519491231002x ").value == KNOWN_VALID


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("110105194912310021", "校验位"),  # forged check character
        ("11010519490231002X", "出生日期不存在"),  # 31 February... 1949-02-31
        ("1101051949123100", "18位"),
        ("A1010519491231002X", "格式错误"),
        ("", "18位"),
    ],
)
def test_bad_numbers_are_refused_with_a_reason(raw, reason):
    with pytest.raises(IdNumberError, match=reason):
        parse_id_number(raw)


def test_future_birth_date_is_refused():
    number = make_id_number("110101", dt.date(2030, 1, 1), 11)
    with pytest.raises(IdNumberError, match="不合理"):
        parse_id_number(number, today=dt.date(2026, 1, 1))


@given(
    birth=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_made_numbers_round_trip(birth, sequence):
    number = make_id_number("440305", birth, sequence)
    parsed = parse_id_number(number)
    assert parsed.birth_date == birth
    assert parsed.gender == ("M" if sequence % 2 else "F")


@given(
    birth=st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_change_is_caught(birth, sequence, position, delta):
    number = make_id_number("440305", birth, sequence)
    digit = (int(number[position]) + delta) % 10
    forged = number[:position] + str(digit) + number[position + 1 :]
    try:
        parse_id_number(forged)
    except IdNumberError:
        return
    pytest.fail(f"forged number {forged} was accepted")


def test_check_character_table():
    assert check_character("11010519491231002") == "X"


def test_mask_shows_four_and_four():
    assert mask_id_number(KNOWN_VALID) == "1101**********002X"
