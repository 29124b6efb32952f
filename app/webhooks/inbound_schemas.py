"""The inbound delivery envelope, and the bodies of the inbound admin endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

EventType = Literal[
    "contact.created",
    "contact.updated",
    "contact.deleted",
    "company.created",
    "company.updated",
    "company.deleted",
]


class InboundData(BaseModel):
    model_config = ConfigDict(extra="forbid")

    external_id: str = Field(min_length=1, max_length=200, examples=["52011"])
    fields: dict[str, Any] = Field(
        default_factory=dict,
        description="The record's fields, named as in /v1/contacts or /v1/companies",
        examples=[{"first_name": "Claire", "last_name": "Martin", "email": "c.martin@acme.fr"}],
    )


class InboundEvent(BaseModel):
    """What the CRM sends: one record change."""

    model_config = ConfigDict(extra="forbid")

    type: EventType
    occurred_at: AwareDatetime | None = None
    data: InboundData


class Accepted(BaseModel):
    id: uuid.UUID = Field(description="The inbox entry; follow it at /v1/webhooks/inbox/{id}")
    status: Literal["accepted", "duplicate"]


class InboxRead(BaseModel):
    id: uuid.UUID
    source: str
    webhook_id: str
    event_type: str
    status: Literal["pending", "processed", "rejected", "failed"]
    attempts: int
    result: dict[str, Any] | None
    received_at: datetime
    processed_at: datetime | None


class SecretCreated(BaseModel):
    id: uuid.UUID
    source: str
    secret: str = Field(description="Shown once: give it to the source system")
    created_at: datetime


class SecretRead(BaseModel):
    id: uuid.UUID | None = Field(description="None for a secret set in CRMDQ_WEBHOOK_SECRETS")
    source: str
    origin: Literal["settings", "api"]
    created_at: datetime | None
