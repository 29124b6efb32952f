"""Merges: who merged which records into which survivor, and what undoing it needs."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class Merge(Base):
    __tablename__ = "merges"
    __table_args__ = (
        Index("ix_merges_survivor", "survivor_id"),
        Index("ix_merges_merged_ids", "merged_ids", postgresql_using="gin"),
        Index("ix_merges_created_at", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    entity: Mapped[str] = mapped_column(String(16))
    survivor_id: Mapped[uuid.UUID] = mapped_column()
    merged_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid()))
    status: Mapped[str] = mapped_column(String(16), default="done")  # done | undone
    survivor_rule: Mapped[str] = mapped_column(String(32))  # explicit | most_complete | …
    # field → where its value came from (record, system, time, rule): no values
    fields: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # Everything undo restores: the records' values before, moved references and children,
    # re-pointed pairs, aliases learnt. Holds personal data: erasure purges it.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.clock_timestamp()
    )
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_type: Mapped[str | None] = mapped_column(String(20))
    undone_by_id: Mapped[uuid.UUID | None] = mapped_column()
