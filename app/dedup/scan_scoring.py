"""The CPU half of a scan: normalise records and score their pairs (no I/O).

It runs in worker processes on a big scan, so everything it takes and returns is plain,
picklable data. Building a record's view (phone parsing, name folding) costs several times
more than scoring a pair, so views are built once and kept: by a full scan in a
`ViewTable` (every record once, by its position in the scan's id order), by an incremental
scan in a per-process cache (a record comes back as a candidate of several batches).
"""

from __future__ import annotations

import gc
import uuid
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from app.dedup import engine
from app.dedup.blocking import Pair
from app.dedup.engine import estimate
from app.dedup.engine import terms as t
from app.dedup.level_counts import Levels
from app.dedup.service import ENGINES, ViewCache, model_for

VIEW_CACHE_SIZE = 200_000  # per process: about 350 MB of views

# A full scan's page, scored: the pairs kept (positions and result) and the level counts.
Scored = tuple[list[tuple[int, int, engine.MatchResult]], dict[tuple[str, str], int]]


@dataclass(frozen=True, slots=True)
class BatchWork:
    entity: str
    # id → (version, the matching fields, canonical name already substituted)
    records: Mapping[uuid.UUID, tuple[int, Mapping[str, object]]]
    pairs: list[Pair]
    base_size: int
    levels: Levels = ()  # the level counts of the last full scan (`level_counts`)


# The term-frequency terms of each entity, by prefix (blocking-only keys such as "ns:" or
# "wi:" are counted too, but only as block sizes): the counts a scan loads once.
TERM_PREFIXES = {
    "contact": (t.EMAIL, t.LOCAL_PART, t.PHONE, t.FIRST_NAME, t.LAST_NAME, t.COMPANY,
                t.EMAIL_DOMAIN, t.JOB_TITLE),
    "company": (t.SIREN, t.SIRET, t.DOMAIN, t.NAME, t.BASE, t.FINGERPRINT, t.ACRONYM,
                t.PHONE, t.POSTCODE, t.CITY),
}  # fmt: skip


_views = ViewCache(VIEW_CACHE_SIZE)
_counts: Mapping[str, int] = {}  # a worker process's copy, set once by `start_process`


def start_process(counts: Mapping[str, int]) -> None:
    """Initialiser of a scoring process: the term counts its batches are weighed with."""
    global _counts
    _counts = counts


def score_in_process(work: BatchWork) -> list[tuple[Pair, engine.MatchResult]]:
    return score_batch(work, _counts)


def score_batch(
    work: BatchWork, counts: Mapping[str, int]
) -> list[tuple[Pair, engine.MatchResult]]:
    """The pairs of the batch whose verdict is not `distinct`, with their results."""
    spec = ENGINES[work.entity]
    model = model_for(work.entity, work.base_size, work.levels)
    frequencies = engine.TermFrequencies(counts, work.base_size)
    views = {
        rid: _views.view_of(work.entity, rid, version, fields)
        for rid, (version, fields) in work.records.items()
    }
    found = []
    for left, right in work.pairs:
        if left in views and right in views:
            result = spec.unless_distinct(views[left], views[right], model, frequencies)
            if result is not None:
                found.append(((left, right), result))
    return found


class ViewTable:
    """A full scan's views, one per record, by position; pairs arrive as positions.

    While it scores, it counts the levels of the fields a base may set in the pairs the
    other fields settle (`engine.estimate`), over every pair weighed, whatever its verdict:
    counted only in the pairs kept, the estimate would feed on its own verdicts. They are
    counted under the model in use, so each full scan takes one step, much as an iteration
    of Splink's expectation-maximisation does."""

    def __init__(
        self, entity: str, base_size: int, counts: Mapping[str, int], levels: Levels = ()
    ) -> None:
        self.entity, self.base_size, self.spec = entity, base_size, ENGINES[entity]
        self.model = model_for(entity, base_size, levels)
        self.frequencies = engine.TermFrequencies(counts, base_size)
        self.estimated = frozenset(estimate.ESTIMATED.get(entity, ()))
        self.views: list[Any] = []

    def add(self, start: int, records: Sequence[Mapping[str, object]]) -> int:
        """Views of the records at positions `start`…, read in id order; returns how many
        the table holds."""
        if start != len(self.views):  # chunks come in order: anything else is a bug
            raise ValueError(f"views from {start} expected at {len(self.views)}")
        view = self.spec.view
        self.views.extend(view(fields) for fields in records)
        return len(self.views)

    def reweigh(self, levels: Levels) -> None:
        """Weigh the pairs scored from now on with these level counts."""
        self.model = model_for(self.entity, self.base_size, levels)

    def score(self, left: bytes, right: bytes) -> Scored:
        """The pairs (positions, as "i" arrays) whose verdict is not `distinct`, and the
        levels counted in the settled ones."""
        lefts, rights = array("i"), array("i")
        lefts.frombytes(left)
        rights.frombytes(right)
        views, model, frequencies = self.views, self.model, self.frequencies
        scored, estimated = self.spec.scored, self.estimated
        found = []
        settled: Counter[tuple[str, str]] = Counter()
        for i, j in zip(lefts, rights, strict=True):
            result = scored(views[i], views[j], model, frequencies)
            if result is None:
                continue
            if estimated:
                settled.update(estimate.settled_levels(result.evidence, model, estimated))
            if result.verdict is not engine.Verdict.DISTINCT:
                found.append((i, j, result))
        return found, dict(settled)


_table: ViewTable | None = None  # a full scan's scoring process: its copy of every view


def start_table(
    entity: str, base_size: int, counts: Mapping[str, int], levels: Levels = ()
) -> None:
    """Initialiser of a full scan's scoring process."""
    global _table
    _table = ViewTable(entity, base_size, counts, levels)


def table_add(start: int, records: Sequence[Mapping[str, object]]) -> int:
    assert _table is not None, "start_table first"
    held = _table.add(start, records)
    # The views live as long as this process: frozen out of the collector's sight, they
    # are not walked by every full collection while pairs are scored (at 1M, normalising
    # fell from 147 to 95 s and comparing from 254 to 211 s). Only here, in a scoring
    # process: frozen in the serving process (a small scan's table), a request's cyclic
    # garbage of the moment would never be collected.
    gc.freeze()
    return held


def table_reweigh(levels: Levels) -> None:
    assert _table is not None, "start_table first"
    _table.reweigh(levels)


def table_score(left: bytes, right: bytes) -> Scored:
    assert _table is not None, "start_table first"
    return _table.score(left, right)
