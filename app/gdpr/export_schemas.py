"""Bodies of the subject export endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ExportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    contact_id: uuid.UUID = Field(
        description="Any record of the subject: a contact merged away is exported from its "
        "survivor, with every record merged into it"
    )


class ExportRead(BaseModel):
    id: uuid.UUID
    contact_id: uuid.UUID
    status: Literal["pending", "ready", "expired"]
    job_id: uuid.UUID | None = Field(description="The job building it: `/v1/jobs/{job_id}`")
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None = Field(description="After this the bundle is deleted")
    downloaded_at: datetime | None = Field(description="Last download")
