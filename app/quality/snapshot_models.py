"""Dataset quality over time: snapshots of the report's whole-dataset metrics."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

TIMESTAMP = DateTime(timezone=True)


class QualitySnapshot(Base):
    """One entity's whole-dataset metrics at one moment (never filtered)."""

    __tablename__ = "quality_snapshots"
    __table_args__ = (
        Index("ix_quality_snapshots_entity_taken", "entity", "taken_at", "id"),
        CheckConstraint("trigger IN ('schedule', 'manual')", name="trigger"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    entity: Mapped[str] = mapped_column(String(16))
    taken_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.now())
    trigger: Mapped[str] = mapped_column(String(16))
    records: Mapped[int] = mapped_column(BigInteger)
    # metric name → {"value": number | null, "count": int | null}
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONB)
    taken_by_type: Mapped[str] = mapped_column(String(20))
    taken_by_id: Mapped[uuid.UUID | None] = mapped_column()
    job_id: Mapped[uuid.UUID | None] = mapped_column()
