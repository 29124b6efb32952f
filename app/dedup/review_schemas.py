"""Bodies of the scan and review-queue endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from app.core.i18n import Lang
from app.dedup.reason_texts import localised
from app.dedup.schemas import EvidenceRead


class ScanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "company"]
    since: AwareDatetime | None = Field(
        default=None, description="Only records changed since then (an incremental scan)"
    )


class ReindexRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "company"]


class ScanStarted(BaseModel):
    job_id: uuid.UUID = Field(description="Follow it at /v1/jobs/{job_id}")
    status: str


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirm", "dismiss"]
    reason: str | None = Field(default=None, max_length=500)


class PairRead(BaseModel):
    id: uuid.UUID
    entity: str
    left_id: uuid.UUID
    right_id: uuid.UUID
    probability: float
    verdict: str
    reasons: list[str]
    evidence: list[EvidenceRead]
    status: str
    decided_at: datetime | None
    decision_reason: str | None
    created_at: datetime

    @classmethod
    def of(cls, pair, lang: Lang = "en") -> PairRead:  # type: ignore[no-untyped-def]
        return cls(
            id=pair.id,
            entity=pair.entity,
            left_id=pair.left_id,
            right_id=pair.right_id,
            probability=pair.probability,
            verdict=pair.verdict,
            reasons=localised(pair.reasons, lang),
            evidence=[EvidenceRead(**e) for e in pair.evidence],
            status=pair.status,
            decided_at=pair.decided_at,
            decision_reason=pair.decision_reason,
            created_at=pair.created_at,
        )


class PrecisionRow(BaseModel):
    verdict: str
    band: str = Field(description="Probability band")
    confirmed: int
    dismissed: int
    open: int
    precision: float | None = Field(description="confirmed / decided; null when none decided")


class OriginRow(BaseModel):
    source_system: str | None
    created_by_type: str | None
    created_by_id: uuid.UUID | None
    pairs: int


class ClusterRead(BaseModel):
    id: uuid.UUID
    size: int
    record_ids: list[uuid.UUID]


class AliasCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    alias: str = Field(min_length=1, max_length=200, examples=["Big Blue"])
    canonical: str = Field(min_length=1, max_length=200, examples=["IBM"])
    kind: Literal["acronym", "former_name", "trade_name"] = "trade_name"


class AliasRead(BaseModel):
    id: uuid.UUID
    alias: str
    canonical: str
    kind: str
    source: str
    created_at: datetime
