"""The accuracy benchmark's engine work, stage by stage, spread over forked processes.

DuckDB runs Splink on every core; this runs our engine on every core too, with no pair and
no view crossing a process boundary more than once:

1. `prepare`: records → views, term counts and blocking keys, a chunk of records at a
   time, each process taking the next chunk no one has taken; the other processes send
   each chunk's views and keys back pickled as soon as it is built, so that pickling and
   unpickling (about a third of the cost of building them) overlap the building still
   going on.
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
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app.dedup.engine import estimate
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
    # levels of the fields a base may set in the pairs the others settle (`engine.estimate`)
    settled: Counter[tuple[str, str]] = field(default_factory=Counter)

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
        self.settled.update(other.settled)


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


_CHUNK = 5_000  # records a process builds before sending their views back

# what forked processes inherit instead of being sent: set just before each stage forks
_inherited: tuple[Any, ...] = ()


@contextmanager
def uncollected() -> Iterator[None]:
    """The cyclic garbage collector off for the stages (and the processes they fork), back
    on after them.

    What the stages build (views, keys, blocks) lives to the end of the run and holds no
    reference cycle, and every pair's temporaries are freed by their reference counts: the
    collector would only walk the growing heap, again and again. At 100k companies, with
    it on, building the blocks took 3.2 s instead of 1.8 s.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _spread(
    work: Callable[[Any], Any], parts: Sequence[Any], processes: int, inherited: tuple[Any, ...]
) -> list[Any]:
    """`work` of each part, in the parts' order, done by this process and `processes` forked
    ones, which inherit `inherited`: each takes the next part no one has taken until none is
    left, so the faster does more. The others' results come back one part at a time, so
    sending them (pickled there, unpickled here by the pool's thread) overlaps the work
    still going on."""
    global _inherited, _sharing
    _inherited = inherited
    try:
        if processes < 1 or len(parts) < 2:
            return [work(part) for part in parts]
        context = multiprocessing.get_context("fork")
        _sharing = (work, parts, context.Value("i", 0))
        with context.Pool(processes) as pool:
            # as many tasks as parts, each taking one part if any is left
            theirs = pool.imap_unordered(_take_part, range(len(parts)))
            done = dict(iter(_take_part, None))
            done.update(part for part in theirs if part is not None)
        return [done[k] for k in range(len(parts))]
    finally:
        _inherited, _sharing = (), None


# how the processes share a stage's parts: the work, the parts, the next part to take
_sharing: tuple[Callable[[Any], Any], Sequence[Any], Any] | None = None


def _take_part(_: object = None) -> tuple[int, Any] | None:
    """The next part no process has taken, and its work; None once every part is taken."""
    assert _sharing is not None, "only within _spread"
    work, parts, taken = _sharing
    with taken.get_lock():
        k = taken.value
        taken.value = k + 1
    return None if k >= len(parts) else (k, work(parts[k]))


def prepare(
    records: Sequence[Mapping[str, object]],
    view_of: Callable,
    terms_of: Callable,
    keys_of: Callable,
    workers: int,
    chunk: int = _CHUNK,
) -> tuple[list[Any], list[frozenset[str]], TermFrequencies]:
    """Every record's view and blocking keys, and the term counts over all of them, built
    `chunk` records at a time by `workers` processes (this one included)."""
    chunks = [(start, min(start + chunk, len(records))) for start in range(0, len(records), chunk)]
    done = _spread(_prepare_chunk, chunks, workers - 1, (records, view_of, terms_of, keys_of))
    views: list[Any] = []
    keys: list[frozenset[str]] = []
    counts: Counter[str] = Counter()
    for more_views, more_keys, more_counts in done:
        views.extend(more_views)
        keys.extend(more_keys)
        counts.update(more_counts)
    return views, keys, TermFrequencies(counts, len(records))


def _prepare_chunk(bounds: tuple[int, int]) -> tuple[list[Any], list[frozenset[str]], Counter]:
    records, view_of, terms_of, keys_of = _inherited
    views = [view_of(records[k]) for k in range(*bounds)]
    keys = [keys_of(view) for view in views]
    counts: Counter[str] = Counter()
    for view in views:
        counts.update(terms_of(view))
    return views, keys, counts


def score_shares(
    blocks: Blocks, workers: int, scoring: tuple[Any, ...], truth_ids: Sequence[str]
) -> Tally:
    """Score every pair of `blocks` on `workers` processes (this one included)."""
    shares = max(workers, 1)
    parts = [(s, shares) for s in range(shares)]
    tally, *others = _spread(_score_share, parts, shares - 1, (blocks, scoring, truth_ids))
    for other in others:
        tally.merge(other)
    return tally


def _score_share(share: tuple[int, int]) -> Tally:
    blocks, (views, score, plain, model, frequencies, counted), truth_ids = _inherited
    tally = Tally()
    for i, j in blocks.pairs(*share):
        result = scored(views[i], views[j], score, plain, model, frequencies)
        tally.add(i, j, result.verdict, result.probability, truth_ids[i] == truth_ids[j])
        if counted and result is not SET_ASIDE:  # as a scan counts them, on every pair
            tally.settled.update(estimate.settled_levels(result.evidence, model, counted))
    return tally
