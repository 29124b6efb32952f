"""A full scan's pairs, block by block: each candidate pair once, caps per key kind, resumes."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dedup.engine.keys import (
    BLOCK_CAPS,
    DEFAULT_MAX_BLOCK,
    SMALL_BLOCK,
    TYPO_BLOCK,
    block_cap,
)
from app.dedup.scan_blocks import BlockPairs, BlockReader, blocks_of

CAPS = {"np:": 3}


def _pairs(left, right) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    return list(zip(left, right, strict=True))


def test_a_pair_sharing_several_keys_is_scored_once_under_the_first() -> None:
    pairs = BlockPairs(4, CAPS)
    assert _pairs(*pairs.add("email:a", 2, [0, 1])) == [(0, 1)]
    assert _pairs(*pairs.add("name:x", 3, [0, 1, 2])) == [(0, 2), (1, 2)]
    assert _pairs(*pairs.add("phone:1", 3, [0, 1, 2])) == []  # all met already
    assert pairs.pairs_by_kind == {"email:": 1, "name:": 2}


@pytest.mark.parametrize(
    ("key", "size", "members", "expected"),
    [
        pytest.param("np:dupo|jean", 4, [0, 1, 2, 3], [], id="over-its-kind-cap"),
        pytest.param("phone:1", 4, [0, 1, 2, 3], 6, id="kind-left-out-keeps-default"),
        pytest.param("email:a", 1, [0], [], id="alone"),
        pytest.param("email:a", 2, [0], [], id="partner-unknown-to-the-scan"),
        pytest.param("email:a", 0, [], [], id="empty"),
        pytest.param("ém:é", 2, [2, 3], [(2, 3)], id="accented-key"),
    ],
)
def test_blocks_that_give_no_pair(key: str, size: int, members: list[int], expected) -> None:  # type: ignore[no-untyped-def]
    pairs = BlockPairs(4, CAPS)
    found = _pairs(*pairs.add(key, size, members))
    if isinstance(expected, int):
        assert len(found) == expected
    else:
        assert found == expected
    assert pairs.capped_by_kind == ({"np:": 1} if key.startswith("np:") else {})


def test_a_resumed_scan_replays_without_scoring_again() -> None:
    first = BlockPairs(3, CAPS)
    first.add("email:a", 2, [0, 1])
    resumed = BlockPairs(3, CAPS)
    assert _pairs(*resumed.add("email:a", 2, [0, 1], emit=False)) == []
    assert resumed.pairs_by_kind == {}
    # the pair met in the replayed block is not produced again
    assert _pairs(*resumed.add("name:x", 3, [0, 1, 2])) == [(0, 2), (1, 2)]


def test_the_cap_of_each_kind_comes_from_one_table() -> None:
    contact = BLOCK_CAPS["contact"]
    assert block_cap("name:dupont|jean", contact) == SMALL_BLOCK
    assert block_cap("np:dupo|jean", contact) == TYPO_BLOCK
    assert block_cap("ph:tpn|j", contact) == TYPO_BLOCK
    assert block_cap("email:a@b.fr", contact) == DEFAULT_MAX_BLOCK
    company = BLOCK_CAPS["company"]
    assert block_cap("np:dupo", company) == TYPO_BLOCK
    assert block_cap("wa:dupont|69001", company) == TYPO_BLOCK
    assert block_cap("acr:sncf", company) == SMALL_BLOCK
    assert block_cap("siren:552100554", company) == DEFAULT_MAX_BLOCK
    assert block_cap("domain:ibm.com", company) == DEFAULT_MAX_BLOCK
    assert block_cap("no-prefix", contact) == DEFAULT_MAX_BLOCK


def test_blocks_cut_across_pages_are_put_back_together() -> None:
    rows = [("a", 1), ("a", 2), ("b", 3), ("b", 4), ("b", 5), ("c", 6)]
    reader = BlockReader()
    seen = []
    for page in (rows[:1], rows[1:3], [], rows[3:4], rows[4:]):
        seen += reader.page(page)
    seen += reader.last()
    assert [(k, [r[1] for r in members]) for k, members in seen] == [
        ("a", [1, 2]),
        ("b", [3, 4, 5]),
        ("c", [6]),
    ]
    assert reader.last() == []
    assert list(blocks_of([])) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sets(st.sampled_from(["email:a", "email:b", "np:x", "np:y", "phone:1"]), max_size=4),
        min_size=0,
        max_size=12,
    )
)
def test_every_pair_sharing_a_usable_key_once(keys_of: list[set[str]]) -> None:
    members = defaultdict(list)
    for record, keys in enumerate(keys_of):
        for key in keys:
            members[key].append(record)
    pairs = BlockPairs(len(keys_of), CAPS)
    found = []
    for key in sorted(members):
        found += _pairs(*pairs.add(key, len(members[key]), members[key]))
    usable = {k for k, m in members.items() if len(m) <= block_cap(k, CAPS)}
    expected = {
        (a, b) for a, b in combinations(range(len(keys_of)), 2) if keys_of[a] & keys_of[b] & usable
    }
    assert len(found) == len(set(found))  # never twice
    assert set(found) == expected
    assert sum(pairs.pairs_by_kind.values()) == len(found)
