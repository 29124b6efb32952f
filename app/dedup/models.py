"""Blocking keys and term counts: how one record finds its candidates among millions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class MatchKey(Base):
    """One row per (record, key-or-term): rewritten with the record, in its transaction.

    Holds both the blocking keys (candidates share one) and the term-frequency terms (how
    common a value is); their prefixes never collide.
    """

    __tablename__ = "match_keys"
    __table_args__ = (Index("ix_match_keys_record", "record_id"),)

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


class TermCount(Base):
    """How many active records carry each term, refreshed in bulk (see `refresh_terms`)."""

    __tablename__ = "term_counts"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    term: Mapped[str] = mapped_column(String(400), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class BaseSize(Base):
    __tablename__ = "dedup_base_sizes"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    records: Mapped[int] = mapped_column(BigInteger)
    refreshed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
