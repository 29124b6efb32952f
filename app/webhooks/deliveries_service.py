"""The delivery log: list and read deliveries, replay one (an administrator's action)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.webhooks.deliveries_repository import CHANNEL
from app.webhooks.outbound_errors import DeliveryNotFound, DeliveryNotReplayable
from app.webhooks.outbound_models import WebhookDelivery, WebhookDeliveryAttempt

REPLAYABLE = frozenset({"delivered", "dead"})


async def list_deliveries(
    session: AsyncSession,
    *,
    subscription_id: uuid.UUID | None,
    status: str | None,
    event_type: str | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[WebhookDelivery]:
    """Newest first."""
    stmt = select(WebhookDelivery)
    if subscription_id is not None:
        stmt = stmt.where(WebhookDelivery.subscription_id == subscription_id)
    if status is not None:
        stmt = stmt.where(WebhookDelivery.status == status)
    if event_type is not None:
        stmt = stmt.where(WebhookDelivery.event_type == event_type)
    if before is not None:
        stmt = stmt.where(tuple_(WebhookDelivery.created_at, WebhookDelivery.id) < tuple_(*before))
    stmt = stmt.order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    return list(await session.scalars(stmt.limit(limit)))


async def get(
    session: AsyncSession, delivery_id: uuid.UUID, *, for_update: bool = False
) -> WebhookDelivery:
    stmt = select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
    if for_update:
        stmt = stmt.with_for_update()
    delivery = await session.scalar(stmt.execution_options(populate_existing=True))
    if delivery is None:
        raise DeliveryNotFound()
    return delivery


async def attempts_of(
    session: AsyncSession, delivery_id: uuid.UUID
) -> list[WebhookDeliveryAttempt]:
    stmt = (
        select(WebhookDeliveryAttempt)
        .where(WebhookDeliveryAttempt.delivery_id == delivery_id)
        # By time: a replay starts counting attempts from 1 again.
        .order_by(WebhookDeliveryAttempt.attempted_at, WebhookDeliveryAttempt.attempt)
    )
    return list(await session.scalars(stmt))


async def replay(
    session: AsyncSession, actor: Principal, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """A delivered or dead delivery goes back to pending with a fresh set of attempts; the
    receiver gets the same `webhook-id` again (it may de-duplicate, or want it twice)."""
    delivery = await get(session, delivery_id, for_update=True)
    if delivery.status not in REPLAYABLE:
        raise DeliveryNotReplayable(status=delivery.status)
    previous = delivery.status
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = func.now()
    delivery.delivered_at = None
    delivery.updated_at = func.clock_timestamp()
    await session.flush()
    await session.refresh(delivery)
    await session.execute(select(func.pg_notify(CHANNEL, "replay")))
    await audit.record(
        session,
        actor,
        "webhook_delivery.replayed",
        entity_type="webhook_delivery",
        entity_id=delivery.id,
        fields=("status", "attempts"),
        details={"previous_status": previous},
    )
    return delivery
