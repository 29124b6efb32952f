"""Suppression list and consent history: what GDPR work keeps about people, minimally."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class Suppression(Base):
    """An address that must never be brought back: a keyed hash, never the address.

    Survives erasure on purpose (that is its job); the hash cannot be reversed without the
    service's key, and matches only the exact normalised address.
    """

    __tablename__ = "suppressions"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(32))  # erasure | objection | manual
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ConsentEvent(Base):
    """One change of a contact's consent or email status: the history behind its fields."""

    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_contact", "contact_id", "occurred_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    contact_id: Mapped[uuid.UUID] = mapped_column()
    field: Mapped[str] = mapped_column(String(32))  # subscription_status | email_status | …
    old_value: Mapped[str | None] = mapped_column(String(64))
    new_value: Mapped[str | None] = mapped_column(String(64))
    source_system: Mapped[str | None] = mapped_column(String(64))
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[uuid.UUID | None] = mapped_column()
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )
