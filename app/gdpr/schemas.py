"""Bodies of the erasure, subject search, suppression and consent endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ErasureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_id: uuid.UUID
    mode: Literal["anonymize", "delete"]
    reason: Literal["request", "objection", "retention", "other"] = Field(
        default="request", description="Why: kept in the audit trail"
    )


class ErasureRead(BaseModel):
    contact_id: uuid.UUID = Field(description="The subject: the survivor of any merge")
    mode: Literal["anonymize", "delete"]
    records: list[uuid.UUID] = Field(description="Every record erased (merged-away included)")
    erased_at: datetime


class LegalHold(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hold: bool
    reason: Literal["dispute", "legal_obligation", "investigation", "other"] = "other"


class SubjectRecord(BaseModel):
    id: uuid.UUID
    status: str
    merged_into_id: uuid.UUID | None


class SubjectRead(BaseModel):
    subject_id: uuid.UUID
    status: str
    records: list[SubjectRecord]


class EmailBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # An address: something@something, without control characters (U+0000 included, which
    # would otherwise be hashed into a suppression no real address can ever match).
    email: str = Field(
        min_length=3, max_length=320, pattern=r"^[^\x00-\x1f\x7f]+@[^\x00-\x1f\x7f]+$"
    )


class SuppressionCreate(EmailBody):
    reason: Literal["objection", "manual"] = "objection"


class SuppressionState(BaseModel):
    suppressed: bool


class ConsentEventRead(BaseModel):
    field: str
    old_value: str | None
    new_value: str | None
    source_system: str | None
    actor_type: str
    occurred_at: datetime


class ConsentRead(BaseModel):
    contact_id: uuid.UUID
    lawful_basis: str | None
    collection_method: str | None
    collected_at: datetime | None
    source_system: str | None
    subscription_status: str | None
    email_status: str
    marketing_eligible: bool
    legal_hold: bool
    history: list[ConsentEventRead] = Field(
        description="Changes of consent fields, oldest first, merged-away records included"
    )
