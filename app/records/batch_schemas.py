"""Bodies of the batch endpoints: up to 1,000 records, one result per row."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 1000


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["per_row", "atomic"] = Field(
        default="per_row",
        description="`per_row`: each valid row is written; `atomic`: all rows or none.",
    )
    match_on: Literal["external_ref", "email", "siren", "siret"] | None = Field(
        default=None,
        description="Business key that finds an existing record: the row's first external "
        "ref, or email (contacts), SIREN or SIRET (companies). None: always create.",
    )
    on_match: Literal["skip", "update", "create"] = "skip"
    records: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH)


class RowError(BaseModel):
    field: str
    code: str
    message: str


class RowResult(BaseModel):
    index: int
    status: Literal["created", "updated", "skipped", "rejected", "unchanged"]
    id: uuid.UUID | None = None
    errors: list[RowError] = Field(default_factory=list)
    possible_duplicates: list[uuid.UUID] = Field(
        default_factory=list, description="Stored records this created row may duplicate"
    )


class BatchSummary(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    rejected: int = 0


class BatchResult(BaseModel):
    committed: bool = Field(description="False when an atomic batch was refused as a whole")
    summary: BatchSummary
    results: list[RowResult]
