"""The review queue: start scans, list scored pairs, record a steward's decision."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.audit import service as audit
from app.auth.principal import Principal
from app.core.errors import Conflict, NotFound
from app.core.timeutil import utcnow
from app.dedup import reindex
from app.dedup.models import DuplicatePair
from app.dedup.pairs_repository import PairRepository
from app.dedup.scan import KIND
from app.quality import record_service as record_quality


class PairNotFound(NotFound):
    code = "duplicate_pairs.not_found"
    title = {"en": "Duplicate pair not found", "fr": "Paire de doublons introuvable"}


class PairAlreadyDecided(Conflict):
    code = "duplicate_pairs.already_decided"
    title = {
        "en": "This pair was already decided",
        "fr": "Cette paire a déjà fait l'objet d'une décision",
    }


async def start_scan(
    session: AsyncSession, actor: Principal, entity: str, since: datetime | None
) -> Any:
    params: dict[str, Any] = {"entity": entity}
    if since is not None:
        params["since"] = since.isoformat()
    return await jobs.enqueue(session, KIND, params, actor=actor, max_attempts=3)


async def start_reindex(session: AsyncSession, actor: Principal, entity: str) -> Any:
    return await jobs.enqueue(session, reindex.KIND, {"entity": entity}, actor=actor)


async def list_pairs(session: AsyncSession, **filters: Any) -> Sequence[DuplicatePair]:
    return await PairRepository(session).page(**filters)


async def decide(
    session: AsyncSession,
    actor: Principal,
    pair_id: uuid.UUID,
    decision: Literal["confirm", "dismiss"],
    reason: str | None,
) -> DuplicatePair:
    """A dismissed pair never comes back (scans keep decided pairs as they are); every
    decision is kept as a labelled example for measuring the verdict bands."""
    pair = await PairRepository(session).get(pair_id, for_update=True)
    if pair is None:
        raise PairNotFound()
    if pair.status != "open":
        raise PairAlreadyDecided(status=pair.status)
    pair.status = "confirmed" if decision == "confirm" else "dismissed"
    pair.decided_by_type = actor.type
    pair.decided_by_id = actor.id
    pair.decided_at = utcnow()
    pair.decision_reason = reason
    await session.flush()
    await record_quality.rescore_pairs(session, pair.entity, [(pair.left_id, pair.right_id)])
    await audit.record(
        session,
        actor,
        f"duplicate_pair.{pair.status}",
        entity_type="duplicate_pair",
        entity_id=pair.id,
        fields=("status",),
        details={"verdict": pair.verdict},
    )
    return pair
