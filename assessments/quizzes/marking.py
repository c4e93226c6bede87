"""Automatic, explainable marking of quiz items; results roll up per competency.

Answer keys and responses are JSON. Option, item and pair ids are non-empty strings.

=========== ============================================================= ===============================
type        key                                                           response
=========== ============================================================= ===============================
single      {"options": ["A", "B", "C"], "correct": "B"}                  "B"
multiple    {"options": [...], "correct": ["A", "C"],                     ["A", "C"] (a duplicate counts
            "scoring": "all_or_nothing" (default) | "partial"}            once)
true_false  {"correct": true}                                             true
fill_in     {"blanks": [["演示文稿", "PPT"], ["微课"]],                   ["ppt", "微课"], one per blank
            "case_sensitive": false (default)}
ordering    {"items": ["a", "b", "c"], "scoring": "all_or_nothing"        ["b", "a", "c"], a permutation
            (default) | "partial"}
matching    {"pairs": {"left1": "right2"}, "rights": ["right1",           {"left1": "right2"}; a left may
            "right2"], "scoring": "partial" (default) | "all_or_nothing"} be left out or map to null
=========== ============================================================= ===============================

Rules (every score in Decimal; "rounded" means to 0.01, half up):

- single, true_false: full points for the correct answer, else 0.
- multiple: all_or_nothing gives full points only for exactly the correct set; partial gives
  points × max(0, (right chosen − wrong chosen) / number correct), rounded.
- fill_in: texts compare after NFKC (full-width → half-width), whitespace collapsed and stripped, and
  case folding unless case_sensitive. Each blank is worth points / blanks rounded down; the last blank
  takes the remainder, so all blanks right is exactly the item's points.
- ordering: all_or_nothing, or partial = points × items in the right position / items, rounded.
- matching: partial = points × correct pairs / pairs, rounded; or all_or_nothing.

None, an empty list/object, or only empty blanks is unanswered. A response of the wrong shape (unknown
id, wrong type, too long) is what response_check refuses when it is submitted; mark_item gives it 0 with
an explanation and never raises on a response. Keys are gated by key_check when the item is saved;
mark_item trusts them and raises AnswerKeyError only for a key it cannot read at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any

from django.core.signals import setting_changed
from django.utils.translation import get_language, gettext

_ZERO = Decimal(0)
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")
MAX_PARTS = 100  # options, blanks, items or pairs in one key
MAX_TEXT = 500  # characters in one option id or one blank's answer


class ItemType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    FILL_IN = "fill_in"
    ORDERING = "ordering"
    MATCHING = "matching"


class AnswerKeyError(ValueError):
    """The answer key of an item is malformed (refused when the item is saved)."""


class ResponseError(ValueError):
    """A response does not have the shape its item expects (refused when the answer is submitted)."""


Detail = tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class MarkedItem:
    item_id: int | str
    score: Decimal
    max_score: Decimal
    correct: bool
    explanation: str
    detail: Detail


@dataclass(frozen=True)
class CompetencyResult:
    competency: str
    score: Decimal
    max_score: Decimal
    percent: Decimal
    items: int
    correct: int


_translations: dict[tuple[str, str], str] = {}


def _(message: str, language: str | None = None) -> str:
    """gettext remembered per language: a catalogue miss costs ~8 µs, and marking runs millions of times."""
    language = language or get_language() or ""
    try:
        return _translations[language, message]
    except KeyError:
        translated = _translations[language, message] = gettext(message)
        return translated


def _forget_translations(*, setting: str, **kwargs: Any) -> None:
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"):
        _translations.clear()


setting_changed.connect(_forget_translations)


def normalise_text(value: str) -> str:
    """NFKC (全角 → half-width), whitespace (U+3000 too) collapsed to one space and stripped, case folded."""
    return " ".join(unicodedata.normalize("NFKC", value).split()).casefold()


def _normal(value: str, fold: bool) -> str:
    text = " ".join(unicodedata.normalize("NFKC", value).split())
    return text.casefold() if fold else text


# Accepted answers repeat across thousands of attempts; responses do not, so only the key side is cached.
_normal_accepted = lru_cache(maxsize=8192)(_normal)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _share(points: Decimal, right: int, out_of: int) -> Decimal:
    return (points * right / out_of).quantize(_CENT, rounding=ROUND_HALF_UP)


# --- key_check ------------------------------------------------------------------------------------------


def _ids(value: Any, what: str, minimum: int = 1) -> list[str]:
    if (
        not isinstance(value, list)
        or not minimum <= len(value) <= MAX_PARTS
        or not all(isinstance(v, str) and v and len(v) <= MAX_TEXT for v in value)
    ):
        raise AnswerKeyError(
            _("“%(field)s” must be a list of %(minimum)d to %(maximum)d non-empty ids.")
            % {"field": what, "minimum": minimum, "maximum": MAX_PARTS}
        )
    seen: set[str] = set()
    for v in value:
        if v in seen:
            raise AnswerKeyError(_("“%(id)s” appears twice in “%(field)s”.") % {"id": v, "field": what})
        seen.add(v)
    return value


def _fields(key: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...] = ()) -> None:
    for field in required:
        if field not in key:
            raise AnswerKeyError(_("The key needs “%(field)s”.") % {"field": field})
    unknown = sorted(str(field) for field in key if field not in required and field not in optional)
    if unknown:
        raise AnswerKeyError(_("Unknown fields in the key: %(fields)s.") % {"fields": ", ".join(unknown)})


def _scoring(key: Mapping[str, Any]) -> None:
    if key.get("scoring", "all_or_nothing") not in ("all_or_nothing", "partial"):
        raise AnswerKeyError(_("“scoring” must be “all_or_nothing” or “partial”."))


def _key_single(key: Mapping[str, Any]) -> None:
    _fields(key, ("options", "correct"))
    options = _ids(key["options"], "options", minimum=2)
    if key["correct"] not in options:
        raise AnswerKeyError(_("The correct option “%(option)s” is not among the options.") % {"option": key["correct"]})


def _key_multiple(key: Mapping[str, Any]) -> None:
    _fields(key, ("options", "correct"), ("scoring",))
    options = _ids(key["options"], "options", minimum=2)
    for option in _ids(key["correct"], "correct"):
        if option not in options:
            raise AnswerKeyError(_("The correct option “%(option)s” is not among the options.") % {"option": option})
    _scoring(key)


def _key_true_false(key: Mapping[str, Any]) -> None:
    _fields(key, ("correct",))
    if not isinstance(key["correct"], bool):
        raise AnswerKeyError(_("“correct” must be true or false."))


def _key_fill_in(key: Mapping[str, Any]) -> None:
    _fields(key, ("blanks",), ("case_sensitive",))
    blanks = key["blanks"]
    if not isinstance(blanks, list) or not 1 <= len(blanks) <= MAX_PARTS:
        raise AnswerKeyError(_("“blanks” must be a list of 1 to %(maximum)d blanks.") % {"maximum": MAX_PARTS})
    for number, accepted in enumerate(blanks, start=1):
        if not isinstance(accepted, list) or not accepted:
            raise AnswerKeyError(_("Blank %(number)d has no accepted answer.") % {"number": number})
        if not all(isinstance(text, str) and len(text) <= MAX_TEXT and normalise_text(text) for text in accepted):
            raise AnswerKeyError(
                _("Blank %(number)d: every accepted answer must be non-blank text of at most %(maximum)d characters.")
                % {"number": number, "maximum": MAX_TEXT}
            )
    if not isinstance(key.get("case_sensitive", False), bool):
        raise AnswerKeyError(_("“case_sensitive” must be true or false."))


def _key_ordering(key: Mapping[str, Any]) -> None:
    _fields(key, ("items",), ("scoring",))
    _ids(key["items"], "items", minimum=2)
    _scoring(key)


def _key_matching(key: Mapping[str, Any]) -> None:
    _fields(key, ("pairs", "rights"), ("scoring",))
    pairs, rights = key["pairs"], _ids(key["rights"], "rights")
    if not isinstance(pairs, dict) or not 1 <= len(pairs) <= MAX_PARTS:
        raise AnswerKeyError(_("“pairs” must map 1 to %(maximum)d left items to right items.") % {"maximum": MAX_PARTS})
    for left, right in pairs.items():
        if not isinstance(left, str) or not left or len(left) > MAX_TEXT:
            raise AnswerKeyError(_("Left items must be non-empty ids."))
        if right not in rights:
            raise AnswerKeyError(
                _("“%(left)s” is matched to “%(right)s”, which is not among the right items.")
                % {"left": left, "right": right}
            )
    _scoring(key)


# --- reading a response (None = unanswered; ResponseError = wrong shape) ----------------------------------


def _unknown(value: Any) -> ResponseError:
    return ResponseError(_("Unknown choice “%(choice)s”.") % {"choice": str(value)[:MAX_TEXT]})


def _read_single(key: Mapping[str, Any], response: Any) -> str | None:
    if response is None:
        return None
    if not isinstance(response, str):
        raise ResponseError(_("Expected one option."))
    if response not in key["options"]:
        raise _unknown(response)
    return response


def _read_multiple(key: Mapping[str, Any], response: Any) -> frozenset[str] | None:
    if response is None:
        return None
    options = key["options"]
    if not isinstance(response, (list, tuple)):
        raise ResponseError(_("Expected a list of options."))
    if len(response) > len(options):
        raise ResponseError(_("More choices than there are options."))
    for choice in response:
        if not isinstance(choice, str) or choice not in options:
            raise _unknown(choice)
    return frozenset(response) or None


def _read_true_false(key: Mapping[str, Any], response: Any) -> bool | None:
    if response is None or isinstance(response, bool):
        return response
    raise ResponseError(_("Expected true or false."))


def _read_fill_in(key: Mapping[str, Any], response: Any) -> Sequence[str] | None:
    if response is None:
        return None
    count = len(key["blanks"])
    if not isinstance(response, (list, tuple)) or len(response) != count:
        raise ResponseError(_("Expected a list of %(count)d answers, one per blank.") % {"count": count})
    for text in response:
        if not isinstance(text, str):
            raise ResponseError(_("Every blank's answer must be text."))
        if len(text) > MAX_TEXT:
            raise ResponseError(_("An answer is longer than %(maximum)d characters.") % {"maximum": MAX_TEXT})
    return response if any(not text.isspace() and text for text in response) else None


def _read_ordering(key: Mapping[str, Any], response: Any) -> Sequence[str] | None:
    if response is None:
        return None
    items = key["items"]
    if not isinstance(response, (list, tuple)):
        raise ResponseError(_("Expected a list of items in order."))
    if not response:
        return None
    if len(response) != len(items) or not all(isinstance(item, str) for item in response) or set(response) != set(items):
        raise ResponseError(_("Expected every item exactly once."))
    return response


def _read_matching(key: Mapping[str, Any], response: Any) -> Mapping[str, str] | None:
    if response is None:
        return None
    if not isinstance(response, Mapping):
        raise ResponseError(_("Expected pairs from left items to right items."))
    pairs, rights = key["pairs"], key["rights"]
    for left, right in response.items():
        if left not in pairs:
            raise _unknown(left)
        if right is not None and (not isinstance(right, str) or right not in rights):
            raise _unknown(right)
    return response if any(right is not None for right in response.values()) else None


# --- marking an answered response ------------------------------------------------------------------------

Marked = tuple[Decimal, bool, str, Detail]


def _mark_single(key: Mapping[str, Any], chosen: str, points: Decimal, language: str) -> Marked:
    correct = key["correct"]
    detail = tuple({"option": o, "chosen": o == chosen, "correct": o == correct} for o in key["options"])
    if chosen == correct:
        return points, True, _("Chose %(chosen)s, the correct option: %(score)s/%(points)s.", language) % {
            "chosen": chosen, "score": _fmt(points), "points": _fmt(points)}, detail
    return _ZERO, False, _("Chose %(chosen)s, which is not the correct option: 0/%(points)s.", language) % {
        "chosen": chosen, "points": _fmt(points)}, detail


def _mark_true_false(key: Mapping[str, Any], answer: bool, points: Decimal, language: str) -> Marked:
    detail = ({"chosen": answer, "correct": key["correct"]},)
    said = _("true", language) if answer else _("false", language)
    if answer == key["correct"]:
        return points, True, _("Answered %(answer)s, which is right: %(score)s/%(points)s.", language) % {
            "answer": said, "score": _fmt(points), "points": _fmt(points)}, detail
    return _ZERO, False, _("Answered %(answer)s, which is wrong: 0/%(points)s.", language) % {
        "answer": said, "points": _fmt(points)}, detail


def _mark_multiple(key: Mapping[str, Any], chosen: frozenset[str], points: Decimal, language: str) -> Marked:
    correct = key["correct"]
    right = sum(1 for option in correct if option in chosen)
    wrong = len(chosen) - right
    detail = tuple({"option": o, "chosen": o in chosen, "correct": o in correct} for o in key["options"])
    if wrong == 0 and right == len(correct):
        return points, True, _("Chose every correct option and no wrong one: %(score)s/%(points)s.", language) % {
            "score": _fmt(points), "points": _fmt(points)}, detail
    values = {"right": right, "needed": len(correct), "wrong": wrong, "points": _fmt(points)}
    if key.get("scoring") == "partial":
        score = _share(points, max(0, right - wrong), len(correct))
        values["score"] = _fmt(score)
        return score, False, _(
            "Right choices %(right)d of %(needed)d, wrong choices %(wrong)d; partial credit: %(score)s/%(points)s.",
            language,
        ) % values, detail
    return _ZERO, False, _(
        "Right choices %(right)d of %(needed)d, wrong choices %(wrong)d; all or nothing: 0/%(points)s.", language
    ) % values, detail


@lru_cache(maxsize=1024)
def _blank_worths(points: Decimal, count: int) -> tuple[Decimal, ...]:
    each = (points / count).quantize(_CENT, rounding=ROUND_DOWN)
    return (each,) * (count - 1) + (points - each * (count - 1),)


def _mark_fill_in(key: Mapping[str, Any], answers: Sequence[str], points: Decimal, language: str) -> Marked:
    fold = not key.get("case_sensitive", False)
    worths = _blank_worths(points, len(answers))
    score, right, detail = _ZERO, 0, []
    for number, (given, accepted, worth) in enumerate(zip(answers, key["blanks"], worths), start=1):
        text = _normal(given, fold)
        ok = bool(text) and any(_normal_accepted(option, fold) == text for option in accepted)
        if ok:
            score += worth
            right += 1
        detail.append({"blank": number, "given": given, "right": ok})
    if right == len(answers):
        return points, True, _("Every blank right: %(score)s/%(points)s.", language) % {
            "score": _fmt(points), "points": _fmt(points)}, tuple(detail)
    return score, False, _("Blanks right: %(right)d of %(count)d; %(score)s/%(points)s.", language) % {
        "right": right, "count": len(answers), "score": _fmt(score), "points": _fmt(points)}, tuple(detail)


def _positional(right: int, detail: Detail, partial: bool, points: Decimal, language: str, thing: str) -> Marked:
    """Ordering and matching: full marks, else a partial share or all-or-nothing zero."""
    count = len(detail)
    if right == count:
        message = (
            _("All %(count)d items in the right order: %(score)s/%(points)s.", language) if thing == "items"
            else _("All %(count)d pairs matched correctly: %(score)s/%(points)s.", language)
        )
        return points, True, message % {"count": count, "score": _fmt(points), "points": _fmt(points)}, detail
    score = _share(points, right, count) if partial else _ZERO
    message = (
        _("Items in the right position: %(right)d of %(count)d; %(rule)s: %(score)s/%(points)s.", language)
        if thing == "items"
        else _("Pairs matched correctly: %(right)d of %(count)d; %(rule)s: %(score)s/%(points)s.", language)
    )
    rule = _("partial credit", language) if partial else _("all or nothing", language)
    return score, False, message % {
        "right": right, "count": count, "rule": rule, "score": _fmt(score), "points": _fmt(points)}, detail


def _mark_ordering(key: Mapping[str, Any], order: Sequence[str], points: Decimal, language: str) -> Marked:
    detail = tuple(
        {"position": n, "item": given, "expected": expected, "right": given == expected}
        for n, (given, expected) in enumerate(zip(order, key["items"]), start=1)
    )
    right = sum(1 for part in detail if part["right"])
    return _positional(right, detail, key.get("scoring") == "partial", points, language, "items")


def _mark_matching(key: Mapping[str, Any], chosen: Mapping[str, str], points: Decimal, language: str) -> Marked:
    detail = tuple(
        {"left": left, "chosen": chosen.get(left), "expected": expected, "right": chosen.get(left) == expected}
        for left, expected in key["pairs"].items()
    )
    right = sum(1 for part in detail if part["right"])
    return _positional(right, detail, key.get("scoring", "partial") == "partial", points, language, "pairs")


_Rule = tuple[Callable[[Mapping[str, Any]], None], Callable[[Mapping[str, Any], Any], Any], Callable[..., Marked]]
_RULES: dict[str, _Rule] = {
    ItemType.SINGLE: (_key_single, _read_single, _mark_single),
    ItemType.MULTIPLE: (_key_multiple, _read_multiple, _mark_multiple),
    ItemType.TRUE_FALSE: (_key_true_false, _read_true_false, _mark_true_false),
    ItemType.FILL_IN: (_key_fill_in, _read_fill_in, _mark_fill_in),
    ItemType.ORDERING: (_key_ordering, _read_ordering, _mark_ordering),
    ItemType.MATCHING: (_key_matching, _read_matching, _mark_matching),
}


def _rule(item_type: str) -> _Rule:
    rule = _RULES.get(item_type)
    if rule is None:
        raise AnswerKeyError(_("Unknown item type “%(type)s”.") % {"type": item_type})
    return rule


# --- public face -----------------------------------------------------------------------------------------


def key_check(item_type: str, key: Mapping[str, Any]) -> None:
    """Refuse a malformed answer key with AnswerKeyError saying what is wrong."""
    check = _rule(item_type)[0]
    if not isinstance(key, Mapping):
        raise AnswerKeyError(_("The answer key must be an object."))
    check(key)


def response_check(item_type: str, key: Mapping[str, Any], response: Any) -> None:
    """Refuse a response of the wrong shape for this (valid) key with ResponseError; None (unanswered) passes."""
    _rule(item_type)[1](key, response)


def mark_item(*, item_id: int | str, item_type: str, key: Mapping[str, Any], response: Any, points: Decimal) -> MarkedItem:
    """Mark one response against a key that passed key_check; never raises on the response."""
    _check, read, mark = _rule(item_type)
    language = get_language() or ""
    try:
        answer = read(key, response)
        if answer is None:
            explanation = _("Not answered: 0/%(points)s.", language) % {"points": _fmt(points)}
            return MarkedItem(item_id, _ZERO, points, False, explanation, ())
        score, correct, explanation, detail = mark(key, answer, points, language)
    except ResponseError as unreadable:
        explanation = _("The answer could not be read (%(reason)s): 0/%(points)s.", language) % {
            "reason": str(unreadable).rstrip(".。"), "points": _fmt(points)}
        return MarkedItem(item_id, _ZERO, points, False, explanation, ())
    except (KeyError, TypeError, AttributeError) as broken:
        raise AnswerKeyError(_("The answer key of item %(item)s cannot be read.") % {"item": item_id}) from broken
    return MarkedItem(item_id, score, points, correct, explanation, detail)


def roll_up(marked: Iterable[tuple[MarkedItem, str]]) -> list[CompetencyResult]:
    """Per competency, in first-seen order: sums, items, fully correct items, percent to one decimal."""
    totals: dict[str, list[Any]] = {}
    for item, competency in marked:
        total = totals.setdefault(competency, [_ZERO, _ZERO, 0, 0])
        total[0] += item.score
        total[1] += item.max_score
        total[2] += 1
        total[3] += item.correct
    return [
        CompetencyResult(
            competency=competency, score=score, max_score=maximum,
            percent=(score * 100 / maximum).quantize(_TENTH, rounding=ROUND_HALF_UP) if maximum else _ZERO,
            items=items, correct=correct,
        )
        for competency, (score, maximum, items, correct) in totals.items()
    ]
