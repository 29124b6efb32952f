"""What a merge does to the review queue (pure).

Pairs among the merged records are settled by the merge itself. An open pair between a
merged record and an outsider still says something about the survivor, so it moves to the
survivor, unless the survivor already has a pair with that outsider (then it is dropped,
the better-scored one being kept). Decided pairs stay as they were: they are labelled
examples, and a dismissal must keep holding.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol


class PairLike(Protocol):
    id: uuid.UUID
    left_id: uuid.UUID
    right_id: uuid.UUID
    status: str
    probability: float


@dataclass(frozen=True, slots=True)
class PairAction:
    pair_id: uuid.UUID
    action: Literal["close", "repoint", "drop"]
    target: tuple[uuid.UUID, uuid.UUID] | None = None  # (left, right) for a repoint


def plan_pairs(
    pairs: Sequence[PairLike], group: Collection[uuid.UUID], survivor: uuid.UUID
) -> list[PairAction]:
    members = set(group)
    taken = {(p.left_id, p.right_id) for p in pairs}
    actions: list[PairAction] = []
    for pair in sorted(pairs, key=lambda p: (-p.probability, str(p.id))):
        if pair.status != "open":
            continue
        ends = (pair.left_id, pair.right_id)
        inside = [end in members for end in ends]
        if all(inside):
            actions.append(PairAction(pair.id, "close"))
            continue
        if survivor in ends or not any(inside):
            continue
        outsider = ends[1] if inside[0] else ends[0]
        left, right = sorted((survivor, outsider))
        if (left, right) in taken:
            actions.append(PairAction(pair.id, "drop"))
        else:
            taken.add((left, right))
            actions.append(PairAction(pair.id, "repoint", (left, right)))
    return actions
