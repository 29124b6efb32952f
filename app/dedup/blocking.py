"""Which pairs a batch of records must be compared in, and what each key contributed (pure)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from app.dedup.engine.keys import block_cap

Pair = tuple[uuid.UUID, uuid.UUID]


def prefix_of(key: str) -> str:
    return key[: key.find(":") + 1] or key


@dataclass
class BlockingStats:
    """Per key prefix: pairs produced, and keys skipped because their block was too big."""

    pairs: Counter[str] = field(default_factory=Counter)
    capped: Counter[str] = field(default_factory=Counter)

    def merge(self, other: BlockingStats) -> None:
        self.pairs.update(other.pairs)
        self.capped.update(other.capped)

    def as_rows(self) -> list[dict[str, object]]:
        """One row per key kind ("email", "name"…), as the scan's report shows them."""
        prefixes = sorted(set(self.pairs) | set(self.capped))
        return [
            {"key": p.rstrip(":"), "pairs": self.pairs[p], "capped_keys": self.capped[p]}
            for p in prefixes
        ]


def usable_keys(
    keys: Iterable[str], sizes: Mapping[str, int], caps: Mapping[str, int], stats: BlockingStats
) -> set[str]:
    """Keys shared by at least two records and not over their kind's cap (`caps`, one of
    `BLOCK_CAPS`; counted once per key)."""
    usable = set()
    for key in set(keys):
        size = sizes.get(key, 1)
        if size < 2:
            continue
        if size > block_cap(key, caps):
            stats.capped[prefix_of(key)] += 1
            continue
        usable.add(key)
    return usable


def candidate_pairs(
    keys_by_record: Mapping[uuid.UUID, Iterable[str]],
    members_by_key: Mapping[str, Iterable[uuid.UUID]],
    *,
    only_later: bool,
    stats: BlockingStats,
) -> set[Pair]:
    """Pairs (smaller id, larger id) sharing a usable key with a record of the batch.

    `only_later` (a full scan in id order): a record is paired only with larger ids, so each
    pair is produced by exactly one batch; otherwise (an incremental scan) with anyone.
    """
    pairs: set[Pair] = set()
    for record, keys in keys_by_record.items():
        for key in keys:
            for other in members_by_key.get(key, ()):
                if other == record or (only_later and other < record):
                    continue
                pair = (record, other) if record < other else (other, record)
                if pair not in pairs:
                    pairs.add(pair)
                    stats.pairs[prefix_of(key)] += 1
    return pairs
