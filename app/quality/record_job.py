"""The rescore job (`quality.rescore`): every active record of some entities, scored again.

Timeliness decays with time and a company's website reaches its contacts' scores only
when they are rescored, so a schedule runs this daily by default
(`CRMDQ_QUALITY_RESCORE_EVERY_H`). Records go in id order, in batches; each batch is one
transaction that locks its rows (`SKIP LOCKED`: a record being written is scored by that
write) and saves the checkpoint, so a killed worker resumes after the last batch.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.auth.principal import Principal
from app.core.settings import Settings
from app.jobs import JobContext
from app.quality import record_service
from app.quality.record_repository import RecordQualityRepository

KIND = "quality.rescore"
BATCH = 500
PROGRESS = "quality.rescore.scoring"
ENTITIES = ("contact", "company")


async def start(session: AsyncSession, actor: Principal, entity: str) -> Any:
    return await jobs.enqueue(session, KIND, {"entities": [entity]}, actor=actor)


def declare_schedule(settings: Settings) -> None:
    if not settings.quality_rescore_every_h:  # 0: rescored on demand only
        return
    jobs.schedule(
        KIND,
        every=timedelta(hours=settings.quality_rescore_every_h),
        params={"entities": list(ENTITIES)},
    )


@jobs.register(KIND)
async def rescore_all(ctx: JobContext) -> dict[str, Any]:
    entities = [e for e in ctx.params.get("entities", ENTITIES) if e in ENTITIES]
    state: dict[str, Any] = {"index": 0, "after": None, "done": 0, "written": 0}
    state |= ctx.checkpoint or {}
    async with ctx.unit() as session:
        repo = RecordQualityRepository(session)
        remaining = [await repo.count_active(record_service.MODELS[e]) for e in entities]
    total = state["done"] + sum(remaining[state["index"] :])
    await ctx.report(state["done"], total, message=PROGRESS)
    while state["index"] < len(entities):
        entity = entities[state["index"]]
        async with ctx.unit() as session:
            after = uuid.UUID(state["after"]) if state["after"] else None
            records = await RecordQualityRepository(session).active_batch(
                record_service.MODELS[entity], after, BATCH
            )
            if records:
                state["written"] += await record_service.rescore_loaded(session, entity, records)
                state["after"], state["done"] = str(records[-1].id), state["done"] + len(records)
            else:  # this entity is done: the next one starts from the first id
                state["index"], state["after"] = state["index"] + 1, None
            await ctx.save_checkpoint(state, session=session)
        await ctx.report(state["done"], max(total, state["done"]), message=PROGRESS)
        ctx.stop_point()
    return {"entities": entities, "records": state["done"], "written": state["written"]}
