"""Outbound webhooks: subscriptions, one delivery per (event, subscription), each attempt.

`webhook_fanout_queue` is filled by a trigger on `outbox` in the event's own transaction, so
an event committed is an event the dispatcher will fan out, however many processes die.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

TIMESTAMP = DateTime(timezone=True)
DELIVERY_STATUSES = ("pending", "delivering", "delivered", "dead")


class WebhookSubscription(Base):
    __tablename__ = "webhook_subscriptions"
    __table_args__ = (Index("ix_webhook_subscriptions_created_at_id", "created_at", "id"),)
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    description: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    # AES-GCM sealed `whsec_…` under key `key_id`; the previous one signs too until it expires.
    secret: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(64))
    previous_secret: Mapped[str | None] = mapped_column(Text)
    previous_key_id: Mapped[str | None] = mapped_column(String(64))
    previous_expires_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.clock_timestamp())
    updated_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.clock_timestamp())


class WebhookDelivery(Base):
    """One event for one subscription: retried until delivered or dead-lettered."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id", name="uq_webhook_deliveries_event_sub"),
        CheckConstraint("status IN ('pending', 'delivering', 'delivered', 'dead')", name="status"),
        # The dispatcher's two probes: due pending rows, and leases that ran out.
        Index(
            "ix_webhook_deliveries_due",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_webhook_deliveries_in_flight",
            "locked_until",
            postgresql_where=text("status = 'delivering'"),
        ),
        Index("ix_webhook_deliveries_created_at_id", "created_at", "id"),
        Index("ix_webhook_deliveries_sub_created", "subscription_id", "created_at", "id"),
    )
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"))
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    event_type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(TIMESTAMP, server_default=func.now())
    locked_by: Mapped[str | None] = mapped_column(String(128))
    locked_until: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    # Never a response body: receivers echo what we sent, and that may name a person.
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_latency_ms: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(64))
    delivered_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.clock_timestamp())
    updated_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.clock_timestamp())


class WebhookDeliveryAttempt(Base):
    __tablename__ = "webhook_delivery_attempts"
    __table_args__ = (Index("ix_webhook_delivery_attempts_delivery", "delivery_id", "attempt"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    delivery_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE")
    )
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)  # None: the worker died mid-way
    error: Mapped[str | None] = mapped_column(String(64))
    worker_id: Mapped[str] = mapped_column(String(128))
    attempted_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.clock_timestamp())


class WebhookFanout(Base):
    """Outbox events not yet fanned out into deliveries (filled by a trigger on `outbox`)."""

    __tablename__ = "webhook_fanout_queue"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True
    )
    queued_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.clock_timestamp())
