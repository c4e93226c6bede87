"""Seeded drawing of a quiz's items per competency: the same pool, rules and seed give the same items in
the same order, whatever order the pool arrives in, so an attempt can be reproduced from its seed.

Rules with a difficulty draw first, then rules for any difficulty (each group in the order given), so an
"any" rule never takes the item a stricter rule needed; an item is drawn at most once. The drawn items
are then shuffled together with the same generator.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class DrawRule:
    competency: str
    count: int
    difficulty: int | None = None  # 1..5, or None for any


@dataclass(frozen=True)
class PoolItem:
    id: int
    competency: str
    difficulty: int


class DrawError(ValueError):
    """The pool cannot satisfy a rule (or the rule itself is invalid)."""


def _generator(seed: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest(), "big"))


def _pick(candidates: list[int], count: int, rng: random.Random) -> list[int]:
    # Fisher–Yates on rng.random() alone: the one method whose sequence Python promises to keep across versions.
    chosen = list(candidates)
    for i in range(count):
        j = i + int(rng.random() * (len(chosen) - i))
        chosen[i], chosen[j] = chosen[j], chosen[i]
    return chosen[:count]


def _check(rule: DrawRule) -> None:
    if rule.count < 0:
        raise DrawError(_("Competency %(competency)s: the number of items cannot be negative.") % {"competency": rule.competency})
    if rule.difficulty is not None and not 1 <= rule.difficulty <= 5:
        raise DrawError(
            _("Competency %(competency)s: difficulty must be 1 to 5, not %(difficulty)s.")
            % {"competency": rule.competency, "difficulty": rule.difficulty}
        )


def draw_items(*, pool: Sequence[PoolItem], rules: Sequence[DrawRule], seed: str) -> list[int]:
    """The ids drawn for one attempt; DrawError names the competency a rule cannot be met for."""
    for rule in rules:
        _check(rule)
    rng = _generator(seed)
    # Sorted first, so neither pool order nor a repeated id changes the draw.
    by_id = {item.id: item for item in sorted(pool, key=lambda item: (item.id, item.competency, item.difficulty))}
    ordered = list(by_id.values())
    taken: set[int] = set()
    drawn: list[int] = []
    for rule in sorted(rules, key=lambda rule: rule.difficulty is None):  # stable: rule order kept within each group
        candidates = [
            item.id for item in ordered
            if item.competency == rule.competency
            and (rule.difficulty is None or item.difficulty == rule.difficulty)
            and item.id not in taken
        ]
        if len(candidates) < rule.count:
            difficulty = _("any") if rule.difficulty is None else str(rule.difficulty)
            raise DrawError(
                _("Not enough items for competency %(competency)s (difficulty %(difficulty)s): "
                  "wanted %(wanted)d, available %(available)d.")
                % {"competency": rule.competency, "difficulty": difficulty, "wanted": rule.count,
                   "available": len(candidates)}
            )
        picked = _pick(candidates, rule.count, rng)
        taken.update(picked)
        drawn.extend(picked)
    return _pick(drawn, len(drawn), rng)
