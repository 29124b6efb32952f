"""Clustering: confident links only, and no chaining through a weak middle record."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dedup.engine.cluster import clusters


def _sets(found: list[frozenset]) -> set[frozenset]:
    return set(found)


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        pytest.param([("a", "b", 0.99)], [{"a", "b"}], id="one-pair"),
        pytest.param(
            [("a", "b", 0.99), ("b", "c", 0.99), ("a", "c", 0.99)], [{"a", "b", "c"}], id="triangle"
        ),
        pytest.param([("a", "b", 0.99), ("a", "c", 0.99)], [{"a", "b", "c"}], id="star-of-three"),
        pytest.param(
            [("a", "b", 0.99), ("c", "d", 0.99)], [{"a", "b"}, {"c", "d"}], id="two-pairs"
        ),
        pytest.param([("a", "a", 1.0)], [], id="self-link-ignored"),
        pytest.param([], [], id="nothing"),
    ],
)
def test_small_clusters(links: list, expected: list[set]) -> None:
    assert _sets(clusters(links)) == {frozenset(e) for e in expected}


def test_a_chain_is_cut_where_records_have_nothing_in_common() -> None:
    # a–b–c–d–e–f: each record only resembles its neighbours (namesakes glued by one link each)
    chain = [(i, i + 1, 0.99) for i in range(6)]
    found = clusters(chain)
    assert all(len(c) <= 3 for c in found)
    assert not any({0, 6} <= c for c in found)


def test_a_member_must_link_to_half_the_cluster() -> None:
    tight = [("a", "b", 0.99), ("a", "c", 0.99), ("b", "c", 0.99), ("a", "d", 0.99),
             ("b", "d", 0.99), ("c", "d", 0.99)]  # fmt: skip
    loose = [("a", "x", 0.95)]  # x only resembles a
    found = _sets(clusters(tight + loose))
    assert frozenset("abcd") in found
    assert not any("x" in c and len(c) > 2 for c in found)


def test_a_hub_linked_to_hundreds_is_capped() -> None:
    hub = [("hub", f"r{i}", 0.99) for i in range(500)]
    found = clusters(hub, max_size=20)
    assert max(len(c) for c in found) <= 20
    assert sum(1 for c in found if "hub" in c) == 1


def test_order_of_links_does_not_change_the_result() -> None:
    links = [(i, (i * 7) % 13, 0.9 + (i % 5) / 100) for i in range(40)]
    assert _sets(clusters(links)) == _sets(clusters(list(reversed(links))))


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30), st.floats(0.5, 1.0)), max_size=120)
)
def test_clusters_are_disjoint_and_only_hold_linked_records(links: list) -> None:
    found = clusters(links, max_size=10)
    seen: set[int] = set()
    linked = {a for a, b, _ in links if a != b} | {b for a, b, _ in links if a != b}
    for cluster in found:
        assert 2 <= len(cluster) <= 10
        assert not (cluster & seen)
        assert cluster <= linked
        seen |= cluster
