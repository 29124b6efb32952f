"""Request and response models of the record score endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.i18n import Lang
from app.quality.score_messages import reason_message


class ReasonRead(BaseModel):
    dimension: str = Field(description="completeness | validity | uniqueness | timeliness | …")
    code: str = Field(description="Stable code, e.g. field.missing, email.typo, stale.update")
    field: str | None = None
    points: float = Field(description="Points this reason cost its dimension (0–100 scale)")
    message: str = Field(description="Readable in the Accept-Language (fr or en)")

    @classmethod
    def of(cls, stored: dict[str, Any], lang: Lang) -> ReasonRead:
        code, field = str(stored.get("code", "")), stored.get("field")
        return cls(
            dimension=str(stored.get("dimension", "")),
            code=code,
            field=field,
            points=float(stored.get("points", 0)),
            message=reason_message(code, field, lang),
        )


class RecordQualityRead(BaseModel):
    id: uuid.UUID
    entity: Literal["contact", "company"]
    status: str
    score: int | None = Field(description="0–100; null for an anonymised record")
    dimensions: dict[str, int]
    reasons: list[ReasonRead] = Field(description="What cost points, largest loss first")
    flags: list[str] = Field(description="Flags the dataset report counts (app.quality.flags)")
    scored_at: datetime | None
    stored: bool = Field(
        description="false: never scored yet, computed for this answer and not stored"
    )


class RescoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "company"]


class RescoreStarted(BaseModel):
    job_id: uuid.UUID = Field(description="Follow it at /v1/jobs/{job_id}")
    status: str
