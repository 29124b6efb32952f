"""Goals set per entity and metric: a target value and which side of it counts as met."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, Float, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

TIMESTAMP = DateTime(timezone=True)


class QualityGoal(Base):
    __tablename__ = "quality_goals"
    __table_args__ = (CheckConstraint("direction IN ('at_least', 'at_most')", name="direction"),)

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    metric: Mapped[str] = mapped_column(String(64), primary_key=True)
    target: Mapped[float] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(8))
    due: Mapped[date | None] = mapped_column(Date)
    set_by_type: Mapped[str] = mapped_column(String(20))
    set_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        TIMESTAMP, server_default=func.now(), onupdate=func.now()
    )
