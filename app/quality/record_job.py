"""The rescore job (`quality.rescore`): every active record of some entities, scored again,
or one company's contacts.

Timeliness decays with time, so a schedule runs this daily by default
(`CRMDQ_QUALITY_RESCORE_EVERY_H`). A company whose website or country changes queues it for
its own contacts, whose consistency reads both. Records go in id order, in batches; each
batch is one transaction that locks its rows (`SKIP LOCKED`: a record being written is
scored by that write) and saves the checkpoint, so a killed worker resumes after the last
batch.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
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


# What a contact's score reads of its company: the website (its email domain should be the
# company's) and the country (its phone's, when the contact has none of its own).
EMPLOYER_FIELDS = frozenset({"website", "domain", "country"})


async def start(session: AsyncSession, actor: Principal, entity: str) -> Any:
    return await jobs.enqueue(session, KIND, {"entities": [entity]}, actor=actor)


async def after_company_change(
    session: AsyncSession, actor: Principal, company_id: uuid.UUID, changed: Collection[str]
) -> None:
    """A company's new website or country changes its contacts' consistency: queue a rescore
    of them, in the write's transaction (a company can have more contacts than a PATCH
    should wait for)."""
    if EMPLOYER_FIELDS & set(changed):
        params = {"entities": ["contact"], "company_id": str(company_id)}
        await jobs.enqueue(session, KIND, params, actor=actor)


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
    company = _company(ctx.params.get("company_id"))
    if company is not None:
        entities = ["contact"]  # one company's contacts
    state: dict[str, Any] = {"index": 0, "after": None, "done": 0, "written": 0}
    state |= ctx.checkpoint or {}
    async with ctx.unit() as session:
        repo = RecordQualityRepository(session)
        remaining = [
            await repo.count_active(record_service.MODELS[e], company=company) for e in entities
        ]
    total = state["done"] + sum(remaining[state["index"] :])
    await ctx.report(state["done"], total, message=PROGRESS)
    while state["index"] < len(entities):
        entity = entities[state["index"]]
        async with ctx.unit() as session:
            after = uuid.UUID(state["after"]) if state["after"] else None
            records = await RecordQualityRepository(session).active_batch(
                record_service.MODELS[entity], after, BATCH, company=company
            )
            if records:
                state["written"] += await record_service.rescore_loaded(session, entity, records)
                state["after"], state["done"] = str(records[-1].id), state["done"] + len(records)
            else:  # this entity is done: the next one starts from the first id
                state["index"], state["after"] = state["index"] + 1, None
            await ctx.save_checkpoint(state, session=session)
        await ctx.report(state["done"], max(total, state["done"]), message=PROGRESS)
        ctx.stop_point()
    result = {"entities": entities, "records": state["done"], "written": state["written"]}
    return result | ({"company_id": str(company)} if company is not None else {})


def _company(raw: object) -> uuid.UUID | None:
    # written by `after_company_change`: a bad one fails the job rather than widen it
    return uuid.UUID(str(raw)) if raw else None
