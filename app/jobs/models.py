"""The `jobs` queue and the `job_schedules` that feed it periodically."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Index,
    Integer,
    Interval,
    String,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.jobs.policy import JOB_STATUSES

TIMESTAMP = DateTime(timezone=True)
_STATUS_LIST = ", ".join(f"'{s}'" for s in JOB_STATUSES)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_LIST})", name="status"),
        CheckConstraint(
            "created_by_type IN ('user', 'service_account', 'system', 'anonymous')",
            name="created_by_type",
        ),
        CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts"),
        CheckConstraint(
            "progress_done >= 0 AND (progress_total IS NULL OR progress_total >= 0)",
            name="progress",
        ),
        # The dequeue query walks this small index: only queued rows, due first.
        Index("ix_jobs_queued_run_after", "run_after", postgresql_where=text("status = 'queued'")),
        # Workers look for leases that ran out (a killed worker) through this one.
        Index(
            "ix_jobs_running_locked_until",
            "locked_until",
            postgresql_where=text("status = 'running'"),
        ),
        Index("ix_jobs_created_at_id", "created_at", "id"),
        Index("ix_jobs_kind_created_at_id", "kind", "created_at", "id"),
        Index("ix_jobs_status_created_at_id", "status", "created_at", "id"),
    )

    __mapper_args__ = {"eager_defaults": True}  # created_at, run_after: read back on insert

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="queued", server_default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default=text("'{}'"))
    progress_done: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    progress_total: Mapped[int | None] = mapped_column(BigInteger)
    progress_message: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(String(200))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    max_attempts: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    run_after: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.now())
    locked_by: Mapped[str | None] = mapped_column(String(128))
    locked_until: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    heartbeat_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    cancel_requested: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    # Whatever the handler needs to resume where a killed worker stopped.
    checkpoint: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.now())
    started_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    finished_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)


class JobSchedule(Base):
    """One row per schedule declared in code: the row lock decides which worker enqueues."""

    __tablename__ = "job_schedules"
    __table_args__ = (CheckConstraint("every > interval '0'", name="every_positive"),)

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    every: Mapped[timedelta] = mapped_column(Interval)
    next_run_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    last_enqueued_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    last_job_id: Mapped[uuid.UUID | None] = mapped_column()
