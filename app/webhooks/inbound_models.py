"""Inbound webhooks: the secrets each source signs with, and the inbox of deliveries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class InboundSecret(Base):
    """A `whsec_…` secret a source signs its deliveries with (several during a rotation)."""

    __tablename__ = "inbound_secrets"
    __table_args__ = (Index("ix_inbound_secrets_source", "source"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    source: Mapped[str] = mapped_column(String(64))
    secret: Mapped[str] = mapped_column(Text)  # AES-GCM sealed
    key_id: Mapped[str] = mapped_column(String(64))
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class InboxEntry(Base):
    """One accepted delivery: stored before it is acknowledged, processed by the worker."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("source", "webhook_id", name="uq_inbox_delivery"),
        Index("ix_inbox_status_received", "status", "received_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    source: Mapped[str] = mapped_column(String(64))
    webhook_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(64))
    # The delivery itself (personal data): cleared once processed, kept while it may retry.
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retry_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
