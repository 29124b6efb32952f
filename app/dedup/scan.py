"""The batch scan job: the whole base (or what changed since) against itself, in batches.

Each batch is one unit of work: read the batch's keys, drop the over-sized blocks, read the
members of the others, score every new pair once, store the ones worth a look, and save the
last id as the checkpoint, all in one transaction; a killed worker resumes after it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from app import jobs
from app.dedup import engine
from app.dedup import service as dedup
from app.dedup.blocking import BlockingStats, candidate_pairs, usable_keys
from app.dedup.pairs_repository import (
    ClusterRepository,
    PairRepository,
    ScanRepository,
    pair_row,
)
from app.jobs import JobContext

BATCH = 500
KIND = "dedup.scan"


@jobs.register(KIND)
async def scan(ctx: JobContext) -> dict[str, Any]:
    entity = ctx.params["entity"]
    since = datetime.fromisoformat(ctx.params["since"]) if ctx.params.get("since") else None
    spec = dedup.ENGINES[entity]
    model_table = dedup.MODELS[entity]
    checkpoint = ctx.checkpoint or {}
    after = uuid.UUID(checkpoint["after"]) if checkpoint.get("after") else None
    totals: dict[str, int] = defaultdict(int, checkpoint.get("totals", {}))
    stats = BlockingStats()

    if after is None:  # a fresh run recounts how common every value is first
        async with ctx.unit() as session:
            await dedup.refresh_terms(session, entity)
    async with ctx.unit() as session:
        base = await dedup.MatchKeyRepository(session).base_size(entity) or 2
        total = await ScanRepository(session).count(model_table, since)
    model = engine.for_base_size(spec.model, max(base, dedup.MIN_BASE_SIZE))
    await ctx.report(totals["records"], total, message="dedup.scan.comparing")

    while True:
        async with ctx.unit() as session:
            reads = ScanRepository(session)
            ids = await reads.ids_after(model_table, after, BATCH, since)
            if not ids:
                break
            batch_stats = BlockingStats()
            found = await _score_batch(reads, entity, spec, model, ids, since, batch_stats)
            stored = await PairRepository(session).upsert(
                [pair_row(entity, *pair, result, ctx.job_id) for pair, result in found]
            )
            after = ids[-1]
            totals["records"] += len(ids)
            totals["stored"] += stored
            for _, result in found:
                totals[result.verdict.value] += 1
            stats.merge(batch_stats)
            await ctx.save_checkpoint(
                {"after": str(after), "totals": dict(totals)}, session=session
            )
        await ctx.report(totals["records"], total, message="dedup.scan.comparing")
        ctx.stop_point()
    clustered = 0
    if since is None:  # clusters describe the whole base: only a full scan rebuilds them
        await ctx.report(totals["records"], total, message="dedup.scan.clustering")
        async with ctx.unit() as session:
            repo = ClusterRepository(session)
            groups = engine.clusters(await repo.confident_links(entity))
            await repo.replace(entity, groups, ctx.job_id)
            clustered = len(groups)
    return {
        "clusters": clustered,
        "entity": entity,
        "records": totals["records"],
        "pairs_stored": totals["stored"],
        "by_verdict": {
            v.value: totals[v.value] for v in engine.Verdict if v is not engine.Verdict.DISTINCT
        },
        "keys": stats.as_rows(),
    }


async def _score_batch(
    reads: ScanRepository,
    entity: str,
    spec: Any,
    model: Any,
    ids: list[uuid.UUID],
    since: datetime | None,
    stats: BlockingStats,
) -> list[tuple[tuple[uuid.UUID, uuid.UUID], engine.MatchResult]]:
    keys_by_record: dict[uuid.UUID, list[str]] = defaultdict(list)
    rows = await reads.keys_of(entity, ids)
    sizes = await reads.sizes(entity, {key for _, key in rows})
    usable = usable_keys((key for _, key in rows), sizes, engine.keys.DEFAULT_MAX_BLOCK, stats)
    for record_id, key in rows:
        if key in usable:
            keys_by_record[record_id].append(key)
    members: dict[str, list[uuid.UUID]] = defaultdict(list)
    for key, record_id in await reads.members(entity, usable):
        members[key].append(record_id)
    pairs = candidate_pairs(keys_by_record, members, only_later=since is None, stats=stats)
    involved = {record for pair in pairs for record in pair}
    records = list(await reads.records(dedup.MODELS[entity], involved))
    fields = await dedup.canonical_fields(
        reads.session, entity, [dedup.fields_of(entity, r) for r in records]
    )
    views = {r.id: spec.view(f) for r, f in zip(records, fields, strict=True)}
    terms: set[str] = set()
    for view in views.values():
        terms |= spec.terms(view)
    frequencies = engine.TermFrequencies(await reads.sizes(entity, terms), model.base_size)
    scored = []
    for left, right in pairs:
        if left in views and right in views:
            result = spec.score(views[left], views[right], model, frequencies)
            if result.verdict is not engine.Verdict.DISTINCT:
                scored.append(((left, right), result))
    return scored
