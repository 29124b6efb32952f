"""Subject exports: the bundle built for an access or portability request, kept 7 days."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Index, String, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

TIMESTAMP = DateTime(timezone=True)
EXPORT_STATUSES = ("pending", "ready", "expired")


class GdprExport(Base):
    """`bundle` holds the subject's personal data: it is cleared once `expires_at` passes
    (on read and by the retention sweep) and when the subject is erased."""

    __tablename__ = "gdpr_exports"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'ready', 'expired')", name="status"),
        CheckConstraint("status = 'ready' OR bundle IS NULL", name="bundle_only_when_ready"),
        Index("ix_gdpr_exports_contact_id", "contact_id"),
        Index(
            "ix_gdpr_exports_ready_expires_at",
            "expires_at",
            postgresql_where=text("status = 'ready'"),
        ),
    )
    __mapper_args__ = {"eager_defaults": True}

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # The contact asked for; the bundle is built from its survivor when it was merged away.
    contact_id: Mapped[uuid.UUID] = mapped_column()
    status: Mapped[str] = mapped_column(String(16), default="pending")
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    bundle: Mapped[dict[str, Any] | None] = mapped_column(JSONB(none_as_null=True))
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.now())
    ready_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    expires_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    downloaded_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
