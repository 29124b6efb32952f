"""The dataset report as the API returns it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field


class MetricValue(BaseModel):
    value: float | None = Field(
        description="A share (0 to 1) for share metrics, the mean for `score_average`, the "
        "number of records for `records`; null when there is nothing to measure"
    )
    count: int | None = Field(description="Records counted (null for averages)")


class GoalStatus(BaseModel):
    metric: str = Field(examples=["civility_missing"])
    target: float
    direction: Literal["at_least", "at_most"]
    due: date | None
    current: float | None = Field(description="The metric's value in this report or snapshot")
    met: bool | None = Field(description="null when there is no value to judge")


class SourceGroup(BaseModel):
    source_system: str | None
    records: int
    metrics: dict[str, MetricValue]


class CreatorGroup(BaseModel):
    created_by_type: str
    created_by_id: uuid.UUID | None
    display_name: str | None = Field(
        description="A service account's name or a person's login; null for the system"
    )
    records: int
    metrics: dict[str, MetricValue]


class Breakdowns(BaseModel):
    by_source: list[SourceGroup]
    by_creator: list[CreatorGroup]
    truncated: bool = Field(description="true when a breakdown kept only its largest groups")


class QualityReport(BaseModel):
    entity: Literal["contact", "company"]
    generated_at: datetime
    filters: dict[str, str] = Field(description="The filters applied (none: the whole dataset)")
    records: int = Field(description="Active records in scope: every share's denominator")
    unscored: int = Field(
        description="Records not yet scored: absent from score_average and "
        "from the flag-based metrics (email/phone invalid, suspicious, valid)"
    )
    metrics: dict[str, MetricValue]
    goals: list[GoalStatus]
    goals_met: int
    breakdowns: Breakdowns | None
