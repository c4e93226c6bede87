"""The server's own score for an H5P answer: the learner's xAPI response checked against the stored content.

Only the response and the stored content.json count; a statement's correctResponsesPattern and
result.score are never read here. Each rule follows the H5P content type's own JavaScript (and its
runtime defaults for settings missing from content.json), except where a comment says otherwise.
A response that cannot be read scores 0 and never raises; content whose answer key cannot be read
is not recomputed (score_recompute returns None) — answer_key_problem() says why, for the upload check.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

RECOMPUTED_LIBRARIES: frozenset[str] = frozenset({"H5P.TrueFalse", "H5P.MultiChoice", "H5P.Blanks"})
RESPONSE_SEPARATOR = "[,]"  # xAPI joins the parts of one response with "[,]"

_ZERO = Decimal(0)
_ONE = Decimal(1)
_INDEX = re.compile(r"[0-9]{1,6}")
_TAG = re.compile(r"<[^>]*>")

BlankKey = tuple[str, ...]  # the accepted alternatives of one blank, normalised, as authored (case kept)


@dataclass(frozen=True)
class Recomputed:
    score: Decimal
    max_score: Decimal
    detail: str = ""


class AnswerKeyError(ValueError):
    """The stored content has no readable answer key (a broken package, not the learner's fault)."""


def score_recompute(*, library: str, content: dict[str, Any], response: str | None) -> Recomputed | None:
    """The score the response earns against the content; None if this library (or content) is not recomputed."""
    scorer = _SCORERS.get(library)
    if scorer is None:
        return None
    try:
        return scorer(content, response)
    except AnswerKeyError:
        return None


def answer_key_problem(*, library: str, content: Any) -> str | None:
    """Why the answer key of a recomputed library cannot be read from this content, or None if it can."""
    scorer = _SCORERS.get(library)
    if scorer is None:
        return None
    try:
        scorer(content, None)
    except AnswerKeyError as problem:
        return str(problem)
    return None


def scores_disagree(*, recomputed: Recomputed, raw_score: Decimal | None, max_score: Decimal | None) -> bool:
    """True when the player's claim is absent or differs from ours; a different maximum is itself a disagreement."""
    if raw_score is None or max_score is None:
        return True
    return raw_score != recomputed.score or max_score != recomputed.max_score


# --- H5P.TrueFalse ----------------------------------------------------------------------------------


def _true_false(content: Any, response: str | None) -> Recomputed:
    key = _mapping(content, "content").get("correct")
    if isinstance(key, bool):
        key = "true" if key else "false"
    if key not in ("true", "false"):
        raise AnswerKeyError('H5P.TrueFalse content needs "correct": "true" or "false".')
    if response not in ("true", "false"):
        return Recomputed(score=_ZERO, max_score=_ONE, detail="no readable answer")
    right = response == key
    return Recomputed(score=_ONE if right else _ZERO, max_score=_ONE, detail="right" if right else "wrong")


# --- H5P.MultiChoice --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceKey:
    correct: tuple[bool, ...]  # per answer, in the original (unshuffled) order the response indexes refer to
    single_answer: bool
    single_point: bool
    pass_percentage: Decimal

    @property
    def blank_is_correct(self) -> bool:
        return not any(self.correct)

    @property
    def max_score(self) -> Decimal:
        if self.single_answer or self.single_point:
            return _ONE
        return Decimal(self.multi_max)

    @property
    def multi_max(self) -> int:
        return sum(self.correct) or 1  # no correct answer: choosing nothing is worth the one point


def multichoice_answer_key(content: Any) -> ChoiceKey:
    content = _mapping(content, "content")
    answers = content.get("answers")
    if not isinstance(answers, list) or not all(isinstance(answer, dict) for answer in answers):
        raise AnswerKeyError('H5P.MultiChoice content needs "answers": a list of objects.')
    correct = tuple(answer.get("correct") is True for answer in answers)
    behaviour = _mapping(content.get("behaviour") or {}, "behaviour")
    kind = behaviour.get("type", "auto")
    single_answer = sum(correct) == 1 if kind == "auto" else kind == "single"
    return ChoiceKey(
        correct=correct,
        single_answer=single_answer,
        single_point=behaviour.get("singlePoint", True) is True,  # the player's default when content omits it
        pass_percentage=_percentage(behaviour.get("passPercentage")),
    )


def _percentage(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return Decimal(100)
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _chosen(response: str | None, count: int) -> frozenset[int] | None:
    """The distinct answer indexes chosen, or None for a missing or garbled response."""
    if response is None:
        return None
    if response == "":
        return frozenset()
    chosen: set[int] = set()
    for part in response.split(RESPONSE_SEPARATOR):
        if not _INDEX.fullmatch(part) or int(part) >= count:
            return None
        chosen.add(int(part))
    return frozenset(chosen)


def _multichoice(content: Any, response: str | None) -> Recomputed:
    key = multichoice_answer_key(content)
    maximum = key.max_score
    chosen = _chosen(response, len(key.correct))
    if chosen is None:
        return Recomputed(score=_ZERO, max_score=maximum, detail="no readable answer")
    if key.single_answer:
        right = len(chosen) == 1 and key.correct[next(iter(chosen))]
        return Recomputed(score=_ONE if right else _ZERO, max_score=maximum, detail="right" if right else "wrong")
    points = max(0, sum(1 if key.correct[index] else -1 for index in chosen))
    if not chosen and key.blank_is_correct:
        points = 1
    detail = f"{points} of {key.multi_max} points"
    if key.single_point:
        passed = 100 * points >= key.pass_percentage * key.multi_max
        return Recomputed(score=_ONE if passed else _ZERO, max_score=maximum, detail=f"{detail}, single point")
    return Recomputed(score=Decimal(points), max_score=maximum, detail=detail)


# --- H5P.Blanks -------------------------------------------------------------------------------------


def blanks_answer_key(content: Any) -> tuple[BlankKey, ...]:
    """The alternatives of every blank, numbered across all questions in order.

    A blank is `*alternative/alternative:tip*`, found the way H5P scans for asterisks. Unlike H5P we
    strip HTML tags inside a blank before splitting (H5P would split "</b>" at its slash); then each
    alternative has its HTML entities decoded and its whitespace trimmed and collapsed.
    """
    questions = _mapping(content, "content").get("questions")
    if not isinstance(questions, list) or not all(isinstance(question, str) for question in questions):
        raise AnswerKeyError('H5P.Blanks content needs "questions": a list of strings.')
    return tuple(_blank_key(inside) for question in questions for inside in _blank_texts(question))


def _blank_texts(question: str) -> list[str]:
    """The text between each pair of asterisks; an empty pair ("**") is no blank, as in H5P."""
    found = []
    start = question.find("*")
    while start != -1:
        end = question.find("*", start + 1)
        if end == -1:
            break
        if end > start + 1:
            found.append(question[start + 1 : end])
        start = question.find("*", end + 1)
    return found


def _blank_key(inside: str) -> BlankKey:
    solution = _TAG.sub("", inside).split(":", 1)[0]  # after the first ":" comes the tip
    return tuple(_normalise(html.unescape(alternative)) for alternative in solution.split("/"))


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _blanks(content: Any, response: str | None) -> Recomputed:
    key = blanks_answer_key(content)
    behaviour = _mapping(content.get("behaviour") or {}, "behaviour")
    case_sensitive = behaviour.get("caseSensitive", True) is True
    spelling = behaviour.get("acceptSpellingErrors") is True
    maximum = Decimal(len(key))
    if response is None:
        return Recomputed(score=_ZERO, max_score=maximum, detail="no readable answer")
    answers = response.split(RESPONSE_SEPARATOR)  # missing answers are wrong, extra ones ignored (zip)
    right = sum(
        _blank_right(answer, alternatives, case_sensitive=case_sensitive, spelling=spelling)
        for answer, alternatives in zip(answers, key)
    )
    return Recomputed(score=Decimal(right), max_score=maximum, detail=f"{right} of {len(key)} blanks right")


def _blank_right(answer: str, alternatives: BlankKey, *, case_sensitive: bool, spelling: bool) -> bool:
    answer = _normalise(answer)
    if not case_sensitive:
        answer = answer.lower()
    for alternative in alternatives:
        if not case_sensitive:
            alternative = alternative.lower()
        if answer == alternative:
            return True
        if spelling and len(alternative) >= 4:
            if within_edits(answer, alternative, 2 if len(alternative) >= 10 else 1):
                return True
    return False


def within_edits(typed: str, target: str, limit: int) -> bool:
    """Whether at most `limit` edits turn one string into the other.

    Edits are insertions, deletions, substitutions and swaps of two adjacent characters (optimal string
    alignment distance) — H5P's computeLevenshteinDistance(..., true) counts a swap as one edit too.
    A common prefix and suffix cost nothing and are dropped; of the rest only the diagonal band
    |i - j| <= limit is computed, so a long answer costs O(length * limit).
    """
    if abs(len(typed) - len(target)) > limit:
        return False
    start = 0
    shortest = min(len(typed), len(target))
    while start < shortest and typed[start] == target[start]:
        start += 1
    end = 0
    while end < shortest - start and typed[-1 - end] == target[-1 - end]:
        end += 1
    typed, target = typed[start : len(typed) - end], target[start : len(target) - end]
    # Row i keeps cells j = i - limit .. i + limit at index d = j - i + limit, so in the rows before,
    # cell j sits at d + 1 (deletion), d (substitution) and, two rows up, d (swap).
    over, width, columns = limit + 1, 2 * limit + 1, len(target)
    previous = [d - limit if limit <= d <= limit + min(columns, limit) else over for d in range(width)]
    before = [over] * width
    for i in range(1, len(typed) + 1):
        current = [over] * width
        for d in range(width):
            j = i - limit + d
            if j < 0 or j > columns:
                continue
            if j == 0:
                current[d] = i if i <= limit else over
                continue
            best = previous[d] + (typed[i - 1] != target[j - 1])
            if d + 1 < width:
                best = min(best, previous[d + 1] + 1)
            if d:
                best = min(best, current[d - 1] + 1)
            if i > 1 and j > 1 and typed[i - 1] == target[j - 2] and typed[i - 2] == target[j - 1]:
                best = min(best, before[d] + 1)
            current[d] = min(best, over)
        if min(current) > limit:
            return False
        before, previous = previous, current
    return previous[columns - len(typed) + limit] <= limit


# --- shared -----------------------------------------------------------------------------------------


def _mapping(value: Any, name: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AnswerKeyError(f"The {name} of the H5P content must be a JSON object.")
    return value


_SCORERS: dict[str, Callable[[Any, str | None], Recomputed]] = {
    "H5P.TrueFalse": _true_false,
    "H5P.MultiChoice": _multichoice,
    "H5P.Blanks": _blanks,
}
