"""The audit_events table: append-only (enforced by triggers in migration 0002)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    DateTime,
    Identity,
    Index,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

HASH_PATTERN = "^[0-9a-f]{64}$"


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        CheckConstraint(
            "actor_type IN ('user', 'service_account', 'system', 'anonymous')", name="actor_type"
        ),
        CheckConstraint(f"prev_hash ~ '{HASH_PATTERN}'", name="prev_hash_format"),
        CheckConstraint(f"hash ~ '{HASH_PATTERN}'", name="hash_format"),
        Index("ix_audit_events_actor_id_seq", "actor_id", "seq"),
        Index("ix_audit_events_actor_type_seq", "actor_type", "seq"),
        # entity_id alone is selective (ids are UUIDs); entity_type alone is a broad cut.
        Index("ix_audit_events_entity_id_seq", "entity_id", "seq"),
        Index("ix_audit_events_entity_type_seq", "entity_type", "seq"),
        Index("ix_audit_events_action_seq", "action", "seq"),
        Index("ix_audit_events_occurred_at", "occurred_at"),
    )

    # The chain order. ALWAYS: nobody picks their own position in the chain.
    seq: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_type: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(Text)
    # Collation "C" lets the plain btree serve prefix filters ("auth.%").
    action: Mapped[str] = mapped_column(Text(collation="C"))
    entity_type: Mapped[str | None] = mapped_column(Text)
    entity_id: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'"))
    request_id: Mapped[str | None] = mapped_column(Text)
    client_ip: Mapped[str | None] = mapped_column(Text)
    # Unique: two events claiming the same predecessor would be a fork; the second one fails.
    prev_hash: Mapped[str] = mapped_column(Text, unique=True)
    hash: Mapped[str] = mapped_column(Text, unique=True)
