"""Request and response bodies of the request register."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.gdpr.dsr_policy import MAX_EXTENSION_MONTHS, Channel, Kind, Status

NOTES_DESCRIPTION = (
    "Free text for the handling team. Do NOT write personal data here (no name, email, "
    "phone, or what the person said): the register is kept after the subject is erased, "
    "to prove the request was answered. Refer to the subject by `contact_id`."
)
MAX_NOTES = 2000


class DsrCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    channel: Channel
    received_at: AwareDatetime | None = Field(
        default=None, description="When the request arrived; now when omitted. Not in the future."
    )
    contact_id: uuid.UUID | None = None
    handler_id: uuid.UUID | None = Field(default=None, description="The user handling it")
    notes: str | None = Field(default=None, max_length=MAX_NOTES, description=NOTES_DESCRIPTION)


class Extension(BaseModel):
    model_config = ConfigDict(extra="forbid")

    months: int = Field(
        ge=1, le=MAX_EXTENSION_MONTHS, description="Months added to the one-month deadline"
    )
    reason: str = Field(min_length=1, max_length=500, description="Why (no personal data)")


class DsrUpdate(BaseModel):
    """Only the fields sent change; `null` clears `handler_id`, `contact_id` or `notes`."""

    model_config = ConfigDict(extra="forbid")

    status: Status | None = None
    handler_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    notes: str | None = Field(default=None, max_length=MAX_NOTES, description=NOTES_DESCRIPTION)
    extension: Extension | None = Field(
        default=None,
        description="Extend the deadline to 1 or 2 extra months in total (GDPR art. 12(3)); "
        "only while open and within the first month",
    )


class DsrRead(BaseModel):
    id: uuid.UUID
    kind: Kind
    status: Status
    channel: Channel
    received_at: datetime
    due_at: datetime
    extended_months: int
    extension_reason: str | None
    completed_at: datetime | None = Field(description="When it was completed or refused")
    handler_id: uuid.UUID | None
    contact_id: uuid.UUID | None
    notes: str | None
    overdue: bool
    days_left: int = Field(
        description="Calendar days (UTC) to the deadline: 0 on the day, negative after"
    )
    version: int
    created_at: datetime
    updated_at: datetime
