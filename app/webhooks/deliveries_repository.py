"""SQL of the dispatcher: fan events out, take due deliveries under a lease, record attempts.

Every write about a delivery in flight is fenced by its lease (id, worker, attempt number):
a dispatcher whose lease ran out, and whose delivery another one took over, changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.crypto import Sealed
from app.webhooks.models import OutboxEvent
from app.webhooks.outbound_messages import EventMessage, recipients
from app.webhooks.outbound_models import (
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookFanout,
    WebhookSubscription,
)

CHANNEL = "crmdq_webhooks"  # notified by the outbox trigger (migration 0016) and by replays
LEASE_EXPIRED = "lease_expired"


@dataclass(frozen=True, slots=True)
class DeliveryLease:
    delivery_id: uuid.UUID
    worker_id: str
    attempt: int


@dataclass(frozen=True, slots=True)
class Target:
    """Where a delivery goes and the sealed secrets it is signed with (plain values: they
    outlive the claiming transaction)."""

    subscription_id: uuid.UUID
    url: str
    secret: Sealed
    previous_secret: Sealed | None
    previous_expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Claimed:
    lease: DeliveryLease
    event: EventMessage
    target: Target


@dataclass(frozen=True, slots=True)
class AttemptResult:
    status_code: int | None
    latency_ms: int | None
    error: str | None  # None when delivered

    @property
    def delivered(self) -> bool:
        return self.error is None


class DeliveryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def fan_out(self, limit: int) -> int:
        """Turn up to `limit` queued events into deliveries for the subscriptions to their type."""
        queued = (
            select(WebhookFanout.event_id, OutboxEvent.type)
            .join(OutboxEvent, OutboxEvent.id == WebhookFanout.event_id)
            .order_by(WebhookFanout.queued_at)
            .limit(limit)
            .with_for_update(of=WebhookFanout, skip_locked=True)
        )
        events = (await self.session.execute(queued)).all()
        if not events:
            return 0
        # Paused subscriptions too: their deliveries wait, so a pause never loses an event.
        subs = (
            await self.session.execute(select(WebhookSubscription.id, WebhookSubscription.events))
        ).all()
        rows = [
            {"event_id": event_id, "subscription_id": sub_id, "event_type": event_type}
            for event_id, event_type in events
            for sub_id in recipients(subs, event_type)
        ]
        if rows:
            # A second dispatcher that raced us to the same event inserts nothing.
            stmt = insert(WebhookDelivery).values([{"id": uuid.uuid4(), **row} for row in rows])
            await self.session.execute(
                stmt.on_conflict_do_nothing(constraint="uq_webhook_deliveries_event_sub")
            )
        await self.session.execute(
            delete(WebhookFanout).where(WebhookFanout.event_id.in_([e for e, _ in events]))
        )
        return len(events)

    async def reap_expired(self, max_attempts: int) -> int:
        """Deliveries whose dispatcher died mid-attempt go back to pending, or dead-letter
        when that was their last attempt; the lost attempt is logged."""
        expired = (
            select(WebhookDelivery.id, WebhookDelivery.locked_by)
            .where(
                WebhookDelivery.status == "delivering",
                WebhookDelivery.locked_until < func.now(),
            )
            .with_for_update(skip_locked=True)
            .cte("expired")
        )
        exhausted = WebhookDelivery.attempts >= max_attempts
        stmt = (
            update(WebhookDelivery)
            .where(WebhookDelivery.id == expired.c.id)
            .values(
                status=case((exhausted, "dead"), else_="pending"),
                next_attempt_at=case((exhausted, None), else_=func.now()),
                locked_by=None,
                locked_until=None,
                last_status_code=None,
                last_latency_ms=None,
                last_error=LEASE_EXPIRED,
                updated_at=func.clock_timestamp(),
            )
            .returning(WebhookDelivery.id, WebhookDelivery.attempts, expired.c.locked_by)
            .execution_options(synchronize_session=False)
        )
        reaped = (await self.session.execute(stmt)).all()
        for delivery_id, attempt, dead_worker in reaped:
            self.session.add(
                WebhookDeliveryAttempt(
                    id=uuid.uuid4(),
                    delivery_id=delivery_id,
                    attempt=attempt,
                    status_code=None,
                    latency_ms=None,
                    error=LEASE_EXPIRED,
                    worker_id=dead_worker or "unknown",
                )
            )
        await self.session.flush()
        return len(reaped)

    async def claim(self, worker_id: str, lease: timedelta, limit: int) -> list[Claimed]:
        """Up to `limit` due deliveries of active subscriptions, now leased to `worker_id`."""
        picked = (
            select(WebhookDelivery.id)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= func.now(),
                WebhookSubscription.active,
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
            .cte("picked")
        )
        stmt = (
            update(WebhookDelivery)
            .where(WebhookDelivery.id == picked.c.id)
            .values(
                status="delivering",
                attempts=WebhookDelivery.attempts + 1,
                locked_by=worker_id,
                locked_until=func.now() + lease,
                updated_at=func.clock_timestamp(),
            )
            .returning(
                WebhookDelivery.id,
                WebhookDelivery.attempts,
                WebhookDelivery.event_id,
                WebhookDelivery.subscription_id,
            )
            .execution_options(synchronize_session=False)
        )
        leased = (await self.session.execute(stmt)).all()
        if not leased:
            return []
        event_rows = await self.session.scalars(
            select(OutboxEvent).where(OutboxEvent.id.in_({row.event_id for row in leased}))
        )
        events = {e.id: _message(e) for e in event_rows}
        sub_rows = await self.session.scalars(
            select(WebhookSubscription).where(
                WebhookSubscription.id.in_({row.subscription_id for row in leased})
            )
        )
        targets = {s.id: _target(s) for s in sub_rows}
        return [
            Claimed(
                DeliveryLease(row.id, worker_id, row.attempts),
                events[row.event_id],
                targets[row.subscription_id],
            )
            for row in leased
        ]

    async def record(
        self,
        lease: DeliveryLease,
        result: AttemptResult,
        *,
        dead: bool,
        retry_in: timedelta,
    ) -> str | None:
        """The attempt's outcome; None if the lease was lost (another dispatcher owns it)."""
        status = "delivered" if result.delivered else "dead" if dead else "pending"
        stmt = (
            update(WebhookDelivery)
            .where(
                and_(
                    WebhookDelivery.id == lease.delivery_id,
                    WebhookDelivery.status == "delivering",
                    WebhookDelivery.locked_by == lease.worker_id,
                    WebhookDelivery.attempts == lease.attempt,
                )
            )
            .values(
                status=status,
                # The database's clock, like every other lease and due time here.
                next_attempt_at=func.now() + retry_in if status == "pending" else None,
                locked_by=None,
                locked_until=None,
                last_status_code=result.status_code,
                last_latency_ms=result.latency_ms,
                last_error=result.error,
                delivered_at=func.now() if result.delivered else None,
                updated_at=func.clock_timestamp(),
            )
            .returning(WebhookDelivery.id)
            .execution_options(synchronize_session=False)
        )
        if (await self.session.execute(stmt)).scalar_one_or_none() is None:
            return None
        self.session.add(
            WebhookDeliveryAttempt(
                id=uuid.uuid4(),
                delivery_id=lease.delivery_id,
                attempt=lease.attempt,
                status_code=result.status_code,
                latency_ms=result.latency_ms,
                error=result.error,
                worker_id=lease.worker_id,
            )
        )
        await self.session.flush()
        return status


def _message(event: OutboxEvent) -> EventMessage:
    return EventMessage(
        id=event.id,
        type=event.type,
        created_at=event.created_at,
        data=dict(event.data),
        entity=event.entity,
        record_id=event.record_id,
    )


def _target(sub: WebhookSubscription) -> Target:
    previous = (
        Sealed(sub.previous_key_id, sub.previous_secret)
        if sub.previous_secret and sub.previous_key_id
        else None
    )
    return Target(
        subscription_id=sub.id,
        url=sub.url,
        secret=Sealed(sub.key_id, sub.secret),
        previous_secret=previous,
        previous_expires_at=sub.previous_expires_at,
    )
