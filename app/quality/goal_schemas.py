"""Goals as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class GoalWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target: float = Field(
        description="Shares from 0 to 1, the score average from 0 to 100", examples=[0.05]
    )
    direction: Literal["at_least", "at_most"] = Field(examples=["at_most"])
    due: date | None = Field(default=None, description="When the goal should be met")


class GoalRead(BaseModel):
    entity: Literal["contact", "company"]
    metric: str
    target: float
    direction: Literal["at_least", "at_most"]
    due: date | None
    created_at: datetime
    updated_at: datetime
