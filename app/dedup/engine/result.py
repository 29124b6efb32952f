"""What scoring a pair returns: a probability, a verdict, per-field evidence and reasons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from app.dedup.engine import phrases


class Verdict(StrEnum):
    DUPLICATE = "duplicate"
    POSSIBLE = "possible"
    RELATED = "related"  # same SIREN other establishment; parent/subsidiary; group website
    DISTINCT = "distinct"


class Evidence(NamedTuple):  # a tuple: millions are built in a batch scan
    field: str
    level: str | None  # None: a value is missing, no evidence either way
    weight: float  # log2(m/u); 0.0 for the null level


@dataclass(frozen=True, slots=True)
class MatchResult:
    probability: float
    verdict: Verdict
    evidence: tuple[Evidence, ...]
    entity: str  # "company" | "contact": whose phrases say the evidence
    rules: tuple[str, ...] = ()  # what decided beyond the weights, said first
    notes: tuple[str, ...] = ()  # what only the comparison knew, said last

    @property
    def reasons(self) -> tuple[str, ...]:
        """Human-readable, strongest first. Said when asked, not when scored: a scan scores
        millions of pairs and keeps a few thousand."""
        return self.rules + phrases.said(self.entity, self.evidence) + self.notes

    def level(self, field: str) -> str | None:
        return next((e.level for e in self.evidence if e.field == field), None)
