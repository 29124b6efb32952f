"""The accuracy benchmark's engine work, stage by stage, spread over forked processes.

DuckDB runs Splink on every core; this runs our engine on every core too, with no pair and
no view crossing a process boundary more than once:

1. `prepare`: records → views, term counts and blocking keys, one slice of the records per
   process (this one takes the first); the other slices' views and keys come back pickled,
   which costs about a quarter of building them.
2. `Blocks`: the records sharing each usable key (one within its kind's cap), built here.
3. `score_shares`: the usable keys dealt round-robin to the processes; each enumerates the
   pairs of its keys (a pair only under the smallest key its two records share, so once
   overall) and scores them, and sends back a `Tally` (counts and the `duplicate` links)
   instead of the pairs.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.dedup.engine import keys as blocking
from app.dedup.engine.result import Verdict
from app.dedup.engine.terms import TermFrequencies


@dataclass
class Counts:
    predicted: int = 0
    correct: int = 0

    def row(self, truth: int) -> tuple[float, float, float]:
        p = self.correct / self.predicted if self.predicted else 1.0
        r = self.correct / truth if truth else 1.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Tally:
    """What scoring a share of the pairs found, counted against the truth."""

    compared: int = 0
    true_compared: int = 0
    loose: Counts = field(default_factory=Counts)  # `duplicate` + `possible`
    strict: Counts = field(default_factory=Counts)  # `duplicate`
    links: list[tuple[int, int, float]] = field(default_factory=list)  # `duplicate` pairs

    def add(self, i: int, j: int, verdict: Verdict, probability: float, same: bool) -> None:
        self.compared += 1
        self.true_compared += same
        if verdict is Verdict.DUPLICATE or verdict is Verdict.POSSIBLE:
            self.loose.predicted += 1
            self.loose.correct += same
        if verdict is Verdict.DUPLICATE:
            self.strict.predicted += 1
            self.strict.correct += same
            self.links.append((i, j, probability))

    def merge(self, other: Tally) -> None:
        self.compared += other.compared
        self.true_compared += other.true_compared
        for mine, theirs in ((self.loose, other.loose), (self.strict, other.strict)):
            mine.predicted += theirs.predicted
            mine.correct += theirs.correct
        self.links.extend(other.links)


@dataclass(frozen=True, slots=True)
class SetAside:
    """A pair the screen proved `distinct`: its probability is only known to be below
    `possible`."""

    verdict: Verdict = Verdict.DISTINCT
    probability: float = 0.0


SET_ASIDE = SetAside()


def scored(left: Any, right: Any, score: Callable, plain: Callable, model: Any, frequencies: Any):
    """A pair's result, as a scan gets it: not weighed in full when the screen sets it aside."""
    if plain(left, right, model, frequencies):
        return SET_ASIDE
    return score(left, right, model, frequencies)


@dataclass(frozen=True, slots=True)
class Blocks:
    keys: list[str]  # the usable keys, sorted
    members: Mapping[str, list[int]]  # records by key, in record order
    kept: list[frozenset[str]]  # each record's usable keys

    @classmethod
    def of(cls, record_keys: Sequence[frozenset[str]], caps: Mapping[str, int]) -> Blocks:
        members: dict[str, list[int]] = defaultdict(list)
        for i, ks in enumerate(record_keys):
            for k in ks:
                members[k].append(i)
        usable = {k for k, m in members.items() if 1 < len(m) <= blocking.block_cap(k, caps)}
        return cls(sorted(usable), members, [ks & usable for ks in record_keys])

    def pairs(self, share: int = 0, shares: int = 1) -> Iterator[tuple[int, int]]:
        """Each pair sharing a usable key once, under the smallest key the two share; with
        `shares`, only the pairs of every `shares`-th key from the `share`-th."""
        kept = self.kept
        for key in self.keys[share::shares]:
            members = self.members[key]
            for x, i in enumerate(members):
                ki = kept[i]
                for j in members[x + 1 :]:
                    if min(ki & kept[j]) == key:
                        yield i, j


_CHUNK = 5_000  # records between two freezes of what was built

# what forked processes inherit instead of being sent: set just before each stage forks
_inherited: tuple[Any, ...] = ()


def _spread(work: Callable[[Any], Any], parts: Sequence[Any], inherited: tuple[Any, ...]):
    """`work` of each part, the first done here and the others on forked processes that
    inherit `inherited`; the results in the parts' order."""
    global _inherited
    _inherited = inherited
    try:
        if len(parts) < 2:
            return [work(part) for part in parts]
        with multiprocessing.get_context("fork").Pool(len(parts) - 1) as pool:
            later = pool.map_async(work, parts[1:])
            first = work(parts[0])
            return [first, *later.get()]
    finally:
        _inherited = ()


def prepare(
    records: Sequence[Mapping[str, object]],
    view_of: Callable,
    terms_of: Callable,
    keys_of: Callable,
    workers: int,
) -> tuple[list[Any], list[frozenset[str]], TermFrequencies]:
    """Every record's view and blocking keys, and the term counts over all of them."""
    step = max(-(-len(records) // max(workers, 1)), 1)
    slices = [(start, min(start + step, len(records))) for start in range(0, len(records), step)]
    done = _spread(_prepare_slice, slices or [(0, 0)], (records, view_of, terms_of, keys_of))
    views, keys, counts = done[0]
    for more_views, more_keys, more_counts in done[1:]:
        views.extend(more_views)
        keys.extend(more_keys)
        counts.update(more_counts)
    return views, keys, TermFrequencies(counts, len(records))


def _prepare_slice(bounds: tuple[int, int]) -> tuple[list[Any], list[frozenset[str]], Counter]:
    records, view_of, terms_of, keys_of = _inherited
    views: list[Any] = []
    keys: list[frozenset[str]] = []
    counts: Counter[str] = Counter()
    for start in range(bounds[0], bounds[1], _CHUNK):
        for k in range(start, min(start + _CHUNK, bounds[1])):
            view = view_of(records[k])
            views.append(view)
            keys.append(keys_of(view))
            counts.update(terms_of(view))
        gc.freeze()  # as a scan does chunk by chunk: the collector never walks them again
    return views, keys, counts


def score_shares(
    blocks: Blocks, workers: int, scoring: tuple[Any, ...], truth_ids: Sequence[str]
) -> Tally:
    """Score every pair of `blocks` on `workers` processes (this one included)."""
    shares = max(workers, 1)
    tally, *others = _spread(
        _score_share, [(s, shares) for s in range(shares)], (blocks, scoring, truth_ids)
    )
    for other in others:
        tally.merge(other)
    return tally


def _score_share(share: tuple[int, int]) -> Tally:
    blocks, (views, score, plain, model, frequencies), truth_ids = _inherited
    tally = Tally()
    for i, j in blocks.pairs(*share):
        result = scored(views[i], views[j], score, plain, model, frequencies)
        tally.add(i, j, result.verdict, result.probability, truth_ids[i] == truth_ids[j])
    return tally
