"""A full scan, block by block: every record normalised once, every block read once (the
email and phone blocks twice on a base's first full scan, which counts what its duplicates
keep before it scores).

1. Views: the active records are read in id order and each scoring process builds the view
   of every one of them, kept for the whole scan (about 1 KB a record and process).
2. Blocks: the shared blocking keys are streamed in key order from one cursor; each block
   within its kind's cap gives its pairs not met in an earlier block (`BlockPairs`); the
   pairs of a page of rows are scored in the processes while the next page is read, then
   stored with the checkpoint (how many rows are done) in one transaction. On a base's
   first full scan, a pass that only counts comes first (`full_scan`).

A killed worker resumes after the last page stored: views are built again, and the blocks
already scored are replayed without scoring, so that their pairs are not scored twice.
The checkpoint holds counts only, never a key (keys are personal data). Among them, the
levels counted in the settled pairs (`scan_scoring.ViewTable`), which the scan stores when
it ends (`level_counts`).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import uuid
from collections import Counter, deque
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from app.dedup import engine, level_counts
from app.dedup import service as dedup
from app.dedup.engine import estimate
from app.dedup.level_counts import Levels
from app.dedup.pairs_repository import PairRepository, ScanRepository, pair_row
from app.dedup.scan_blocks import BlockPairs, BlockReader
from app.dedup.scan_scoring import (
    Scored,
    ViewTable,
    start_table,
    table_add,
    table_reweigh,
    table_score,
)
from app.jobs import JobContext
from app.quality import record_service as record_quality

RECORDS = 5_000  # records read and sent to the scoring processes at a time
PAGE = 50_000  # key rows a unit of work covers
IN_FLIGHT = 2  # pages scored ahead of the one being stored
# From this many records a scan scores in worker processes, one per core; below it,
# starting them would cost more than it saves.
PARALLEL_FROM = 20_000


@dataclass
class FullScan:
    """What a full scan has done so far: its checkpoint, and its share of the report."""

    rows: int = 0  # key rows whose pairs are stored
    stored: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    pairs: Counter[str] = field(default_factory=Counter)  # pairs produced, by key kind
    capped: Counter[str] = field(default_factory=Counter)  # blocks over their cap, by kind
    # levels of the fields a base may set, in the settled pairs, by (field, level)
    levels: Counter[tuple[str, str]] = field(default_factory=Counter)
    weighed_with: Levels | None = None  # the level counts the pairs are weighed with

    @classmethod
    def resumed(cls, checkpoint: Mapping[str, Any]) -> FullScan:
        if checkpoint.get("mode") != "blocks":  # none, or a record-major scan's
            return cls()
        return cls(
            int(checkpoint["rows"]),
            int(checkpoint["stored"]),
            Counter(checkpoint["verdicts"]),
            Counter(checkpoint["pairs"]),
            Counter(checkpoint["capped"]),
            level_counts.from_rows(checkpoint.get("levels", ())),
            level_counts.levels_of(level_counts.from_rows(checkpoint["weighed_with"]))
            if "weighed_with" in checkpoint
            else None,
        )

    def as_checkpoint(self) -> dict[str, Any]:
        return {
            "mode": "blocks",
            "rows": self.rows,
            "stored": self.stored,
            "verdicts": dict(self.verdicts),
            "pairs": dict(self.pairs),
            "capped": dict(self.capped),
            "levels": level_counts.as_rows(level_counts.levels_of(self.levels)),
            **({"weighed_with": level_counts.as_rows(self.weighed_with)}
               if self.weighed_with is not None else {}),
        }  # fmt: skip


async def full_scan(
    ctx: JobContext,
    entity: str,
    base: int,
    counts: Mapping[str, int],
    levels: Levels,
    records: int,
) -> tuple[FullScan, int]:
    """Scores every candidate pair of the base once, weighed with `levels` (the last full
    scan's); returns the totals, with this scan's level counts, and the records.

    A base's first full scan (no level counts stored, fields its base may set) first counts
    them under the judgement, storing nothing, over the blocks that hold the settled pairs
    (`estimate.SETTLED_AMONG`), then scores with them, so that the first scan already weighs
    as later ones do. A resumed scan weighs as its first attempt did (the checkpoint keeps
    the counts used)."""
    state = FullScan.resumed(ctx.checkpoint or {})
    weigh_with = levels if state.weighed_with is None else state.weighed_with
    count_first = state.rows == 0 and not levels and bool(estimate.ESTIMATED.get(entity))
    with _scorers(entity, base, counts, weigh_with, records) as scorers:
        ids = await _load_views(ctx, scorers, entity, records)
        index = {record_id: position for position, record_id in enumerate(ids)}
        if count_first:
            weigh_with = await _count_levels(ctx, scorers, entity, index)
            await scorers.reweigh(weigh_with)
        state.weighed_with = weigh_with
        await _score_blocks(ctx, scorers, entity, ids, index, state)
    return state, len(ids)


async def _load_views(
    ctx: JobContext, scorers: _Scorers, entity: str, records: int
) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    waiting: deque[asyncio.Future[Any]] = deque()
    await ctx.report(0, records, message="dedup.scan.normalising")
    names = dedup.RECORD_FIELDS[entity]
    async with ctx.sessionmaker() as session:  # one read-only snapshot of the records
        reads = ScanRepository(session)
        while rows := await reads.rows_after(
            dedup.MODELS[entity], names, ids[-1] if ids else None, RECORDS
        ):
            fields = await dedup.canonical_fields(
                session, entity, [dict(zip(names, r[2:], strict=True)) for r in rows]
            )
            waiting.extend(scorers.add(len(ids), fields))
            ids.extend(r.id for r in rows)
            while len(waiting) > 2 * scorers.processes:
                await waiting.popleft()
            await ctx.report(len(ids), max(records, len(ids)), message="dedup.scan.normalising")
            ctx.stop_point()
    for done in waiting:
        await done
    return ids


async def _score_blocks(
    ctx: JobContext,
    scorers: _Scorers,
    entity: str,
    ids: list[uuid.UUID],
    index: Mapping[uuid.UUID, int],
    state: FullScan,
) -> None:
    # counted from where the checkpoint left them: replayed blocks are not counted again
    pairs = BlockPairs(len(ids), engine.keys.BLOCK_CAPS[entity], state.pairs.copy(),
                       state.capped.copy())  # fmt: skip
    in_flight: deque[tuple[FullScan, list[asyncio.Future[Scored]]]] = deque()
    total = await _block_rows_total(ctx, entity)
    await ctx.report(state.rows, max(total, state.rows), message="dedup.scan.comparing")
    async for rows_seen, left, right in _pages(ctx, entity, index, pairs, state.rows):
        done = FullScan(rows_seen, pairs=pairs.pairs_by_kind.copy(),
                        capped=pairs.capped_by_kind.copy())  # fmt: skip
        in_flight.append((done, scorers.score(left, right)))
        while len(in_flight) > IN_FLIGHT:
            await _store(ctx, entity, ids, state, *in_flight.popleft(), total)
    while in_flight:
        await _store(ctx, entity, ids, state, *in_flight.popleft(), total)


async def _count_levels(
    ctx: JobContext, scorers: _Scorers, entity: str, index: Mapping[uuid.UUID, int]
) -> Levels:
    """The levels of the fields a base may set in the pairs the other fields settle,
    weighed with the judgement, over the pairs of the blocks that hold them
    (`estimate.SETTLED_AMONG`); nothing stored."""
    pairs = BlockPairs(len(index), engine.keys.BLOCK_CAPS[entity])
    counted: Counter[tuple[str, str]] = Counter()
    waiting: deque[list[asyncio.Future[Scored]]] = deque()
    kinds = estimate.SETTLED_AMONG[entity]
    total = await _block_rows_total(ctx, entity, kinds)
    await ctx.report(0, total, message="dedup.scan.counting")
    async for rows_seen, left, right in _pages(ctx, entity, index, pairs, 0, kinds):
        waiting.append(scorers.score(left, right))
        while len(waiting) > IN_FLIGHT:
            for _, settled in await asyncio.gather(*waiting.popleft()):
                counted.update(settled)
            await ctx.report(rows_seen, max(total, rows_seen), message="dedup.scan.counting")
            ctx.stop_point()
    for scoring in waiting:
        for _, settled in await asyncio.gather(*scoring):
            counted.update(settled)
    return level_counts.levels_of(counted)


async def _block_rows_total(ctx: JobContext, entity: str, kinds: Sequence[str] = ()) -> int:
    prefixes = tuple(kinds or engine.keys.BLOCKING_PREFIXES[entity])
    async with ctx.sessionmaker() as session:
        return await ScanRepository(session).block_rows_total(entity, prefixes)


async def _pages(
    ctx: JobContext,
    entity: str,
    index: Mapping[uuid.UUID, int],
    pairs: BlockPairs,
    skip: int,
    kinds: Sequence[str] = (),
) -> AsyncIterator[tuple[int, list[Any], list[Any]]]:
    """The blocks (of the `kinds` of key given, or all) in key order, a page at a time: the
    key rows read so far, and the page's pairs not met in an earlier block (as position
    arrays). The blocks in the first `skip` rows are replayed, their pairs marked as met,
    and no page of theirs is given. `index`: each record's position in the scan."""
    reader = BlockReader()
    rows_seen = 0

    def paired(blocks: Sequence[tuple[str, list[Any]]]) -> tuple[list[Any], list[Any]]:
        nonlocal rows_seen
        left, right = [], []
        for key, rows in blocks:
            members = [p for r in rows if (p := index.get(r[1])) is not None]
            emit = rows_seen >= skip
            rows_seen += len(rows)
            new_left, new_right = pairs.add(key, rows[0][2], members, emit=emit)
            left.append(new_left)
            right.append(new_right)
        return left, right

    async with ctx.sessionmaker() as session:
        async for page in ScanRepository(session).block_rows(entity, PAGE, kinds):
            left, right = paired(reader.page(page))
            if rows_seen > skip:
                yield rows_seen, left, right
        left, right = paired(reader.last())
        if rows_seen > skip:
            yield rows_seen, left, right


async def _store(
    ctx: JobContext,
    entity: str,
    ids: list[uuid.UUID],
    state: FullScan,
    done: FullScan,
    scoring: list[asyncio.Future[Scored]],
    total: int,
) -> None:
    parts = await asyncio.gather(*scoring)
    found = [pair for part, _ in parts for pair in part]
    async with ctx.unit() as session:
        stored = await PairRepository(session).upsert(
            [pair_row(entity, ids[i], ids[j], result, ctx.job_id) for i, j, result in found]
        )
        await record_quality.rescore_uniqueness(
            session, entity, {ids[k] for i, j, _ in found for k in (i, j)}
        )
        state.rows, state.stored = done.rows, state.stored + stored
        state.verdicts.update(result.verdict.value for _, _, result in found)
        state.pairs, state.capped = done.pairs, done.capped
        for _, settled in parts:
            state.levels.update(settled)
        await ctx.save_checkpoint(state.as_checkpoint(), session=session)
    await ctx.report(done.rows, max(total, done.rows), message="dedup.scan.comparing")
    ctx.stop_point()


class _Scorers:
    """Where a full scan's views live and its pairs are scored: in every worker process
    (each holds all the views), or in this process for a small base."""

    def __init__(
        self, entity: str, base: int, counts: Mapping[str, int], levels: Levels, parallel: bool
    ):
        self._pools: list[ProcessPoolExecutor] = []
        self._here: ViewTable | None = None
        if not parallel:
            self._here = ViewTable(entity, base, counts, levels)
            return
        # spawn, not fork: a fork of this process would share its event loop and connections
        context = multiprocessing.get_context("spawn")
        self._pools = [
            ProcessPoolExecutor(1, context, initializer=start_table,
                                initargs=(entity, base, counts, levels))
            for _ in range(os.cpu_count() or 1)
        ]  # fmt: skip

    @property
    def processes(self) -> int:
        return max(len(self._pools), 1)

    def add(self, start: int, records: Sequence[Mapping[str, object]]) -> list[asyncio.Future[Any]]:
        if self._here is not None:
            return [_done(self._here.add(start, records))]
        loop = asyncio.get_running_loop()
        return [loop.run_in_executor(pool, table_add, start, records) for pool in self._pools]

    async def reweigh(self, levels: Levels) -> None:
        if self._here is not None:
            self._here.reweigh(levels)
            return
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(pool, table_reweigh, levels) for pool in self._pools)
        )

    def score(self, left: list[Any], right: list[Any]) -> list[asyncio.Future[Scored]]:
        lefts = b"".join(part.tobytes() for part in left)
        rights = b"".join(part.tobytes() for part in right)
        if not lefts:
            return [_done(([], {}))]
        if self._here is not None:
            return [_done(self._here.score(lefts, rights))]
        loop = asyncio.get_running_loop()
        width = 4 * -(-len(lefts) // 4 // len(self._pools))  # int32 positions per process
        return [
            loop.run_in_executor(pool, table_score, lefts[at : at + width], rights[at : at + width])
            for pool, at in zip(self._pools, range(0, len(lefts), width), strict=False)
        ]

    def close(self) -> None:
        for pool in self._pools:
            pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def _scorers(
    entity: str, base: int, counts: Mapping[str, int], levels: Levels, records: int
) -> Iterator[_Scorers]:
    scorers = _Scorers(entity, base, counts, levels, parallel=records >= PARALLEL_FROM)
    try:
        yield scorers
    finally:
        scorers.close()


def _done(value: Any) -> asyncio.Future[Any]:
    done = asyncio.get_running_loop().create_future()
    done.set_result(value)
    return done
