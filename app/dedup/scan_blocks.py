"""The pairs of a full scan, block by block (pure, no I/O).

A full scan reads the blocking keys of the whole base once, in key order, and takes each
block as it comes: every pair of its members is a candidate, unless the two already met in
an earlier block (each pair is scored once, under the first key the two share). Records
are known by their position in the scan's id list, so a block is a list of small ints and a
batch of pairs is two int arrays, cheap to hand to the scoring processes.

Memory: one short list of block numbers per record (the usable blocks it was seen in), so
about 4 ints a record; pairs are never gathered in a set.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.dedup.blocking import prefix_of
from app.dedup.engine.keys import block_cap

PairBatch = tuple[array, array]  # left positions, right positions ("i" arrays)


@dataclass
class BlockPairs:
    """Turns a stream of blocks, in key order, into each candidate pair once."""

    records: int
    caps: Mapping[str, int]
    pairs_by_kind: Counter[str] = field(default_factory=Counter)
    capped_by_kind: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._seen: list[list[int] | None] = [None] * self.records
        self._blocks = 0

    def add(self, key: str, size: int, members: Sequence[int], *, emit: bool = True) -> PairBatch:
        """The new pairs of one block: `size` counts every stored member, `members` the
        positions of those the scan knows (a record written since it started has none).

        `emit=False` only remembers the block (a resumed scan replaying the blocks it had
        already scored, so that pairs met there are not scored again).
        """
        left, right = array("i"), array("i")
        if size < 2 or len(members) < 2:
            return left, right
        if size > block_cap(key, self.caps):
            if emit:
                self.capped_by_kind[prefix_of(key)] += 1
            return left, right
        block = self._blocks
        self._blocks += 1
        seen = self._seen
        if emit:
            earlier = [seen[m] for m in members]
            for x, first in enumerate(members):
                met = set(earlier[x] or ())
                for y in range(x + 1, len(members)):
                    other = earlier[y]
                    if met and other and not met.isdisjoint(other):
                        continue  # scored under an earlier key
                    left.append(first)
                    right.append(members[y])
            if left:
                self.pairs_by_kind[prefix_of(key)] += len(left)
        for m in members:
            known = seen[m]
            if known is None:
                seen[m] = [block]
            else:
                known.append(block)
        return left, right


Row = Sequence[Any]  # (key, …): a row whose first column is its blocking key


def blocks_of(rows: Iterable[Row]) -> Iterator[tuple[str, list[Row]]]:
    """(key, its rows) for rows sorted by key, every block of the rows given."""
    key: str | None = None
    members: list[Row] = []
    for row in rows:
        if row[0] != key:
            if key is not None:
                yield key, members
            key, members = row[0], []
        members.append(row)
    if key is not None:
        yield key, members


@dataclass
class BlockReader:
    """Cuts pages of rows sorted by key into whole blocks: the block that may run past the
    end of a page is held back and completed by the next page (or `last`)."""

    _pending: list[Row] = field(default_factory=list)

    def page(self, rows: Sequence[Row]) -> list[tuple[str, list[Row]]]:
        blocks = list(blocks_of([*self._pending, *rows]))
        self._pending = blocks.pop()[1] if blocks else []
        return blocks

    def last(self) -> list[tuple[str, list[Row]]]:
        """The block held back, once the rows are exhausted."""
        done, self._pending = self._pending, []
        return [(done[0][0], done)] if done else []
