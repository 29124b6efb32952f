"""Outbox retention (`webhooks.outbox_prune`): settled events leave after `keep_days`.

Every change writes an outbox event, and every event one delivery per subscription with its
attempts: without a limit an import of a million records leaves a million rows behind for
good. An event older than `webhook_outbox_keep_days` goes, with its deliveries and their
attempt logs (cascade), once nothing is left to do for it: every delivery delivered (or
none, when no subscription wanted it) and fan-out done. A dead or pending delivery keeps its
event, however old, for ops to replay; it goes once replayed and delivered.

Deleted in batches, one transaction each with its audit event (counts and cut-off, nothing
about a record), so a worker stopped between two keeps what is done.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.audit import service as audit
from app.auth.principal import SYSTEM
from app.core.settings import Settings
from app.core.timeutil import utcnow
from app.jobs import JobContext
from app.webhooks.models import OutboxEvent
from app.webhooks.outbound_models import WebhookDelivery, WebhookFanout

KIND = "webhooks.outbox_prune"
BATCH = 5_000


def _settled_before(cutoff: datetime):
    """Events older than `cutoff` with nothing left to deliver."""
    unsettled = exists().where(
        WebhookDelivery.event_id == OutboxEvent.id, WebhookDelivery.status != "delivered"
    )
    queued = exists().where(WebhookFanout.event_id == OutboxEvent.id)
    return (OutboxEvent.created_at < cutoff, ~unsettled, ~queued)


async def count_settled(session: AsyncSession, cutoff: datetime) -> int:
    query = select(func.count()).select_from(OutboxEvent).where(*_settled_before(cutoff))
    return int(await session.scalar(query) or 0)


async def prune_batch(session: AsyncSession, cutoff: datetime, limit: int = BATCH) -> int:
    """Delete up to `limit` settled events older than `cutoff` (oldest first), audited."""
    ids = list(
        await session.scalars(
            select(OutboxEvent.id)
            .where(*_settled_before(cutoff))
            .order_by(OutboxEvent.created_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return 0
    # A replay of one of their deliveries either committed before this lock (the delete
    # below, a new statement, sees the delivery pending again and keeps the event) or waits
    # for this transaction and finds the delivery gone.
    locked = (
        await session.execute(
            select(WebhookDelivery.event_id)
            .where(WebhookDelivery.event_id.in_(ids))
            .with_for_update()
        )
    ).scalars()
    per_event = Counter(locked)
    deleted = list(
        await session.scalars(
            delete(OutboxEvent)
            .where(OutboxEvent.id.in_(ids), *_settled_before(cutoff))
            .returning(OutboxEvent.id)
        )
    )
    if deleted:
        await audit.record(
            session,
            SYSTEM,
            "webhook_outbox.pruned",
            entity_type="outbox",
            details={
                "events": len(deleted),
                "deliveries": sum(per_event[event] for event in deleted),
                "created_before": cutoff.isoformat(),
            },
        )
    return len(deleted)


@jobs.register(KIND)
async def prune(ctx: JobContext) -> dict[str, Any]:
    cutoff = utcnow() - timedelta(days=int(ctx.params["keep_days"]))
    async with ctx.unit() as session:
        total = await count_settled(session, cutoff)
    await ctx.report(0, total, "webhooks.outbox_prune.deleting")
    done = 0
    while True:
        async with ctx.unit() as session:
            deleted = await prune_batch(session, cutoff)
        if not deleted:
            break
        done += deleted
        total = max(total, done)  # events that settled after the count are deleted too
        await ctx.report(done, total)
        ctx.stop_point()
    return {"events_deleted": done, "created_before": cutoff.isoformat()}


def declare_schedule(settings: Settings) -> None:
    """Daily, when `webhook_outbox_keep_days` is above 0 (0 keeps every event)."""
    if not settings.webhook_outbox_keep_days:
        return
    jobs.schedule(
        KIND, every=timedelta(days=1), params={"keep_days": settings.webhook_outbox_keep_days}
    )
