"""Bodies of the cleaning endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.quality.cleaning_plan import CLEANABLE


class CleaningCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "company"]
    fields: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=20,
        description="Fields to clean (default: every cleanable field of the entity)",
    )
    source: str | None = Field(
        default=None,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Only records whose `source_system` is this",
    )

    @model_validator(mode="after")
    def _known_fields(self) -> CleaningCreate:
        if self.fields is not None:
            unknown = sorted(set(self.fields) - set(CLEANABLE[self.entity]))
            if unknown:
                allowed = ", ".join(CLEANABLE[self.entity])
                raise ValueError(f"not cleanable for {self.entity}: {unknown}; one of {allowed}")
        return self


class CleaningStarted(BaseModel):
    id: uuid.UUID = Field(description="The cleaning run: `/v1/quality/cleanings/{id}`")
    job_id: uuid.UUID = Field(description="The background job: `/v1/jobs/{job_id}`")
    status: str


class Progress(BaseModel):
    job_id: uuid.UUID | None
    job_status: str | None
    done: int
    total: int | None


class CleaningRead(BaseModel):
    id: uuid.UUID
    entity: str
    fields: list[str]
    source: str | None
    status: str = Field(
        description="planning | planned | applying | applied | failed (a job gave up)"
    )
    progress: Progress = Field(description="Of the step running now (dry run or apply)")
    records_scanned: int
    records_to_change: int
    changes_per_field: dict[str, int]
    unresolved_per_field: dict[str, int] = Field(
        description="Values no normaliser can fix (invalid phone…): left as they are"
    )
    blocked: dict[str, int] = Field(
        description="Records a write would refuse as a whole (a required field missing), "
        "per finding code: not changed"
    )
    applied: dict[str, int] = Field(
        description="After apply: records applied / unchanged / skipped_changed / refused"
    )
    refused_per_code: dict[str, int]
    created_at: datetime
    planned_at: datetime | None
    applicable_until: datetime | None = Field(description="Apply before this, or dry-run again")
    applied_at: datetime | None


class FieldChangeRead(BaseModel):
    field: str
    before: str | list[str] | None = Field(description="A list for additional emails and phones")
    after: str | list[str] | None


class ChangeRead(BaseModel):
    record_id: uuid.UUID
    planned_version: int
    current_version: int | None = Field(description="None when the record no longer exists")
    outcome: str = Field(description="pending | applied | unchanged | skipped_changed | refused")
    stale: bool = Field(
        description="The record changed since the dry run: the values shown are today's plan"
    )
    changes: list[FieldChangeRead] = Field(
        description="Re-planned from the record as it is now (values are not stored with "
        "the run); after apply, `before` is no longer known and shows null"
    )
    unresolved: list[str] = Field(description="Fields whose value could not be normalised")
