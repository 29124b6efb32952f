"""The re-index job: rewrite the matching keys of every stored record of an entity.

Keys are computed by the engine, so a release that changes how keys or terms are built
leaves the stored ones describing the old rules until each record is written again; this
job writes them all again, in batches, each one unit of work with its checkpoint. Records
of the batch are read `FOR SHARE`, so a concurrent update waits for the batch rather than
having its fresh keys overwritten with ones from its former values.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from app import jobs
from app.dedup import service as dedup
from app.dedup.pairs_repository import ScanRepository
from app.dedup.repository import MatchKeyRepository
from app.jobs import JobContext

BATCH = 1_000
KIND = "dedup.reindex"


@jobs.register(KIND)
async def reindex(ctx: JobContext) -> dict[str, Any]:
    entity = ctx.params["entity"]
    model = dedup.MODELS[entity]
    checkpoint = ctx.checkpoint or {}
    after = uuid.UUID(checkpoint["after"]) if checkpoint.get("after") else None
    done = int(checkpoint.get("done", 0))
    async with ctx.unit() as session:
        total = await ScanRepository(session).count(model, since=None)
    await ctx.report(done, total, message="dedup.reindex.writing")
    while True:
        async with ctx.unit() as session:
            stmt = select(model).where(model.status == "active").order_by(model.id)
            if after is not None:
                stmt = stmt.where(model.id > after)
            records = list(await session.scalars(stmt.limit(BATCH).with_for_update(read=True)))
            if not records:
                break
            fields = await dedup.canonical_fields(
                session, entity, [dedup.fields_of(entity, r) for r in records]
            )
            await MatchKeyRepository(session).replace_many(
                entity,
                {
                    r.id: dedup.index_strings(entity, f)
                    for r, f in zip(records, fields, strict=True)
                },
            )
            after = records[-1].id
            done += len(records)
            await ctx.save_checkpoint({"after": str(after), "done": done}, session=session)
        await ctx.report(done, total, message="dedup.reindex.writing")
        ctx.stop_point()
    return {"entity": entity, "records": done}
