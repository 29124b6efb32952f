"""What a merge does to the review queue (pure)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from app.merge.pairs import plan_pairs

S, M, N, Y, Z = (uuid.UUID(int=i) for i in (1, 2, 3, 8, 9))


@dataclass
class P:
    id: uuid.UUID
    left_id: uuid.UUID
    right_id: uuid.UUID
    status: str = "open"
    probability: float = 0.9


def pair(n: int, a: uuid.UUID, b: uuid.UUID, **kw: object) -> P:
    left, right = sorted((a, b))
    return P(uuid.UUID(int=100 + n), left, right, **kw)  # type: ignore[arg-type]


def test_pairs_inside_the_merge_are_closed() -> None:
    actions = plan_pairs([pair(1, S, M), pair(2, M, N)], {S, M, N}, S)
    assert [(a.action, a.pair_id.int) for a in actions] == [("close", 101), ("close", 102)]


def test_open_pair_with_an_outsider_moves_to_the_survivor() -> None:
    actions = plan_pairs([pair(1, M, Y)], {S, M}, S)
    assert [(a.action, a.target) for a in actions] == [("repoint", (S, Y))]


def test_a_pair_the_survivor_already_has_is_dropped_not_doubled() -> None:
    actions = plan_pairs([pair(1, S, Y), pair(2, M, Y, probability=0.99)], {S, M}, S)
    assert [(a.action, a.pair_id.int) for a in actions] == [("drop", 102)]


def test_two_merged_records_paired_with_one_outsider_leave_one_pair() -> None:
    actions = plan_pairs(
        [pair(1, M, Y, probability=0.7), pair(2, N, Y, probability=0.95)], {S, M, N}, S
    )
    assert [(a.action, a.pair_id.int) for a in actions] == [("repoint", 102), ("drop", 101)]


def test_decided_pairs_stay_as_they_are() -> None:
    pairs = [pair(1, M, Y, status="dismissed"), pair(2, S, M, status="confirmed"), pair(3, Y, Z)]
    assert plan_pairs(pairs, {S, M}, S) == []
