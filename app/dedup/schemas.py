"""Bodies of the duplicate endpoints."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.i18n import Lang
from app.dedup.reason_texts import localised
from app.records.schemas import CompanyCreate, ContactCreate

# What a lookup's record may name: anything its create body may (a CRM can send the body it
# is about to create), so a misspelt field is refused rather than silently not compared.
RECORD_FIELDS: Mapping[str, frozenset[str]] = {
    "contact": frozenset(ContactCreate.model_fields),
    "company": frozenset(CompanyCreate.model_fields),
}


class LookupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entity: Literal["contact", "company"]
    record: dict[str, Any] = Field(
        description="The record's fields as a form or the CRM has them (raw values are fine), "
        "named as in `POST /v1/contacts` or `POST /v1/companies`; another name is refused",
        examples=[{"first_name": "Jean", "last_name": "Dupont", "email": "j.dupont@acme.fr"}],
    )
    limit: int = Field(default=10, ge=1, le=50)

    def unknown_fields(self) -> list[str]:
        return sorted(set(self.record) - RECORD_FIELDS[self.entity])


class EvidenceRead(BaseModel):
    field: str
    level: str | None = Field(description="Agreement level; null when a value is missing")
    weight: float = Field(description="log2(m/u): positive for evidence of a match")


class MatchRead(BaseModel):
    id: uuid.UUID
    probability: float
    verdict: Literal["duplicate", "possible", "related", "distinct"]
    reasons: list[str]
    evidence: list[EvidenceRead]


class LookupResult(BaseModel):
    matches: list[MatchRead]
    candidates_compared: int
    keys_used: int
    keys_capped: int = Field(description="Blocking keys skipped because their block was too big")


def match_read(record_id: uuid.UUID, result: Any, lang: Lang = "en") -> MatchRead:
    return MatchRead(
        id=record_id,
        probability=round(result.probability, 6),
        verdict=result.verdict.value,
        reasons=localised(result.reasons, lang),
        evidence=[
            EvidenceRead(field=e.field, level=e.level, weight=round(e.weight, 3))
            for e in result.evidence
        ],
    )
