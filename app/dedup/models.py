"""Blocking keys and term counts: how one record finds its candidates among millions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    Index,
    PrimaryKeyConstraint,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import true

from app.core.db import Base


class MatchKey(Base):
    """One row per (record, key-or-term): rewritten with the record, in its transaction.

    Holds both the blocking keys (candidates share one) and the term-frequency terms (how
    common a value is); their prefixes never collide.
    """

    __tablename__ = "match_keys"
    __table_args__ = (
        # `blocking` rides in the key so that candidate reads are index-only (migration 0022)
        PrimaryKeyConstraint(
            "entity", "key", "record_id", name="pk_match_keys", postgresql_include=["blocking"]
        ),
        Index("ix_match_keys_record", "record_id"),
    )

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    # False for a term only counted for its frequency ("fn:jean"): never a block to read.
    blocking: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class TermCount(Base):
    """How many active records carry each term, refreshed in bulk (see `refresh_terms`)."""

    __tablename__ = "term_counts"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    term: Mapped[str] = mapped_column(String(400), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)


class MatchKeyVersion(Base):
    """The engine's key version an entity's stored keys were written with (`key_versions`)."""

    __tablename__ = "match_key_versions"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class LevelCount(Base):
    """How many settled pairs showed a level of a field a base may set, as the entity's
    last full scan counted them (see `engine.estimate` and `level_counts`)."""

    __tablename__ = "match_level_counts"
    __table_args__ = (CheckConstraint("pairs > 0", name="pairs"),)

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    level: Mapped[str] = mapped_column(String(64), primary_key=True)
    pairs: Mapped[int] = mapped_column(BigInteger)
    scan_id: Mapped[uuid.UUID | None] = mapped_column()
    counted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class BaseSize(Base):
    __tablename__ = "dedup_base_sizes"

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    records: Mapped[int] = mapped_column(BigInteger)
    refreshed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class DuplicatePair(Base):
    """A scored pair for review; a dismissed pair is never suggested again."""

    __tablename__ = "duplicate_pairs"
    __table_args__ = (
        UniqueConstraint("entity", "left_id", "right_id", name="uq_duplicate_pairs_pair"),
        CheckConstraint("left_id < right_id", name="ordered"),
        Index("ix_duplicate_pairs_queue", "entity", "status", "verdict", "probability"),
        Index("ix_duplicate_pairs_right", "right_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    entity: Mapped[str] = mapped_column(String(16))
    left_id: Mapped[uuid.UUID] = mapped_column()  # the smaller id: one row per pair
    right_id: Mapped[uuid.UUID] = mapped_column()
    probability: Mapped[float] = mapped_column(Float)
    verdict: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[str]] = mapped_column(JSONB)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(String(16), default="open", server_default="open")
    job_id: Mapped[uuid.UUID | None] = mapped_column()
    decided_by_type: Mapped[str | None] = mapped_column(String(20))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column()
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class DuplicateCluster(Base):
    """Membership of the clusters the last full scan found (one row per record)."""

    __tablename__ = "duplicate_clusters"
    __table_args__ = (Index("ix_duplicate_clusters_cluster", "entity", "cluster_id"),)

    entity: Mapped[str] = mapped_column(String(16), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    cluster_id: Mapped[uuid.UUID] = mapped_column()
    size: Mapped[int] = mapped_column()
    job_id: Mapped[uuid.UUID | None] = mapped_column()


class CompanyAlias(Base):
    """Another name of a company (acronym, former name, trade name) and the name it stands for.

    Matching reads a company under its canonical name, so "Big Blue" meets "IBM" once
    somebody (or a rename) said so.
    """

    __tablename__ = "company_aliases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    alias: Mapped[str] = mapped_column(String(200))
    alias_key: Mapped[str] = mapped_column(String(200), unique=True)
    canonical: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # acronym | former_name | trade_name
    source: Mapped[str] = mapped_column(String(16))  # manual | rename | merge
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
