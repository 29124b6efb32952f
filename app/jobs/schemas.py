"""Jobs as the API shows them: status, live progress, outcome; never the lease internals."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.jobs.models import Job
from app.jobs.policy import percentage

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class JobProgress(BaseModel):
    done: int = Field(examples=[42_000])
    total: int | None = Field(default=None, examples=[1_000_000])
    percentage: float | None = Field(
        default=None, description="done / total, 0–100; null while the total is unknown"
    )
    message: str | None = Field(
        default=None, description="What the job is doing, as a code", examples=["dedup.scan"]
    )


class JobError(BaseModel):
    code: str = Field(examples=["job.exception"])
    message: str | None = Field(
        default=None, description="Short and non-personal, e.g. an exception class name"
    )


class JobActor(BaseModel):
    type: Literal["user", "service_account", "system", "anonymous"]
    id: uuid.UUID | None


class JobRead(BaseModel):
    id: uuid.UUID
    kind: str = Field(examples=["dedup.scan"])
    status: JobStatus
    params: dict[str, Any]
    progress: JobProgress
    result: dict[str, Any] | None = Field(description="The handler's summary, once succeeded")
    error: JobError | None = Field(
        description="Why the last attempt failed (kept while a retry is queued)"
    )
    attempts: int
    max_attempts: int
    cancel_requested: bool
    run_after: datetime = Field(description="Not started before this time (delays, back-off)")
    created_by: JobActor
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    heartbeat_at: datetime | None

    @classmethod
    def of(cls, job: Job) -> JobRead:
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,  # type: ignore[arg-type]
            params=job.params,
            progress=JobProgress(
                done=job.progress_done,
                total=job.progress_total,
                percentage=percentage(job.progress_done, job.progress_total),
                message=job.progress_message,
            ),
            result=job.result,
            error=JobError(code=job.error_code, message=job.error_message)
            if job.error_code
            else None,
            attempts=job.attempts,
            max_attempts=job.max_attempts,
            cancel_requested=job.cancel_requested,
            run_after=job.run_after,
            created_by=JobActor(type=job.created_by_type, id=job.created_by_id),  # type: ignore[arg-type]
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            heartbeat_at=job.heartbeat_at,
        )
