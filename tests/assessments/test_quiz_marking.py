"""Quiz marking: every item type and rule checked by hand, key and response refusals, roll-up, then
properties over arbitrary responses. No database."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.quizzes.marking import (
    AnswerKeyError,
    CompetencyResult,
    ItemType,
    MarkedItem,
    ResponseError,
    key_check,
    mark_item,
    normalise_text,
    response_check,
    roll_up,
)

SINGLE = {"options": ["A", "B", "C", "D"], "correct": "B"}
MULTIPLE = {"options": ["A", "B", "C", "D", "E"], "correct": ["A", "C", "E"], "scoring": "partial"}
MULTIPLE_STRICT = {"options": ["A", "B", "C", "D"], "correct": ["A", "C"], "scoring": "all_or_nothing"}
TRUE_FALSE = {"correct": True}
FILL_IN = {"blanks": [["演示文稿", "PPT"], ["微课"], ["Moodle"]], "case_sensitive": False}
ORDERING = {"items": ["a", "b", "c", "d"]}
ORDERING_PARTIAL = {"items": ["a", "b", "c", "d"], "scoring": "partial"}
MATCHING = {"pairs": {"l1": "r2", "l2": "r1", "l3": "r3"}, "rights": ["r1", "r2", "r3", "r4"]}
MATCHING_STRICT = {**MATCHING, "scoring": "all_or_nothing"}

KEYS: dict[str, list[dict[str, Any]]] = {
    ItemType.SINGLE: [SINGLE],
    ItemType.MULTIPLE: [MULTIPLE, MULTIPLE_STRICT],
    ItemType.TRUE_FALSE: [TRUE_FALSE],
    ItemType.FILL_IN: [FILL_IN, {"blanks": [["x"]], "case_sensitive": True}],
    ItemType.ORDERING: [ORDERING, ORDERING_PARTIAL],
    ItemType.MATCHING: [MATCHING, MATCHING_STRICT],
}


def mark(item_type: str, key: dict[str, Any], response: Any, points: str = "1") -> MarkedItem:
    with translation.override("en"):
        return mark_item(item_id=7, item_type=item_type, key=key, response=response, points=Decimal(points))


def scored(item_type: str, key: dict[str, Any], response: Any, points: str = "1") -> tuple[Decimal, bool]:
    marked = mark(item_type, key, response, points)
    return marked.score, marked.correct


def test_every_key_used_here_passes_key_check() -> None:
    for item_type, keys in KEYS.items():
        for key in keys:
            key_check(item_type, key)


# --- normalise_text -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＰＰＴ", "ppt"),
        ("演示　文稿 ", "演示 文稿"),
        ("  演示 \t\n 文稿", "演示 文稿"),
        ("Ｍｏｏｄｌｅ　２．０", "moodle 2.0"),
        ("（微课）", "(微课)"),
        ("Straße", "strasse"),
        ("", ""),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


# --- single and true/false ------------------------------------------------------------------------------


def test_single_right_wrong_and_unanswered() -> None:
    right = mark(ItemType.SINGLE, SINGLE, "B", "2")
    assert (right.score, right.max_score, right.correct) == (Decimal(2), Decimal(2), True)
    assert right.explanation == "Chose B, the correct option: 2/2."
    assert right.detail[1] == {"option": "B", "chosen": True, "correct": True}
    wrong = mark(ItemType.SINGLE, SINGLE, "C", "2.50")
    assert (wrong.score, wrong.correct) == (0, False)
    assert wrong.explanation == "Chose C, which is not the correct option: 0/2.5."
    assert [d["option"] for d in wrong.detail if d["chosen"]] == ["C"]
    unanswered = mark(ItemType.SINGLE, SINGLE, None)
    assert (unanswered.score, unanswered.detail, unanswered.explanation) == (0, (), "Not answered: 0/1.")


def test_true_false() -> None:
    assert mark(ItemType.TRUE_FALSE, TRUE_FALSE, True).explanation == "Answered true, which is right: 1/1."
    assert mark(ItemType.TRUE_FALSE, TRUE_FALSE, False).explanation == "Answered false, which is wrong: 0/1."
    assert scored(ItemType.TRUE_FALSE, {"correct": False}, False) == (1, True)
    assert mark(ItemType.TRUE_FALSE, TRUE_FALSE, None).explanation == "Not answered: 0/1."


# --- multiple choice ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "points", "expected"),
    [
        (["A", "C", "E"], "3", "3"),  # all three right
        (["A", "C"], "3", "2.00"),  # 3 × (2 − 0) / 3
        (["A", "C", "B"], "3", "1.00"),  # 3 × (2 − 1) / 3
        (["A", "B"], "3", "0"),  # (1 − 1) → 0
        (["B", "D"], "3", "0"),  # negative clamps to 0
        (["A", "B", "C", "D", "E"], "3", "1.00"),  # choosing everything: 3 × (3 − 2) / 3
        (["A"], "1", "0.33"),  # 1/3 rounded to two decimals
        (["A", "C"], "1", "0.67"),  # 2/3 rounds half up
        (["A", "C"], "2.5", "1.67"),  # 2.5 × 2/3 = 1.666…
        (["A", "A", "A"], "3", "1.00"),  # a duplicate counts once
    ],
)
def test_multiple_partial_credit(response: list[str], points: str, expected: str) -> None:
    assert mark(ItemType.MULTIPLE, MULTIPLE, response, points).score == Decimal(expected)


def test_multiple_explanations_and_detail() -> None:
    marked = mark(ItemType.MULTIPLE, MULTIPLE, ["A", "C", "B"], "3")
    assert marked.explanation == "Right choices 2 of 3, wrong choices 1; partial credit: 1/3."
    assert marked.correct is False
    assert marked.detail == (
        {"option": "A", "chosen": True, "correct": True},
        {"option": "B", "chosen": True, "correct": False},
        {"option": "C", "chosen": True, "correct": True},
        {"option": "D", "chosen": False, "correct": False},
        {"option": "E", "chosen": False, "correct": True},
    )
    full = mark(ItemType.MULTIPLE, MULTIPLE, ["E", "C", "A"], "3")
    assert (full.correct, full.explanation) == (True, "Chose every correct option and no wrong one: 3/3.")


def test_multiple_all_or_nothing() -> None:
    assert scored(ItemType.MULTIPLE, MULTIPLE_STRICT, ["C", "A"], "2") == (2, True)
    assert scored(ItemType.MULTIPLE, MULTIPLE_STRICT, ["A", "C", "C"], "2") == (2, True)
    assert scored(ItemType.MULTIPLE, MULTIPLE_STRICT, ["A"], "2") == (0, False)
    assert scored(ItemType.MULTIPLE, MULTIPLE_STRICT, ["A", "C", "D"], "2") == (0, False)
    assert mark(ItemType.MULTIPLE, MULTIPLE_STRICT, ["A", "B"], "2").explanation == (
        "Right choices 1 of 2, wrong choices 1; all or nothing: 0/2."
    )
    without_scoring = {"options": ["A", "B", "C"], "correct": ["A", "B"]}
    assert scored(ItemType.MULTIPLE, without_scoring, ["A"]) == (0, False)  # all_or_nothing is the default


def test_multiple_empty_list_is_unanswered() -> None:
    assert mark(ItemType.MULTIPLE, MULTIPLE, []).explanation == "Not answered: 0/1."


# --- fill in the blanks ---------------------------------------------------------------------------------


def test_fill_in_normalises_width_spaces_and_case() -> None:
    marked = mark(ItemType.FILL_IN, FILL_IN, ["ＰＰＴ", " 微课　", "moodle"], "3")
    assert (marked.score, marked.correct) == (Decimal(3), True)
    assert marked.explanation == "Every blank right: 3/3."
    assert scored(ItemType.FILL_IN, {"blanks": [["演示 文稿"]]}, ["演示　文稿 "]) == (1, True)
    assert scored(ItemType.FILL_IN, {"blanks": [["演示 文稿"]]}, ["演示  \t文稿"]) == (1, True)
    assert scored(ItemType.FILL_IN, {"blanks": [["演示 文稿"]]}, ["演示文稿"]) == (0, False)  # a space is not removed
    assert mark(ItemType.FILL_IN, {"blanks": [["x"]]}, ["X"]).explanation == "Every blank right: 1/1."


def test_fill_in_case_sensitive_keeps_case_but_still_folds_width_and_spaces() -> None:
    key = {"blanks": [["Moodle"]], "case_sensitive": True}
    assert scored(ItemType.FILL_IN, key, ["moodle"]) == (0, False)
    assert scored(ItemType.FILL_IN, key, ["Ｍｏｏｄｌｅ　"]) == (1, True)


@pytest.mark.parametrize(
    ("response", "points", "expected"),
    [
        (["PPT", "微课", "x"], "1", "0.66"),  # 0.33 + 0.33; the last blank is worth 0.34
        (["x", "x", "Moodle"], "1", "0.34"),  # the last blank absorbs the rounding
        (["x", "微课", "Moodle"], "1", "0.67"),
        (["x", "微课", "Moodle"], "2", "1.34"),  # 0.66 + 0.68
        (["演示文稿", "x", "x"], "0.05", "0.01"),  # 0.01, 0.01, last 0.03
        (["x", "x", "x"], "1", "0"),
    ],
)
def test_fill_in_blank_worths(response: list[str], points: str, expected: str) -> None:
    assert mark(ItemType.FILL_IN, FILL_IN, response, points).score == Decimal(expected)


def test_fill_in_partial_explanation_and_detail() -> None:
    marked = mark(ItemType.FILL_IN, FILL_IN, ["PPT", "慕课", "Moodle"], "3")
    assert marked.explanation == "Blanks right: 2 of 3; 2/3."
    assert marked.detail == (
        {"blank": 1, "given": "PPT", "right": True},
        {"blank": 2, "given": "慕课", "right": False},
        {"blank": 3, "given": "Moodle", "right": True},
    )


def test_fill_in_blank_answers_are_unanswered_and_one_empty_blank_is_wrong() -> None:
    assert mark(ItemType.FILL_IN, FILL_IN, ["", " ", "\u3000"]).explanation == "Not answered: 0/1."
    assert mark(ItemType.FILL_IN, FILL_IN, ["PPT", "", "Moodle"]).score == Decimal("0.67")  # 0.33 + last 0.34


# --- ordering and matching ------------------------------------------------------------------------------


def test_ordering() -> None:
    assert scored(ItemType.ORDERING, ORDERING, ["a", "b", "c", "d"], "2") == (2, True)
    assert scored(ItemType.ORDERING, ORDERING, ["a", "b", "d", "c"], "2") == (0, False)
    assert scored(ItemType.ORDERING, ORDERING_PARTIAL, ["a", "b", "d", "c"], "2") == (Decimal("1.00"), False)
    assert scored(ItemType.ORDERING, ORDERING_PARTIAL, ["a", "c", "d", "b"], "1") == (Decimal("0.25"), False)
    assert scored(ItemType.ORDERING, ORDERING_PARTIAL, ["d", "c", "b", "a"], "1") == (0, False)
    marked = mark(ItemType.ORDERING, ORDERING_PARTIAL, ["b", "a", "c", "d"], "1")
    assert marked.explanation == "Items in the right position: 2 of 4; partial credit: 0.5/1."
    assert marked.detail[0] == {"position": 1, "item": "b", "expected": "a", "right": False}
    assert mark(ItemType.ORDERING, ORDERING, ["b", "a", "c", "d"]).explanation == (
        "Items in the right position: 2 of 4; all or nothing: 0/1."
    )
    assert mark(ItemType.ORDERING, ORDERING, list("abcd")).explanation == "All 4 items in the right order: 1/1."


def test_matching() -> None:
    assert scored(ItemType.MATCHING, MATCHING, {"l1": "r2", "l2": "r1", "l3": "r3"}, "3") == (3, True)
    assert scored(ItemType.MATCHING, MATCHING, {"l1": "r2", "l2": "r3", "l3": "r1"}, "3") == (Decimal("1.00"), False)
    assert scored(ItemType.MATCHING, MATCHING, {"l1": "r2"}, "1") == (Decimal("0.33"), False)  # left out = wrong
    assert scored(ItemType.MATCHING, MATCHING, {"l1": "r2", "l2": "r1", "l3": None}, "1") == (Decimal("0.67"), False)
    assert scored(ItemType.MATCHING, MATCHING_STRICT, {"l1": "r2", "l2": "r1", "l3": "r4"}, "3") == (0, False)
    marked = mark(ItemType.MATCHING, MATCHING, {"l1": "r2", "l2": "r4", "l3": "r3"}, "3")
    assert marked.explanation == "Pairs matched correctly: 2 of 3; partial credit: 2/3."
    assert marked.detail[1] == {"left": "l2", "chosen": "r4", "expected": "r1", "right": False}
    assert mark(ItemType.MATCHING, MATCHING, {"l1": None}).explanation == "Not answered: 0/1."


# --- malformed responses: 0 with a reason, never an exception ----------------------------------------------


@pytest.mark.parametrize(
    ("item_type", "key", "response", "reason"),
    [
        (ItemType.SINGLE, SINGLE, "Z", "Unknown choice “Z”"),
        (ItemType.SINGLE, SINGLE, ["B"], "Expected one option"),
        (ItemType.MULTIPLE, MULTIPLE, "A", "Expected a list of options"),
        (ItemType.MULTIPLE, MULTIPLE, ["A", "Z"], "Unknown choice “Z”"),
        (ItemType.MULTIPLE, MULTIPLE, ["A", 1], "Unknown choice “1”"),
        (ItemType.MULTIPLE, MULTIPLE, ["A"] * 6, "More choices than there are options"),
        (ItemType.TRUE_FALSE, TRUE_FALSE, 1, "Expected true or false"),
        (ItemType.TRUE_FALSE, TRUE_FALSE, "true", "Expected true or false"),
        (ItemType.FILL_IN, FILL_IN, ["PPT", "微课"], "Expected a list of 3 answers, one per blank"),
        (ItemType.FILL_IN, FILL_IN, "PPT", "Expected a list of 3 answers, one per blank"),
        (ItemType.FILL_IN, FILL_IN, ["PPT", 2, "x"], "Every blank's answer must be text"),
        (ItemType.FILL_IN, FILL_IN, ["PPT", "x" * 501, "x"], "An answer is longer than 500 characters"),
        (ItemType.ORDERING, ORDERING, ["a", "b", "c"], "Expected every item exactly once"),
        (ItemType.ORDERING, ORDERING, ["a", "b", "c", "c"], "Expected every item exactly once"),
        (ItemType.ORDERING, ORDERING, "abcd", "Expected a list of items in order"),
        (ItemType.MATCHING, MATCHING, [["l1", "r2"]], "Expected pairs from left items to right items"),
        (ItemType.MATCHING, MATCHING, {"l9": "r2"}, "Unknown choice “l9”"),
        (ItemType.MATCHING, MATCHING, {"l1": "r9"}, "Unknown choice “r9”"),
    ],
)
def test_malformed_response_scores_zero_with_the_reason(item_type: str, key: dict[str, Any], response: Any, reason: str) -> None:
    marked = mark(item_type, key, response, "2")
    assert (marked.score, marked.max_score, marked.correct, marked.detail) == (0, 2, False, ())
    assert marked.explanation == f"The answer could not be read ({reason}): 0/2."
    with translation.override("en"), pytest.raises(ResponseError, match=reason):
        response_check(item_type, key, response)


@pytest.mark.parametrize(
    ("item_type", "key", "response"),
    [
        (ItemType.SINGLE, SINGLE, "A"),
        (ItemType.MULTIPLE, MULTIPLE, ["A", "A", "B"]),
        (ItemType.TRUE_FALSE, TRUE_FALSE, False),
        (ItemType.FILL_IN, FILL_IN, ["", "x", "y"]),
        (ItemType.ORDERING, ORDERING, ["d", "c", "b", "a"]),
        (ItemType.MATCHING, MATCHING, {"l1": "r4", "l2": None}),
    ]
    + [(item_type, keys[0], None) for item_type, keys in KEYS.items()],
)
def test_response_check_accepts_well_formed_and_unanswered(item_type: str, key: dict[str, Any], response: Any) -> None:
    response_check(item_type, key, response)


def test_unknown_item_type_is_a_key_error() -> None:
    with translation.override("en"):
        with pytest.raises(AnswerKeyError, match="Unknown item type “essay”"):
            key_check("essay", {})
        with pytest.raises(AnswerKeyError, match="Unknown item type"):
            mark_item(item_id=1, item_type="essay", key={}, response="x", points=Decimal(1))


def test_a_key_that_cannot_be_read_at_all_raises_when_marking() -> None:
    with pytest.raises(AnswerKeyError):
        mark_item(item_id=1, item_type=ItemType.SINGLE, key={}, response="A", points=Decimal(1))


# --- key_check refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item_type", "key", "message"),
    [
        (ItemType.SINGLE, {"options": ["A", "B"], "correct": "C"}, "The correct option “C” is not among the options."),
        (ItemType.SINGLE, {"options": ["A"], "correct": "A"}, "“options” must be a list of 2 to 100 non-empty ids."),
        (ItemType.SINGLE, {"options": ["A", "A"], "correct": "A"}, "“A” appears twice in “options”."),
        (ItemType.SINGLE, {"options": ["A", ""], "correct": "A"}, "“options” must be a list of 2 to 100 non-empty ids."),
        (ItemType.SINGLE, {"options": ["A", "B"]}, "The key needs “correct”."),
        (ItemType.SINGLE, {"options": ["A", "B"], "correct": "A", "scorring": "x"}, "Unknown fields in the key: scorring."),
        (ItemType.MULTIPLE, {"options": ["A", "B"], "correct": ["A", "Z"]}, "The correct option “Z” is not among the options."),
        (ItemType.MULTIPLE, {"options": ["A", "B"], "correct": []}, "“correct” must be a list of 1 to 100 non-empty ids."),
        (ItemType.MULTIPLE, {"options": ["A", "B"], "correct": "A"}, "“correct” must be a list of 1 to 100 non-empty ids."),
        (ItemType.MULTIPLE, {"options": ["A", "B"], "correct": ["A"], "scoring": "some"},
         "“scoring” must be “all_or_nothing” or “partial”."),
        (ItemType.TRUE_FALSE, {"correct": "true"}, "“correct” must be true or false."),
        (ItemType.FILL_IN, {"blanks": []}, "“blanks” must be a list of 1 to 100 blanks."),
        (ItemType.FILL_IN, {"blanks": [["PPT"], []]}, "Blank 2 has no accepted answer."),
        (ItemType.FILL_IN, {"blanks": [["PPT", "　"]]},
         "Blank 1: every accepted answer must be non-blank text of at most 500 characters."),
        (ItemType.FILL_IN, {"blanks": [["PPT"]], "case_sensitive": "no"}, "“case_sensitive” must be true or false."),
        (ItemType.ORDERING, {"items": ["a", "b", "a"]}, "“a” appears twice in “items”."),
        (ItemType.ORDERING, {"items": ["a"]}, "“items” must be a list of 2 to 100 non-empty ids."),
        (ItemType.MATCHING, {"pairs": {"l1": "r9"}, "rights": ["r1"]},
         "“l1” is matched to “r9”, which is not among the right items."),
        (ItemType.MATCHING, {"pairs": {}, "rights": ["r1"]}, "“pairs” must map 1 to 100 left items to right items."),
        (ItemType.MATCHING, {"pairs": {"l1": "r1"}}, "The key needs “rights”."),
    ],
)
def test_key_check_refusals(item_type: str, key: dict[str, Any], message: str) -> None:
    with translation.override("en"), pytest.raises(AnswerKeyError) as refused:
        key_check(item_type, key)
    assert str(refused.value) == message


def test_key_check_refuses_a_key_that_is_not_an_object() -> None:
    with translation.override("en"), pytest.raises(AnswerKeyError, match="The answer key must be an object."):
        key_check(ItemType.TRUE_FALSE, [True])  # type: ignore[arg-type]


def test_remembered_translations_are_kept_per_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from assessments.quizzes import marking

    monkeypatch.setattr(marking, "_translations", {})
    monkeypatch.setattr(marking, "gettext", lambda message: f"[{translation.get_language()}] {message}")
    for language in ("en", "zh-hans", "en"):
        with translation.override(language):
            marked = mark_item(item_id=1, item_type=ItemType.SINGLE, key=SINGLE, response=None, points=Decimal(1))
        assert marked.explanation == f"[{language}] Not answered: 0/1."


# --- roll_up --------------------------------------------------------------------------------------------


def test_roll_up_per_competency_in_first_seen_order() -> None:
    def item(score: str, points: str, correct: bool) -> MarkedItem:
        return MarkedItem(item_id=1, score=Decimal(score), max_score=Decimal(points), correct=correct, explanation="", detail=())

    results = roll_up([
        (item("1", "1", True), "B.2"),
        (item("0.33", "1", False), "A.1"),
        (item("2", "2", True), "B.2"),
        (item("0", "3", False), "B.2"),
        (item("0.34", "1", False), "A.1"),
    ])
    assert results == [
        CompetencyResult(competency="B.2", score=Decimal(3), max_score=Decimal(6), percent=Decimal("50.0"), items=3, correct=2),
        CompetencyResult(competency="A.1", score=Decimal("0.67"), max_score=Decimal(2), percent=Decimal("33.5"), items=2, correct=0),
    ]
    assert roll_up([(item("1", "3", False), "C")])[0].percent == Decimal("33.3")
    assert roll_up([(item("2", "3", False), "C")])[0].percent == Decimal("66.7")
    assert roll_up([(item("0", "0", False), "C")])[0].percent == 0
    assert roll_up([]) == []


# --- properties -----------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
    | st.sampled_from(["A", "B", "C", "D", "E", "a", "b", "c", "d", "l1", "l2", "l3", "r1", "r2", "r3", "PPT", "微课"]),
    lambda children: st.lists(children, max_size=7) | st.dictionaries(st.text(max_size=3) | st.sampled_from(["l1", "l2", "l3"]), children, max_size=4),
    max_leaves=12,
)
keys = st.sampled_from([(item_type, key) for item_type, ks in KEYS.items() for key in ks])
shaped = st.one_of(
    st.lists(st.sampled_from(["A", "B", "C", "D", "E"]), max_size=5),
    st.permutations(["a", "b", "c", "d"]),
    st.dictionaries(st.sampled_from(["l1", "l2", "l3"]), st.sampled_from(["r1", "r2", "r3", "r4"]) | st.none()),
    st.lists(st.sampled_from(["PPT", "ＰＰＴ", "微课", "moodle", "", "x"]), min_size=3, max_size=3),
)
point_values = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)


@settings(max_examples=400, deadline=None)
@given(keys, json_values | shaped, point_values)
def test_score_is_within_zero_and_points_for_any_response(chosen: tuple[str, dict[str, Any]], response: Any, points: Decimal) -> None:
    item_type, key = chosen
    with translation.override("en"):
        marked = mark_item(item_id=1, item_type=item_type, key=key, response=response, points=points)
    assert 0 <= marked.score <= points
    assert marked.max_score == points
    assert not marked.correct or marked.score == points
    assert marked.score == marked.score.quantize(Decimal("0.01"))
    assert marked.explanation
    json.dumps(marked.detail)
    unreadable = marked.explanation.startswith("The answer could not be read")
    try:
        response_check(item_type, key, response)
    except ResponseError:
        assert unreadable and marked.score == 0 and marked.detail == ()  # refused on submit = unreadable when marked
    else:
        assert not unreadable


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["PPT", "ＰＰＴ", " ppt", "微课", "x", ""]), min_size=3, max_size=3), point_values)
def test_fill_in_full_marks_are_exactly_the_points(answers: list[str], points: Decimal) -> None:
    key = {"blanks": [["PPT"], ["ppt"], ["PPT", "微课"]]}
    marked = mark_item(item_id=1, item_type=ItemType.FILL_IN, key=key, response=answers, points=points)
    right = [normalise_text(a) == "ppt" or (i == 2 and a == "微课") for i, a in enumerate(answers)]
    assert marked.correct == all(right)
    if all(right):
        assert marked.score == points
