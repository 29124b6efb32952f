"""Bodies of the retention endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DueContact(BaseModel):
    id: uuid.UUID
    clock_start: datetime = Field(
        description="Collection (creation if unknown) or last interaction, whichever is later"
    )
    due_at: datetime = Field(description="When the retention period ends")
    overdue: bool = Field(description="Already past its retention period")


class SweepCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dry_run: bool = Field(default=True, description="Count and list only; changes nothing")
    dry_run_job_id: uuid.UUID | None = Field(
        default=None,
        description="For a real sweep: the job id of a successful dry run, under the same "
        "policy, finished less than 24 hours ago",
    )

    @model_validator(mode="after")
    def _only_real_sweeps_cite_a_dry_run(self) -> SweepCreate:
        if self.dry_run and self.dry_run_job_id is not None:
            raise ValueError("dry_run_job_id is only for a real sweep (dry_run: false)")
        return self


class SweepStarted(BaseModel):
    job_id: uuid.UUID = Field(description="Its report is the job's result: `/v1/jobs/{job_id}`")
    status: str
    dry_run: bool
