"""Auto-merge: merge the confident clusters of the review queue by the settings' rules.

Clusters come from the pairs at the `duplicate` verdict still open or confirmed, cut as the
scan cuts them (every member close to the others), so namesakes are not chained together.
Each cluster is merged in its own transaction; a cluster touched meanwhile is skipped and
reported. A rerun after a kill finds the merged clusters gone from the queue.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.auth.principal import SYSTEM, Principal
from app.dedup import engine
from app.dedup.pairs_repository import ClusterRepository
from app.jobs import JobContext
from app.merge import service
from app.merge.errors import MergeConflict, MergeRecordNotFound
from app.merge.service import MAX_RECORDS, MergeConfig, MergeRequest

KIND = "merge.auto"
REPORTED = 100  # clusters listed in the job's result; the counts cover them all


async def start(
    session: AsyncSession, actor: Principal, entity: str, *, dry_run: bool, config: MergeConfig
) -> Any:
    params = {
        "entity": entity,
        "dry_run": dry_run,
        "survivor_rule": config.survivor_rule,
        "field_rules": {e: dict(r) for e, r in config.field_rules.items()},
        "source_priority": list(config.source_priority),
    }
    return await jobs.enqueue(session, KIND, params, actor=actor, max_attempts=3)


@jobs.register(KIND)
async def auto_merge(ctx: JobContext) -> dict[str, Any]:
    entity, dry_run = ctx.params["entity"], bool(ctx.params["dry_run"])
    config = MergeConfig(
        ctx.params["survivor_rule"], ctx.params["field_rules"], ctx.params["source_priority"]
    )
    async with ctx.unit() as session:
        links = await ClusterRepository(session).confident_links(entity)
    groups = sorted((sorted(g) for g in engine.clusters(links)), key=lambda g: g[0])
    counts: Counter[str] = Counter()
    listed: list[dict[str, Any]] = []
    await ctx.report(0, len(groups), message="merge.auto.merging")
    for done, group in enumerate(groups, start=1):
        item = await _one(ctx, entity, group, config, dry_run)
        counts[item["outcome"]] += 1
        if item["outcome"] != "skipped":
            counts["records"] += len(group)
        if len(listed) < REPORTED:
            listed.append(item)
        await ctx.report(done, len(groups), message="merge.auto.merging")
        ctx.stop_point()
    return {
        "entity": entity,
        "dry_run": dry_run,
        "clusters": len(groups),
        "merged" if not dry_run else "would_merge": counts["merged"] + counts["planned"],
        "records": counts["records"],
        "skipped": counts["skipped"],
        "clusters_listed": listed,
    }


async def _one(
    ctx: JobContext, entity: str, group: list[Any], config: MergeConfig, dry_run: bool
) -> dict[str, Any]:
    if len(group) > MAX_RECORDS:
        return {"outcome": "skipped", "reason": "too_big", "records": len(group)}
    request = MergeRequest(entity, group)
    try:
        async with ctx.unit() as session:
            if dry_run:
                planned = await service.plan(session, request, config, lock=False)
                return {
                    "outcome": "planned",
                    "survivor_id": str(planned.survivor.id),
                    "merged_ids": [str(r.id) for r in planned.merged],
                    "changed_fields": list(planned.changed),
                }
            merged = await service.merge(session, SYSTEM, request, config, job_id=ctx.job_id)
            return {
                "outcome": "merged",
                "merge_id": str(merged.id),
                "survivor_id": str(merged.survivor_id),
                "merged_ids": [str(i) for i in merged.merged_ids],
            }
    except (MergeConflict, MergeRecordNotFound) as refused:
        return {"outcome": "skipped", "reason": refused.code, "records": len(group)}
