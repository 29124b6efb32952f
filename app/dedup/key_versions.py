"""Stored matching keys kept in step with the engine across upgrades.

Keys and terms are written with each record, by the engine of the release that wrote it.
When a release changes how an entity's keys are built (`engine.keys.KEYS_VERSION`), the
stored ones would describe the old rules until each record is written again: a lookup
would miss what the new keys find, and a scan would compare the old pairs. So `crm-dq
migrate` and `crm-dq serve`, once the schema is current, compare the version each entity's
keys were written with to the engine's, and queue a `dedup.reindex` job for each entity
that has records and older keys; the version is recorded in the same transaction, so the
job is queued once. A base with no records of an entity only records the version.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.audit import service as audit
from app.auth.principal import SYSTEM
from app.dedup import engine
from app.dedup import service as dedup
from app.dedup.models import MatchKeyVersion
from app.dedup.pairs_repository import ScanRepository
from app.dedup.reindex import KIND as REINDEX

# Two processes started together (two servers, or `migrate` beside one) check one at a time,
# so the second finds the version the first recorded, not a reason to queue the job again.
_CHECK_LOCK = int.from_bytes(b"matchkey", "big") & 0x7FFF_FFFF_FFFF_FFFF


@dataclass(frozen=True, slots=True)
class Upgrade:
    entity: str
    version: int
    job_id: str | None  # the re-index queued, None when the entity has no records


async def bring_keys_up_to_date(session: AsyncSession) -> list[Upgrade]:
    """Queue a re-index for each entity whose stored keys are older than the engine's."""
    await session.execute(select(func.pg_advisory_xact_lock(_CHECK_LOCK)))
    rows = await session.execute(select(MatchKeyVersion.entity, MatchKeyVersion.version))
    stored = {entity: version for entity, version in rows}
    done: list[Upgrade] = []
    for entity, version in engine.keys.KEYS_VERSION.items():
        if stored.get(entity) == version:
            continue
        job_id = None
        if await ScanRepository(session).count(dedup.MODELS[entity], since=None):
            job = await jobs.enqueue(session, REINDEX, {"entity": entity}, actor=SYSTEM)
            job_id = str(job.id)
        stmt = insert(MatchKeyVersion).values(entity=entity, version=version)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=[MatchKeyVersion.entity],
                set_={"version": version, "updated_at": func.now()},
            )
        )
        await audit.record(
            session,
            SYSTEM,
            "dedup.keys_version",
            entity_type="match_keys",
            entity_id=entity,
            details={"version": version, "previous": stored.get(entity), "reindex": job_id},
        )
        done.append(Upgrade(entity, version, job_id))
    return done


def bring_up_to_date(url: str) -> list[Upgrade]:
    """The same in a transaction of its own, from outside an event loop (the command line)."""
    from app.auth.bootstrap import in_transaction

    return asyncio.run(in_transaction(url, bring_keys_up_to_date))
