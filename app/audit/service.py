"""Audit use cases: record an event in the caller's transaction; list; verify the chain."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import chain
from app.audit.facts import EventFacts, build_facts
from app.audit.models import AuditEvent
from app.audit.repository import AuditFilter, AuditRepository
from app.auth.principal import Principal
from app.core.request_context import current_client_ip, current_request_id
from app.core.timeutil import utcnow

VERIFY_BATCH_SIZE = 1000


@dataclass(frozen=True, slots=True)
class ChainReport:
    ok: bool
    checked: int
    first_broken: chain.BrokenLink | None


async def record(
    session: AsyncSession,
    actor: Principal,
    action: str,
    *,
    entity_type: str | None = None,
    entity_id: uuid.UUID | str | None = None,
    fields: Iterable[str] = (),
    details: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    Flushes, never commits: the event lives or dies with the change it records. The
    advisory lock is held until that transaction ends, so appenders queue up instead of
    forking the chain; keep the work after `record` short.
    """

    # Validated before waiting for the lock: a bad event is refused without queueing.
    facts = build_facts(
        id=uuid.uuid4(),
        occurred_at=utcnow(),
        actor_type=actor.type,
        actor_id=actor.actor_id,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        fields=fields,
        details=details,
        request_id=current_request_id(),
        client_ip=current_client_ip(),
    )
    repo = AuditRepository(session)
    await repo.lock_chain()
    prev_hash = await repo.head_hash() or chain.GENESIS_HASH
    # Stamped again under the lock, so time follows chain order on any one clock.
    facts = replace(facts, occurred_at=utcnow())
    return await repo.add(_to_model(facts, prev_hash, chain.link(prev_hash, facts)))


async def list_events(
    session: AsyncSession, where: AuditFilter, *, before_seq: int | None, limit: int
) -> list[AuditEvent]:
    return await AuditRepository(session).list_newest_first(
        where, before_seq=before_seq, limit=limit
    )


async def verify_chain(
    session: AsyncSession, *, batch_size: int = VERIFY_BATCH_SIZE
) -> ChainReport:
    """Recompute every link in seq order, streaming; stops at the first broken one."""
    verifier = chain.ChainVerifier()
    async for batch in AuditRepository(session).batches_in_chain_order(batch_size):
        for row in batch:
            if verifier.feed(to_chain_row(row._mapping)) is not None:
                return ChainReport(False, verifier.checked, verifier.broken)
    return ChainReport(True, verifier.checked, None)


def to_chain_row(row: Mapping[str, Any]) -> chain.ChainRow:
    """A stored row as the chain sees it: the exact stored values, never re-validated."""
    facts = EventFacts(
        id=row["id"],
        occurred_at=row["occurred_at"],
        actor_type=row["actor_type"],
        actor_id=row["actor_id"],
        action=row["action"],
        entity_type=row["entity_type"],
        entity_id=row["entity_id"],
        fields=tuple(row["fields"]),
        details=row["details"],
        request_id=row["request_id"],
        client_ip=row["client_ip"],
    )
    return chain.ChainRow(seq=row["seq"], facts=facts, prev_hash=row["prev_hash"], hash=row["hash"])


def _to_model(facts: EventFacts, prev_hash: str, hash_: str) -> AuditEvent:
    return AuditEvent(
        id=facts.id,
        occurred_at=facts.occurred_at,
        actor_type=facts.actor_type,
        actor_id=facts.actor_id,
        action=facts.action,
        entity_type=facts.entity_type,
        entity_id=facts.entity_id,
        fields=list(facts.fields),
        details=dict(facts.details),
        request_id=facts.request_id,
        client_ip=facts.client_ip,
        prev_hash=prev_hash,
        hash=hash_,
    )
