"""Audit use cases: record an event in the caller's transaction; list; verify the chain."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

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
) -> AuditEvent | None:
    """Append one event to the chain, inside the caller's transaction (None: it waits for
    the end of `appended_at_end`).

    Flushes, never commits: the event lives or dies with the change it records. The
    advisory lock is held until that transaction ends, so appenders queue up instead of
    forking the chain; keep the work after `record` short, or record inside
    `appended_at_end`.
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
    pending = session.info.get(_PENDING)
    if pending is not None:
        pending.append(facts)
        return None
    (added,) = await _append(session, [facts])
    return added


async def _append(session: AsyncSession, events: list[EventFacts]) -> list[AuditEvent]:
    repo = AuditRepository(session)
    added: list[AuditEvent] = []
    await repo.lock_chain()
    prev_hash = await repo.head_hash() or chain.GENESIS_HASH
    for facts in events:
        # Stamped again under the lock, so time follows chain order on any one clock.
        stamped = replace(facts, occurred_at=utcnow())
        link = chain.link(prev_hash, stamped)
        added.append(_to_model(stamped, prev_hash, link))
        prev_hash = link
    await repo.add_all(added)
    return added


# A long transaction (a batch of 1,000 rows takes seconds) that took the chain's lock at its
# first event would hold it to its commit: every other audited write, a web form's create
# among them, waited that long. Inside `appended_at_end` events wait in the session and are
# appended together when the block ends, so the lock is held only from there to the commit.
_PENDING = "audit.pending"  # session.info: the facts waiting, in order
_MARKS = "audit.marks"  # session.info: a savepoint → how many were waiting when it began


@asynccontextmanager
async def appended_at_end(session: AsyncSession) -> AsyncIterator[None]:
    """Record the block's events at its end, in the order they were recorded; the events
    of a savepoint rolled back inside it are dropped with the savepoint's changes. Events
    of a block that raises are dropped: its transaction must not commit."""
    if _PENDING in session.info:  # within another such block, which appends them
        yield
        return
    session.info[_PENDING], session.info[_MARKS] = [], {}
    try:
        yield
        pending = session.info[_PENDING]
    finally:
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)
    if pending:
        await _append(session, pending)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: SessionTransaction) -> None:
    marks = session.info.get(_MARKS)
    if marks is not None and transaction.nested:
        marks[transaction] = len(session.info[_PENDING])


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    marks = session.info.get(_MARKS)
    if marks is None:
        return
    if previous_transaction.parent is None:  # the whole transaction: nothing it did stays
        session.info[_PENDING].clear()
    elif previous_transaction in marks:
        del session.info[_PENDING][marks.pop(previous_transaction) :]


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
