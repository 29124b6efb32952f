"""Audit API responses."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.audit.chain import BreakReason
from app.audit.facts import ActorType


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    seq: int = Field(description="Position in the chain; newer events have larger numbers.")
    id: uuid.UUID
    occurred_at: datetime
    actor_type: ActorType
    actor_id: str | None
    action: str = Field(examples=["merge.performed"])
    entity_type: str | None = Field(examples=["contact"])
    entity_id: str | None
    fields: list[str] = Field(description="Names of the fields changed; never their values.")
    details: dict[str, str | int | bool | None]
    request_id: str | None
    client_ip: str | None
    prev_hash: str
    hash: str


class BrokenLinkRead(BaseModel):
    seq: int
    id: uuid.UUID
    reason: BreakReason = Field(
        description="`hash_mismatch`: the event was altered; `prev_hash_mismatch`: an event "
        "before it was removed, altered or reordered; `seq_not_increasing`: the order was altered."
    )


class ChainVerification(BaseModel):
    ok: bool
    checked: int = Field(description="Events examined, up to and including the first broken one.")
    first_broken: BrokenLinkRead | None
