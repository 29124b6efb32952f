"""Bodies of the merge endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.merge.fields import FieldRule, SurvivorRule


class MergeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "company"]
    record_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=50, description="The records merged, survivor included or not"
    )
    survivor_id: uuid.UUID | None = Field(
        default=None, description="The record that survives; chosen by `rule` when absent"
    )
    rule: SurvivorRule | None = Field(
        default=None, description="How to choose the survivor (default from settings)"
    )
    field_rules: dict[str, FieldRule] = Field(
        default_factory=dict,
        max_length=30,
        description="Survivorship rule per field for this merge, over the settings",
        examples=[{"phone": "most_recent"}],
    )
    overrides: dict[str, uuid.UUID] = Field(
        default_factory=dict,
        max_length=30,
        description="Field → the record whose value to keep (fields moving together, "
        "such as an address, follow the one named)",
    )
    dry_run: bool = Field(default=False, description="Show the golden record, change nothing")


class SurvivorshipUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    field_rules: dict[str, FieldRule] = Field(default_factory=dict, max_length=30)
    overrides: dict[str, uuid.UUID] = Field(default_factory=dict, max_length=30)
    dry_run: bool = False


class ChoiceRead(BaseModel):
    value: Any = None
    record_id: uuid.UUID
    source_system: str | None
    updated_at: datetime
    rule: str = Field(description="The rule that chose it, `override`, `strictest`, …")
    verified: bool


class MergePlanRead(BaseModel):
    """What a merge would do (dry run)."""

    entity: str
    survivor_id: uuid.UUID
    merged_ids: list[uuid.UUID]
    survivor_rule: str
    changed_fields: list[str]
    fields: dict[str, ChoiceRead]


class FieldSourceRead(BaseModel):
    record_id: uuid.UUID
    source_system: str | None
    updated_at: datetime
    rule: str
    verified: bool


class MergeRead(BaseModel):
    id: uuid.UUID
    entity: str
    status: Literal["done", "undone"]
    survivor_id: uuid.UUID
    merged_ids: list[uuid.UUID]
    survivor_rule: str
    fields: dict[str, FieldSourceRead] = Field(description="Where each field's value came from")
    job_id: uuid.UUID | None
    created_at: datetime
    undone_at: datetime | None


class ProvenanceRead(BaseModel):
    record_id: uuid.UUID = Field(description="The record read")
    fields: dict[str, ChoiceRead]


class AutoMergeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "company"]
    dry_run: bool = Field(
        default=True, description="List what would be merged (the default); false merges"
    )


class AutoMergeStarted(BaseModel):
    job_id: uuid.UUID = Field(description="Follow it at /v1/jobs/{job_id}")
    status: str
