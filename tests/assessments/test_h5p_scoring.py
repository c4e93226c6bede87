"""The server's own H5P scores: each rule checked by hand, then properties over arbitrary input."""

from __future__ import annotations

import inspect
import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.h5p.scoring import (
    RECOMPUTED_LIBRARIES,
    Recomputed,
    answer_key_problem,
    blanks_answer_key,
    score_recompute,
    scores_disagree,
    within_edits,
)
from assessments.h5p.xapi import statement_parse


def score(library: str, content: dict[str, Any], response: str | None) -> tuple[Decimal, Decimal]:
    recomputed = score_recompute(library=library, content=content, response=response)
    assert recomputed is not None
    return recomputed.score, recomputed.max_score


# --- H5P.TrueFalse ----------------------------------------------------------------------------------

TRUE_FALSE = {"question": "<p>北京是中国的首都。</p>", "correct": "true", "behaviour": {"enableRetry": True}}


@pytest.mark.parametrize(
    ("correct", "response", "expected"),
    [
        ("true", "true", (1, 1)),
        ("true", "false", (0, 1)),
        ("false", "false", (1, 1)),
        ("false", "true", (0, 1)),
        ("true", None, (0, 1)),  # missing
        ("true", "", (0, 1)),
        ("true", "True", (0, 1)),  # garbled: H5P sends exactly "true" or "false"
        ("true", "true[,]true", (0, 1)),
    ],
)
def test_true_false(correct, response, expected):
    assert score("H5P.TrueFalse", {**TRUE_FALSE, "correct": correct}, response) == expected


def test_a_forged_correct_responses_pattern_is_ignored():
    """The statement claims "false" is right and scores itself 1/1; only content and response count."""
    forged = {
        "id": "3f2c9a1e-5b7d-4c8e-9f10-2a3b4c5d6e7f",
        "actor": {"mbox": "mailto:teacher-7@lms.invalid"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {
            "id": "https://lms.example/h5p/activities/12/embed",
            "definition": {"interactionType": "true-false", "correctResponsesPattern": ["false"]},
        },
        "context": {"contextActivities": {"category": [{"id": "http://h5p.org/libraries/H5P.TrueFalse-1.8"}]}},
        "result": {"score": {"min": 0, "max": 1, "raw": 1, "scaled": 1}, "success": True, "response": "false"},
    }
    parsed, _ = statement_parse(body=json.dumps(forged).encode())

    recomputed = score_recompute(library=parsed.library or "", content=TRUE_FALSE, response=parsed.response)

    assert recomputed == Recomputed(score=Decimal(0), max_score=Decimal(1), detail="wrong")
    assert scores_disagree(recomputed=recomputed, raw_score=parsed.raw_score, max_score=parsed.max_score)
    # Nothing else of the statement can reach the rule: it takes the library, the content and the response.
    assert list(inspect.signature(score_recompute).parameters) == ["library", "content", "response"]


# --- H5P.MultiChoice --------------------------------------------------------------------------------


def multichoice(correct: list[bool], **behaviour: Any) -> dict[str, Any]:
    answers = [{"text": f"<div>选项{i}</div>", "correct": right} for i, right in enumerate(correct)]
    return {"question": "<p>哪些是输入设备？</p>", "answers": answers, "behaviour": {"singlePoint": False, **behaviour}}


MULTI = multichoice([True, False, True, False])  # two correct answers: a multi-answer question, max 2


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("0[,]2", (2, 2)),
        ("2[,]0", (2, 2)),  # order does not matter
        ("0", (1, 2)),  # partial credit
        ("0[,]1", (0, 2)),  # +1 -1
        ("0[,]1[,]2", (1, 2)),  # +1 -1 +1
        ("1[,]3", (0, 2)),  # -2 floored at 0
        ("0[,]1[,]2[,]3", (0, 2)),
        ("", (0, 2)),  # nothing chosen
        ("0[,]0[,]0", (1, 2)),  # a duplicate counts once
        (None, (0, 2)),  # missing
        ("4", (0, 2)),  # out of range: garbled
        ("0[,]9", (0, 2)),  # one bad index spoils the whole response
        ("-1", (0, 2)),
        ("1.0", (0, 2)),
        (" 0", (0, 2)),
        ("０", (0, 2)),  # a full-width digit is not an index
        ("0,2", (0, 2)),
        ("0[,]", (0, 2)),
        ("true", (0, 2)),
    ],
)
def test_multichoice_partial_credit(response, expected):
    assert score("H5P.MultiChoice", MULTI, response) == expected


@pytest.mark.parametrize(
    ("response", "expected"),
    [("1", (1, 1)), ("0", (0, 1)), ("2", (0, 1)), ("", (0, 1)), ("1[,]0", (0, 1)), ("1[,]1", (1, 1)), ("x", (0, 1))],
)
def test_multichoice_with_exactly_one_correct_answer_is_single_answer(response, expected):
    content = multichoice([False, True, False])  # type "auto" by default
    assert score("H5P.MultiChoice", content, response) == expected


def test_multichoice_type_single_accepts_any_one_correct_answer():
    content = multichoice([True, True, False], type="single")
    assert score("H5P.MultiChoice", content, "1") == (1, 1)
    assert score("H5P.MultiChoice", content, "0[,]1") == (0, 1)  # a single-answer question takes one choice


def test_multichoice_type_multi_with_one_correct_answer_gives_partial_credit():
    content = multichoice([False, True, False], type="multi")
    assert score("H5P.MultiChoice", content, "1") == (1, 1)
    assert score("H5P.MultiChoice", content, "1[,]0") == (0, 1)


@pytest.mark.parametrize(
    ("pass_percentage", "response", "expected"),
    [
        (100, "0[,]2", (1, 1)),
        (100, "0", (0, 1)),
        (50, "0", (1, 1)),  # 1 of 2 = 50% >= 50
        (51, "0", (0, 1)),
        (50, "0[,]1", (0, 1)),  # +1 -1 = 0%
        (0, "", (1, 1)),
    ],
)
def test_multichoice_single_point(pass_percentage, response, expected):
    content = multichoice([True, False, True, False], singlePoint=True, passPercentage=pass_percentage)
    assert score("H5P.MultiChoice", content, response) == expected


def test_multichoice_single_point_is_the_players_default_when_content_omits_it():
    content = multichoice([True, False, True])
    del content["behaviour"]["singlePoint"]
    assert score("H5P.MultiChoice", content, "0[,]2") == (1, 1)
    assert score("H5P.MultiChoice", content, "0") == (0, 1)


def test_multichoice_with_no_correct_answer_rewards_choosing_nothing():
    content = multichoice([False, False])
    assert score("H5P.MultiChoice", content, "") == (1, 1)
    assert score("H5P.MultiChoice", content, "0") == (0, 1)


def test_multichoice_shuffled_display_still_reports_original_indexes():
    """H5P maps shuffled positions back to the original order before sending; we score original indexes."""
    content = multichoice([False, False, True], randomAnswers=True)
    assert score("H5P.MultiChoice", content, "2") == (1, 1)


# --- H5P.Blanks -------------------------------------------------------------------------------------


def blanks(*questions: str, **behaviour: Any) -> dict[str, Any]:
    return {"text": "<p>填空。</p>", "questions": list(questions), "behaviour": behaviour}


def test_blanks_answer_key_reads_alternatives_tips_and_html():
    content = blanks(
        "<p>北京是 *首都/京城* 。</p>",
        "<p>Oslo is the capital of *Norway:Nordic country*.</p>",
        "<p>*<strong>H&amp;M</strong> / C&amp;A* *&nbsp;a  b&nbsp;*</p>",
        "<p>No blank here, ** nor here.</p>",
    )
    assert blanks_answer_key(content) == (("首都", "京城"), ("Norway",), ("H&M", "C&A"), ("a b",))


def test_blanks_are_found_the_way_h5p_scans_asterisks():
    # An empty pair is skipped as a whole, so the next blank starts at the following asterisk.
    assert blanks_answer_key(blanks("a**b*c*d")) == (("c",),)
    assert blanks_answer_key(blanks("*one* and *unclosed")) == (("one",),)


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("首都[,]Norway", (2, 2)),
        ("京城[,]Norway", (2, 2)),  # an alternative
        ("首都[,]norway", (1, 2)),  # case-sensitive by default, as in H5P
        ("首都[,]Nordic country", (1, 2)),  # the tip is not an answer
        ("  首都 [,] Norway ", (2, 2)),  # trimmed
        ("首都", (1, 2)),  # missing answers are wrong
        ("首都[,]Norway[,]extra[,]extra", (2, 2)),  # extras are ignored
        ("[,]", (0, 2)),
        ("", (0, 2)),
        (None, (0, 2)),
        ("Norway[,]首都", (0, 2)),  # order matters
    ],
)
def test_blanks_across_several_questions(response, expected):
    content = blanks("<p>北京是 *首都/京城* 。</p>", "<p>Oslo is the capital of *Norway:Nordic country*.</p>")
    assert score("H5P.Blanks", content, response) == expected


def test_blanks_collapse_whitespace_inside_an_answer():
    content = blanks("*New York City*")
    assert score("H5P.Blanks", content, " New   York\tCity ") == (1, 1)
    assert score("H5P.Blanks", content, "NewYork City") == (0, 1)


def test_blanks_case_insensitive_when_content_says_so():
    content = blanks("*Norway* *ÉCOLE*", caseSensitive=False)
    assert score("H5P.Blanks", content, "NORWAY[,]école") == (2, 2)


def test_blanks_html_inside_a_blank_is_not_part_of_the_answer():
    content = blanks("<p>*<em>photo</em>synthesis/<b>光合作用</b>* and *R&amp;D*</p>")
    assert score("H5P.Blanks", content, "photosynthesis[,]R&D") == (2, 2)
    assert score("H5P.Blanks", content, "光合作用[,]R&amp;D") == (1, 2)


@pytest.mark.parametrize(
    ("solution", "answer", "right"),
    [
        ("cat", "cut", False),  # shorter than 4: exact only
        ("word", "ward", True),  # 4-9 characters: one edit
        ("word", "wrod", True),  # a swap of two neighbours is one edit (as in H5P)
        ("word", "wd", False),
        ("because", "becuase", True),
        ("because", "bcuase", False),  # two edits
        ("photosynthesis", "fotosynthesis", True),  # 10+ characters: two edits
        ("photosynthesis", "photosinthesys", True),
        ("photosynthesis", "fotosinthesys", False),  # three edits
        ("计算机辅助教学", "计算机辅助教育", True),
        ("计算机辅助教学", "计算机教学", False),
    ],
)
def test_blanks_spelling_tolerance(solution, answer, right):
    tolerant = blanks(f"*{solution}*", acceptSpellingErrors=True)
    strict = blanks(f"*{solution}*")
    assert score("H5P.Blanks", tolerant, answer) == (int(right), 1)
    assert score("H5P.Blanks", strict, answer) == (0, 1)


def test_blanks_spelling_tolerance_respects_case_setting():
    content = blanks("*Norway*", acceptSpellingErrors=True)
    assert score("H5P.Blanks", content, "Norwey") == (1, 1)
    assert score("H5P.Blanks", content, "NORWAY") == (0, 1)


def test_blanks_without_any_blank_score_nothing_out_of_nothing():
    assert score("H5P.Blanks", blanks("<p>no blanks</p>"), "") == (0, 0)


# --- not recomputed, broken content, disagreement ---------------------------------------------------


def test_other_libraries_are_not_recomputed():
    assert score_recompute(library="H5P.DragQuestion", content={"question": {}}, response="0[.]1") is None
    assert "H5P.DragQuestion" not in RECOMPUTED_LIBRARIES
    assert RECOMPUTED_LIBRARIES == {"H5P.TrueFalse", "H5P.MultiChoice", "H5P.Blanks"}


@pytest.mark.parametrize(
    ("library", "content"),
    [
        ("H5P.TrueFalse", {"question": "?"}),
        ("H5P.TrueFalse", {"correct": "yes"}),
        ("H5P.MultiChoice", {"answers": "0"}),
        ("H5P.MultiChoice", {"answers": ["A"]}),
        ("H5P.Blanks", {"questions": [1]}),
        ("H5P.Blanks", []),
    ],
)
def test_content_without_a_readable_answer_key_is_not_recomputed(library, content):
    assert score_recompute(library=library, content=content, response="true") is None
    assert answer_key_problem(library=library, content=content)


def test_a_readable_answer_key_has_no_problem():
    assert answer_key_problem(library="H5P.MultiChoice", content=MULTI) is None
    assert answer_key_problem(library="H5P.Image", content={}) is None


@pytest.mark.parametrize(
    ("raw", "maximum", "disagree"),
    [
        (Decimal(2), Decimal(3), False),
        (Decimal("2.0"), Decimal("3.00"), False),
        (Decimal(3), Decimal(3), True),
        (Decimal(2), Decimal(4), True),  # a different maximum is itself a disagreement
        (Decimal(4), Decimal(6), True),  # even when the ratio is the same
        (None, Decimal(3), True),
        (Decimal(2), None, True),
    ],
)
def test_scores_disagree(raw, maximum, disagree):
    recomputed = Recomputed(score=Decimal(2), max_score=Decimal(3))
    assert scores_disagree(recomputed=recomputed, raw_score=raw, max_score=maximum) is disagree


# --- properties -------------------------------------------------------------------------------------

SEPARATED = st.lists(st.one_of(st.integers(-2, 12).map(str), st.text(max_size=6)), max_size=8).map("[,]".join)
RESPONSES = st.one_of(st.none(), st.text(max_size=200), SEPARATED)


def within_bounds(recomputed: Recomputed | None) -> bool:
    return recomputed is not None and 0 <= recomputed.score <= recomputed.max_score


@settings(max_examples=200, deadline=None)
@given(correct=st.sampled_from(["true", "false", True, False]), response=RESPONSES)
def test_true_false_scores_stay_within_bounds(correct, response):
    recomputed = score_recompute(library="H5P.TrueFalse", content={"correct": correct}, response=response)
    assert within_bounds(recomputed) and recomputed.max_score == 1


@settings(max_examples=300, deadline=None)
@given(
    correct=st.lists(st.booleans(), max_size=10),
    kind=st.sampled_from(["auto", "single", "multi", None, "other"]),
    single_point=st.one_of(st.booleans(), st.none()),
    pass_percentage=st.one_of(st.integers(0, 100), st.floats(allow_nan=True), st.text(max_size=3)),
    response=RESPONSES,
)
def test_multichoice_scores_stay_within_bounds(correct, kind, single_point, pass_percentage, response):
    behaviour: dict[str, Any] = {"passPercentage": pass_percentage}
    if kind is not None:
        behaviour["type"] = kind
    if single_point is not None:
        behaviour["singlePoint"] = single_point
    content = {"answers": [{"text": "a", "correct": right} for right in correct], "behaviour": behaviour}
    assert within_bounds(score_recompute(library="H5P.MultiChoice", content=content, response=response))


@settings(max_examples=300, deadline=None)
@given(
    questions=st.lists(st.text(alphabet="*/: ab<>&;字", max_size=30), max_size=4),
    case_sensitive=st.booleans(),
    spelling=st.booleans(),
    response=RESPONSES,
)
def test_blanks_scores_stay_within_bounds(questions, case_sensitive, spelling, response):
    content = blanks(*questions, caseSensitive=case_sensitive, acceptSpellingErrors=spelling)
    recomputed = score_recompute(library="H5P.Blanks", content=content, response=response)
    assert within_bounds(recomputed)
    assert recomputed.max_score == len(blanks_answer_key(content))


def naive_edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance over the whole table: the reference for within_edits."""
    table = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
    return table[len(a)][len(b)]


@settings(max_examples=500, deadline=None)
@given(typed=st.text(alphabet="abc", max_size=9), target=st.text(alphabet="abc", max_size=9), limit=st.integers(0, 3))
def test_within_edits_agrees_with_the_full_table(typed, target, limit):
    assert within_edits(typed, target, limit) is (naive_edit_distance(typed, target) <= limit)
