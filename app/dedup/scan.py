"""The batch scan job: the whole base (or what changed since) against itself.

A full scan goes block by block (see `scan_full`). An incremental scan (`since`) goes
record by record, in batches: read the batch's keys, drop the over-sized blocks, read the
members of the others, score every new pair once, store the ones worth a look, and save
the last id as the checkpoint, all in one transaction; a killed worker resumes after it.
Both weigh the fields a base may set with the level counts of the last full scan; a full
scan counts them again as it goes and stores them, with the clusters, when it ends.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import uuid
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from app import jobs
from app.dedup import engine, level_counts
from app.dedup import service as dedup
from app.dedup.blocking import BlockingStats, candidate_pairs, usable_keys
from app.dedup.pairs_repository import (
    ClusterRepository,
    PairRepository,
    ScanRepository,
    pair_row,
)
from app.dedup.scan_full import PARALLEL_FROM, full_scan
from app.dedup.scan_scoring import (
    TERM_PREFIXES,
    BatchWork,
    score_batch,
    score_in_process,
    start_process,
)
from app.jobs import JobContext
from app.quality import record_service as record_quality
from app.webhooks import outbox

BATCH = 500
KIND = "dedup.scan"
IN_FLIGHT = 3  # batches read ahead of the one being stored


@jobs.register(KIND)
async def scan(ctx: JobContext) -> dict[str, Any]:
    entity = ctx.params["entity"]
    since = datetime.fromisoformat(ctx.params["since"]) if ctx.params.get("since") else None
    if not ctx.checkpoint:  # a fresh run recounts how common every value is first
        async with ctx.unit() as session:
            await dedup.refresh_terms(session, entity)
    async with ctx.unit() as session:
        base = await dedup.MatchKeyRepository(session).base_size(entity) or 2
        total = await ScanRepository(session).count(dedup.MODELS[entity], since)
        counts = await ScanRepository(session).term_counts(entity, TERM_PREFIXES[entity])
        levels = (await level_counts.read(session, entity)).levels
    base = max(base, dedup.MIN_BASE_SIZE)
    found_levels: level_counts.Levels = ()
    weighed_with = levels
    if since is None:
        done, records = await full_scan(ctx, entity, base, counts, levels, total)
        totals: Mapping[str, int] = {"records": records, "stored": done.stored, **done.verdicts}
        stats = BlockingStats(done.pairs, done.capped)
        found_levels = level_counts.levels_of(done.levels)
        weighed_with = done.weighed_with or ()
    else:
        totals, stats = await _incremental(ctx, entity, since, base, counts, levels, total)
    clustered = 0
    if since is None:
        await ctx.report(totals["records"], totals["records"], message="dedup.scan.clustering")
    result = {
        "entity": entity,
        "records": totals["records"],
        "pairs_stored": totals["stored"],
        "by_verdict": {
            v.value: totals.get(v.value, 0)
            for v in engine.Verdict
            if v is not engine.Verdict.DISTINCT
        },
    }
    async with ctx.unit() as session:
        if since is None:  # clusters describe the whole base: only a full scan rebuilds them
            repo = ClusterRepository(session)
            groups = engine.clusters(await repo.confident_links(entity))
            await repo.replace(entity, groups, ctx.job_id)
            clustered = len(groups)
            # a full scan saw every pair: what it counted is what the base says now
            await level_counts.replace(session, entity, found_levels, ctx.job_id)
        await outbox.enqueue(
            session,
            "scan.completed",
            {**result, "job_id": str(ctx.job_id), "incremental": since is not None,
             "clusters": clustered},
            entity=entity,
        )  # fmt: skip
    return {"clusters": clustered, **result, "keys": stats.as_rows(),
            "settled_levels": level_counts.as_rows(found_levels),
            "weighed_with": level_counts.as_rows(weighed_with)}  # fmt: skip


async def _incremental(
    ctx: JobContext,
    entity: str,
    since: datetime,
    base: int,
    counts: Mapping[str, int],
    levels: level_counts.Levels,
    total: int,
) -> tuple[Mapping[str, int], BlockingStats]:
    """The records changed since `since` against the whole base, batch by batch."""
    model_table = dedup.MODELS[entity]
    checkpoint = ctx.checkpoint or {}
    after = uuid.UUID(checkpoint["after"]) if checkpoint.get("after") else None
    totals: Counter[str] = Counter(checkpoint.get("totals", {}))
    stats = BlockingStats()
    await ctx.report(totals["records"], total, message="dedup.scan.comparing")
    read_after = after
    in_flight: deque[tuple[list[uuid.UUID], BlockingStats, asyncio.Future[Any]]] = deque()
    with _scorer(total - totals["records"], counts) as score:
        while True:
            ids: list[uuid.UUID] = []
            if len(in_flight) < IN_FLIGHT:
                async with ctx.unit() as session:
                    reads = ScanRepository(session)
                    ids = await reads.ids_after(model_table, read_after, BATCH, since)
                    if ids:
                        batch_stats = BlockingStats()
                        work = await _read_batch(reads, entity, base, levels, ids,
                                                 batch_stats)  # fmt: skip
                        in_flight.append((ids, batch_stats, score(work)))
                        read_after = ids[-1]
            if not in_flight:
                break
            if ids and len(in_flight) < IN_FLIGHT:
                continue
            # Stored in the order read, so the checkpoint only ever moves forward.
            done_ids, batch_stats, scoring = in_flight.popleft()
            found = await scoring
            async with ctx.unit() as session:
                stored = await PairRepository(session).upsert(
                    [pair_row(entity, *pair, result, ctx.job_id) for pair, result in found]
                )
                await record_quality.rescore_uniqueness(
                    session, entity, {rid for pair, _ in found for rid in pair}
                )
                totals["records"] += len(done_ids)
                totals["stored"] += stored
                for _, result in found:
                    totals[result.verdict.value] += 1
                stats.merge(batch_stats)
                await ctx.save_checkpoint(
                    {"after": str(done_ids[-1]), "totals": dict(totals)}, session=session
                )
            await ctx.report(totals["records"], total, message="dedup.scan.comparing")
            ctx.stop_point()
    return totals, stats


@contextmanager
def _scorer(
    records: int, counts: Mapping[str, int]
) -> Iterator[Callable[[BatchWork], asyncio.Future[Any]]]:
    """Scores a batch in worker processes on a big scan, in this process otherwise."""
    loop = asyncio.get_running_loop()
    if records < PARALLEL_FROM:

        def here(work: BatchWork) -> asyncio.Future[Any]:
            done = loop.create_future()
            done.set_result(score_batch(work, counts))
            return done

        yield here
        return
    # spawn, not fork: a fork of this process would share its event loop and connections
    pool = ProcessPoolExecutor(
        max_workers=os.cpu_count() or 1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_process,
        initargs=(counts,),
    )
    try:
        yield lambda work: loop.run_in_executor(pool, score_in_process, work)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


async def _read_batch(
    reads: ScanRepository,
    entity: str,
    base: int,
    levels: level_counts.Levels,
    ids: list[uuid.UUID],
    stats: BlockingStats,
) -> BatchWork:
    """The batch's candidate pairs and everything needed to score them."""
    keys_by_record: dict[uuid.UUID, list[str]] = defaultdict(list)
    rows = await reads.keys_of(entity, ids)
    sizes = await reads.sizes(entity, {key for _, key in rows})
    caps = engine.keys.BLOCK_CAPS[entity]
    usable = usable_keys((key for _, key in rows), sizes, caps, stats)
    for record_id, key in rows:
        if key in usable:
            keys_by_record[record_id].append(key)
    members: dict[str, list[uuid.UUID]] = defaultdict(list)
    if usable:
        for key, record_id in await reads.members(entity, usable):
            members[key].append(record_id)
    pairs = candidate_pairs(keys_by_record, members, only_later=False, stats=stats)
    involved = {record for pair in pairs for record in pair}
    if not involved:
        return BatchWork(entity, {}, [], base, levels)
    records = await dedup.MatchKeyRepository(reads.session).matching_rows(
        dedup.MODELS[entity], involved, dedup.RECORD_FIELDS[entity]
    )
    fields = await dedup.canonical_fields(
        reads.session, entity, [dedup.fields_of(entity, r) for r in records]
    )
    return BatchWork(
        entity,
        {r.id: (r.version, f) for r, f in zip(records, fields, strict=True)},
        list(pairs),
        base,
        levels,
    )
