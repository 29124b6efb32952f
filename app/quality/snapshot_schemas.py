"""Snapshots and the trend as the API returns them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.quality.report_schemas import GoalStatus, MetricValue


class SnapshotCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "company"] | None = Field(
        default=None, description="One entity, or both when omitted"
    )


class SnapshotRead(BaseModel):
    id: uuid.UUID
    entity: Literal["contact", "company"]
    taken_at: datetime
    trigger: Literal["schedule", "manual"]
    records: int
    metrics: dict[str, MetricValue]
    taken_by_type: str
    taken_by_id: uuid.UUID | None


class SnapshotsTaken(BaseModel):
    items: list[SnapshotRead]


class TrendPoint(BaseModel):
    taken_at: datetime
    value: float | None
    count: int | None


class TrendSeries(BaseModel):
    metric: str
    kind: Literal["share", "average", "count"]
    better: Literal["higher", "lower"] | None
    points: list[TrendPoint] = Field(description="One per snapshot, oldest first")
    goal: GoalStatus | None = Field(description="Judged on the latest point in range")


class Trend(BaseModel):
    entity: Literal["contact", "company"]
    snapshots: int = Field(description="Snapshots in range (the points of every series)")
    truncated: bool = Field(description="true when only the latest snapshots in range were kept")
    series: list[TrendSeries]
