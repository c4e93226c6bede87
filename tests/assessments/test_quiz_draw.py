"""Seeded quiz drawing: reproducible, independent of pool order, never the same item twice. No database."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.quizzes.draw import DrawError, DrawRule, PoolItem, draw_items

# Competency A.1: ids 1..10 (difficulty 1 + id % 5); B.2: ids 11..16 (difficulty 3 for even ids, 4 for odd).
POOL = [PoolItem(id=i, competency="A.1", difficulty=1 + i % 5) for i in range(1, 11)] + [
    PoolItem(id=i, competency="B.2", difficulty=3 if i % 2 == 0 else 4) for i in range(11, 17)
]
RULES = [DrawRule(competency="A.1", count=4), DrawRule(competency="B.2", count=2, difficulty=3)]
BY_ID = {item.id: item for item in POOL}


def test_same_seed_same_items_in_the_same_order() -> None:
    first = draw_items(pool=POOL, rules=RULES, seed="attempt-1")
    assert first == draw_items(pool=POOL, rules=RULES, seed="attempt-1")
    assert len(first) == 6 and len(set(first)) == 6
    assert Counter(BY_ID[i].competency for i in first) == {"A.1": 4, "B.2": 2}
    assert all(BY_ID[i].difficulty == 3 for i in first if BY_ID[i].competency == "B.2")


def test_pool_order_does_not_matter() -> None:
    expected = draw_items(pool=POOL, rules=RULES, seed="s")
    assert draw_items(pool=list(reversed(POOL)), rules=RULES, seed="s") == expected
    assert draw_items(pool=sorted(POOL, key=lambda item: (item.difficulty, -item.id)), rules=RULES, seed="s") == expected


def test_different_seeds_usually_differ() -> None:
    draws = {tuple(draw_items(pool=POOL, rules=RULES, seed=f"seed-{n}")) for n in range(50)}
    assert len(draws) > 40
    # the shuffle mixes competencies: B.2 is not always last
    assert any(BY_ID[draw[0]].competency == "B.2" for draw in draws)


def test_the_draw_is_pinned_for_a_known_seed() -> None:
    # Past attempts are re-derivable from their seed: if this changes, old seeds no longer reproduce their items.
    assert draw_items(pool=POOL, rules=RULES, seed="pinned") == [1, 4, 8, 16, 5, 14]


def test_difficulty_filter() -> None:
    for n in range(20):
        drawn = draw_items(pool=POOL, rules=[DrawRule("A.1", 2, difficulty=2)], seed=str(n))
        assert sorted(drawn) == [1, 6]  # the only A.1 items of difficulty 2


def test_not_enough_items_names_the_competency_wanted_and_available() -> None:
    with translation.override("en"):
        with pytest.raises(DrawError) as short:
            draw_items(pool=POOL, rules=[DrawRule("B.2", 4, difficulty=3)], seed="s")
        assert str(short.value) == "Not enough items for competency B.2 (difficulty 3): wanted 4, available 3."
        with pytest.raises(DrawError) as missing:
            draw_items(pool=POOL, rules=[DrawRule("C.9", 1)], seed="s")
        assert str(missing.value) == "Not enough items for competency C.9 (difficulty any): wanted 1, available 0."


def test_no_item_twice_when_two_rules_could_take_it() -> None:
    rules = [DrawRule("B.2", 3), DrawRule("B.2", 3, difficulty=3)]
    for n in range(30):
        drawn = draw_items(pool=POOL, rules=rules, seed=str(n))
        assert len(drawn) == len(set(drawn)) == 6
        assert sorted(drawn) == list(range(11, 17))


def test_a_rule_with_a_difficulty_is_served_before_an_any_rule() -> None:
    # B.2 has three items of difficulty 3; drawing "any" first could take one of them and starve the second rule.
    rules = [DrawRule("B.2", 3), DrawRule("B.2", 3, difficulty=3)]
    assert all(len(draw_items(pool=POOL, rules=rules, seed=str(n))) == 6 for n in range(30))
    with translation.override("en"), pytest.raises(DrawError, match="wanted 4, available 3"):
        draw_items(pool=POOL, rules=[DrawRule("B.2", 4), DrawRule("B.2", 3, difficulty=3)], seed="s")


def test_invalid_rules_are_refused() -> None:
    with translation.override("en"):
        with pytest.raises(DrawError, match="difficulty must be 1 to 5, not 6"):
            draw_items(pool=POOL, rules=[DrawRule("A.1", 1, difficulty=6)], seed="s")
        with pytest.raises(DrawError, match="A.1: the number of items cannot be negative"):
            draw_items(pool=POOL, rules=[DrawRule("A.1", -1)], seed="s")


def test_zero_count_and_no_rules_draw_nothing() -> None:
    assert draw_items(pool=POOL, rules=[DrawRule("A.1", 0)], seed="s") == []
    assert draw_items(pool=[], rules=[], seed="s") == []


def test_a_repeated_pool_id_is_drawn_once() -> None:
    pool = [PoolItem(1, "A.1", 3), PoolItem(1, "A.1", 3), PoolItem(2, "A.1", 3)]
    assert sorted(draw_items(pool=pool, rules=[DrawRule("A.1", 2)], seed="s")) == [1, 2]
    with pytest.raises(DrawError):
        draw_items(pool=pool, rules=[DrawRule("A.1", 3)], seed="s")


pools = st.lists(
    st.builds(PoolItem, id=st.integers(1, 60), competency=st.sampled_from(["A", "B", "C"]), difficulty=st.integers(1, 5)),
    max_size=60,
    unique_by=lambda item: item.id,
)
rule_lists = st.lists(
    st.builds(DrawRule, competency=st.sampled_from(["A", "B", "C"]), count=st.integers(0, 6),
              difficulty=st.none() | st.integers(1, 5)),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(pools, rule_lists, st.text(max_size=12), st.randoms(use_true_random=False))
def test_draw_returns_exactly_the_counts_of_distinct_ids_or_refuses(
    pool: list[PoolItem], rules: list[DrawRule], seed: str, shuffler: random.Random
) -> None:
    by_id = {item.id: item for item in pool}
    try:
        drawn = draw_items(pool=pool, rules=rules, seed=seed)
    except DrawError:
        assert not _feasible(pool, rules)
        return
    assert len(drawn) == len(set(drawn)) == sum(rule.count for rule in rules)
    assert set(drawn) <= set(by_id)
    shuffled = list(pool)
    shuffler.shuffle(shuffled)
    assert draw_items(pool=shuffled, rules=rules, seed=seed) == drawn
    for competency in {rule.competency for rule in rules}:
        wanted = sum(rule.count for rule in rules if rule.competency == competency)
        assert sum(1 for i in drawn if by_id[i].competency == competency) == wanted


def _feasible(pool: list[PoolItem], rules: list[DrawRule]) -> bool:
    """Per competency: each difficulty covers its own rules, and the whole competency covers all of them."""
    for competency in {rule.competency for rule in rules}:
        items = [item for item in pool if item.competency == competency]
        mine = [rule for rule in rules if rule.competency == competency]
        if sum(rule.count for rule in mine) > len(items):
            return False
        for difficulty in range(1, 6):
            wanted = sum(rule.count for rule in mine if rule.difficulty == difficulty)
            if wanted > sum(1 for item in items if item.difficulty == difficulty):
                return False
    return True
