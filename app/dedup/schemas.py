"""Bodies of the duplicate endpoints."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.i18n import Lang
from app.dedup.engine import estimate
from app.dedup.level_counts import Counted
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


class LevelRead(BaseModel):
    level: str
    m_judged: float = Field(
        description="How often two records of one entity show this level, "
        "as the shipped model judges it"
    )
    m_in_use: float = Field(
        description="The m scans and lookups weigh with: the judgement, or "
        "for a field the base may set, read from its settled pairs"
    )
    u: float = Field(
        description="How often two different entities show it by chance (for a "
        "level weighed by how common the value is, the floor under that)"
    )
    weighed_by_frequency: bool = Field(description="u follows how common the agreed value is")
    settled_pairs: int = Field(description="Settled pairs of the last full scan at this level")


class FieldModelRead(BaseModel):
    field: str
    read_from_base: bool = Field(description="Whether this field's m may be read from the base")
    settled_pairs: int
    levels: list[LevelRead]


class MatchModelRead(BaseModel):
    entity: Literal["contact", "company"]
    counted_by_scan: uuid.UUID | None = Field(
        description="The full scan whose counts are in use; null before the first full scan"
    )
    counted_at: datetime | None
    settled_at: float = Field(
        description="A pair counts as settled when its other fields alone "
        "give at least this probability"
    )
    prior_pairs: float = Field(description="Pseudo-pairs drawing each m read towards the judgement")
    fields: list[FieldModelRead]


def model_read(entity: str, judged: Any, in_use: Any, counted: Counted) -> MatchModelRead:
    pairs = {(field, level): n for field, level, n in counted.levels}
    readable = set(estimate.ESTIMATED.get(entity, ()))
    fields = []
    for judged_field, used_field in zip(judged.fields, in_use.fields, strict=True):
        name = judged_field.comparison.field
        levels = [
            LevelRead(level=label, m_judged=round(weight.m, 6),
                      m_in_use=round(used_field.levels[label].m, 6), u=weight.u,
                      weighed_by_frequency=weight.tf_scale > 0,
                      settled_pairs=pairs.get((name, label), 0))
            for label, weight in judged_field.levels.items()
        ]  # fmt: skip
        fields.append(FieldModelRead(field=name, read_from_base=name in readable,
                                     settled_pairs=sum(lv.settled_pairs for lv in levels),
                                     levels=levels))  # fmt: skip
    return MatchModelRead(
        entity=entity,  # type: ignore[arg-type]
        counted_by_scan=counted.scan_id,
        counted_at=counted.counted_at,
        settled_at=estimate.SETTLED,
        prior_pairs=estimate.PRIOR_PAIRS,
        fields=fields,
    )
