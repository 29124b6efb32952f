"""Companies, contacts, and the external references the CRM knows them by."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from app.core.db import Base

TIMESTAMP = DateTime(timezone=True)


class RecordColumns:
    """What every stored record carries besides its business fields."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    status: Mapped[str] = mapped_column(
        String(16), default="active", server_default="active", index=True
    )
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    owner_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    source_system: Mapped[str | None] = mapped_column(String(64), index=True)
    created_by_type: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    quality_issues: Mapped[list[str]] = mapped_column(
        ARRAY(String(64)), default=list, server_default="{}"
    )
    last_interaction_at: Mapped[datetime | None] = mapped_column(TIMESTAMP, index=True)
    # the stored quality score (app.quality): 0-100, NULL until first scored
    quality_score: Mapped[int | None] = mapped_column(SmallInteger)
    quality_dimensions: Mapped[dict[str, Any]] = mapped_column(
        JSONB, default=dict, server_default="{}"
    )
    quality_reasons: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default="[]")
    quality_flags: Mapped[list[str]] = mapped_column(
        ARRAY(String(64)), default=list, server_default="{}"
    )
    quality_scored_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    # field → {record_id, source_system, updated_at, verified}: where a field's value came
    # from when a merge or a write chose it (see app.merge.provenance)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    # clock time, not the transaction's start: rows of one batch keep their order
    created_at: Mapped[datetime] = mapped_column(
        TIMESTAMP, server_default=func.clock_timestamp(), index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        TIMESTAMP, server_default=func.now(), onupdate=func.now(), index=True
    )


def _quality_indexes(table: str) -> tuple[Index, Index]:
    active = text("status = 'active'")
    return (
        Index(
            f"ix_{table}_quality_by_source",
            "source_system",
            "quality_score",
            "id",
            postgresql_where=active,
        ),
        Index(f"ix_{table}_quality", "quality_score", "id", postgresql_where=active),
    )


class Company(RecordColumns, Base):
    __tablename__ = "companies"
    __table_args__ = _quality_indexes("companies")
    __mapper_args__ = {"version_id_col": RecordColumns.version, "eager_defaults": True}

    name: Mapped[str | None] = mapped_column(String(200))
    legal_form: Mapped[str | None] = mapped_column(String(32))
    siren: Mapped[str | None] = mapped_column(String(9), index=True)
    siret: Mapped[str | None] = mapped_column(String(14), index=True)
    vat_number: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(255), index=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(16))
    city: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    sector: Mapped[str | None] = mapped_column(String(120), index=True)
    size: Mapped[str | None] = mapped_column(String(16))


class Contact(RecordColumns, Base):
    __tablename__ = "contacts"
    __table_args__ = (
        *_quality_indexes("contacts"),
        # what retention sweeps walk: when each active, unheld contact's clock started
        Index(
            "ix_contacts_retention_anchor",
            text("GREATEST(COALESCE(collected_at, created_at), last_interaction_at)"),
            "id",
            postgresql_where=text("status = 'active' AND NOT legal_hold"),
        ),
    )
    __mapper_args__ = {"version_id_col": RecordColumns.version, "eager_defaults": True}

    civility: Mapped[str | None] = mapped_column(String(8))
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), index=True)
    email_domain: Mapped[str | None] = mapped_column(String(255), index=True)
    additional_emails: Mapped[list[str]] = mapped_column(
        ARRAY(String(320)), default=list, server_default="{}"
    )
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    additional_phones: Mapped[list[str]] = mapped_column(
        ARRAY(String(20)), default=list, server_default="{}"
    )
    job_title: Mapped[str | None] = mapped_column(String(200))
    job_function: Mapped[str | None] = mapped_column(String(32), index=True)
    company_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    lifecycle_stage: Mapped[str | None] = mapped_column(String(32), index=True)
    subscription_status: Mapped[str | None] = mapped_column(String(16))
    email_status: Mapped[str] = mapped_column(
        String(16), default="unknown", server_default="unknown"
    )
    lawful_basis: Mapped[str | None] = mapped_column(String(32))
    collection_method: Mapped[str | None] = mapped_column(String(32))
    collected_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    # Exempt from retention sweeps while a dispute or legal obligation requires the data.
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    anonymised_at: Mapped[datetime | None] = mapped_column(TIMESTAMP)


class ExternalRef(Base):
    """(entity, source system, external id) → record: how the CRM's ids keep working."""

    __tablename__ = "external_refs"
    __table_args__ = (
        UniqueConstraint("entity", "system", "external_id", name="uq_external_refs_key"),
        Index("ix_external_refs_record", "record_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    entity: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[uuid.UUID] = mapped_column()
    system: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP, server_default=func.now())
