"""The register of data subject requests (GDPR art. 12-22) and their legal deadlines."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Index, Integer, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.gdpr.dsr_policy import CHANNELS, KINDS, STATUSES

TIMESTAMP = DateTime(timezone=True)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class DsrRequest(Base):
    """One request from a person about their data. `notes` is free text for the handling
    team: the API tells callers to keep personal data out of it (the register outlives
    erasure of the subject, by design: it proves the request was answered)."""

    __tablename__ = "dsr_requests"
    __table_args__ = (
        CheckConstraint(_one_of("kind", KINDS), name="kind"),
        CheckConstraint(_one_of("status", STATUSES), name="status"),
        CheckConstraint(_one_of("channel", CHANNELS), name="channel"),
        CheckConstraint("extended_months BETWEEN 0 AND 2", name="extended_months"),
        Index("ix_dsr_requests_received_at_id", "received_at", "id"),
        # The overdue report walks open requests by deadline.
        Index(
            "ix_dsr_requests_open_due_at",
            "due_at",
            "id",
            postgresql_where=text("status IN ('received', 'in_progress')"),
        ),
        Index("ix_dsr_requests_contact_id", "contact_id"),
    )
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="received")
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    due_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    extended_months: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    extension_reason: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    handler_id: Mapped[uuid.UUID | None] = mapped_column()
    # No foreign key: a deleted subject leaves the request (and its id) in the register.
    contact_id: Mapped[uuid.UUID | None] = mapped_column()
    notes: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        TIMESTAMP, server_default=func.now(), onupdate=func.now()
    )
