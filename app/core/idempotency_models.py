"""The table behind `Idempotency-Key`: one row per (caller, operation, key)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

TIMESTAMP = DateTime(timezone=True)
IN_PROGRESS = "in_progress"
COMPLETED = "completed"


class IdempotencyKey(Base):
    """A claimed key: `in_progress` while its request runs, then the response to replay.

    Only a SHA-256 fingerprint of the request is kept, never its body. The stored
    response body is the exact JSON text first sent, so a replay is byte-identical.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint(
            "principal_type", "principal_id", "method", "route", "key",
            name="uq_idempotency_keys_scope",
        ),
        CheckConstraint("status IN ('in_progress', 'completed')", name="status"),
        CheckConstraint(
            "status = 'in_progress' OR (response_status IS NOT NULL AND response_body IS NOT NULL)",
            name="completed_has_response",
        ),
        Index("ix_idempotency_keys_expires_at", "expires_at"),
    )  # fmt: skip

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    principal_type: Mapped[str] = mapped_column(String(32))
    principal_id: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    route: Mapped[str] = mapped_column(String(512))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    # Changes on every claim: a request only finishes or releases the claim it still holds.
    lock_token: Mapped[uuid.UUID] = mapped_column()
    locked_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    response_status: Mapped[int | None] = mapped_column(Integer)
    response_body: Mapped[str | None] = mapped_column(Text)
    response_headers: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    expires_at: Mapped[datetime] = mapped_column(TIMESTAMP)
