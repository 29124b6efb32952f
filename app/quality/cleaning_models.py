"""Cleaning runs and the records each one plans to change — ids, versions and field names
only: no personal value is copied here, so erasing a person never has to chase this table."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String, func
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

TIMESTAMP = DateTime(timezone=True)
RUN_STATUSES = ("planning", "planned", "applying", "applied")
OUTCOMES = ("pending", "applied", "unchanged", "skipped_changed", "refused")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class CleaningRun(Base):
    __tablename__ = "cleaning_runs"
    __table_args__ = (
        CheckConstraint(_one_of("status", RUN_STATUSES), name="status"),
        CheckConstraint("entity IN ('contact', 'company')", name="entity"),
    )
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    entity: Mapped[str] = mapped_column(String(16))
    fields: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    source_system: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="planning")
    plan_job_id: Mapped[uuid.UUID | None] = mapped_column()
    apply_job_id: Mapped[uuid.UUID | None] = mapped_column()
    # The dry run's report: records read, records to change, per-field and per-code counts.
    scanned: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    to_change: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    field_counts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    unresolved_counts: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default="{}"
    )
    blocked_counts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # The apply step's report: outcome → records, and refusal code → records.
    outcome_counts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    refused_counts: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.now())
    planned_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    apply_requested_by_id: Mapped[uuid.UUID | None] = mapped_column()
    applied_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)


class CleaningChange(Base):
    """One record a run plans to change: at which version, and which fields."""

    __tablename__ = "cleaning_changes"
    __table_args__ = (CheckConstraint(_one_of("outcome", OUTCOMES), name="outcome"),)

    run_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cleaning_runs.id", ondelete="CASCADE"), primary_key=True
    )
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[str]] = mapped_column(ARRAY(String(32)))
    unresolved: Mapped[list[str]] = mapped_column(
        ARRAY(String(32)), default=list, server_default="{}"
    )
    outcome: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    outcome_code: Mapped[str | None] = mapped_column(String(64))
