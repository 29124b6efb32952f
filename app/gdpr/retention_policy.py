"""Retention rule for contacts (pure): when a contact's data falls due for anonymisation.

After the CNIL's guidance for B2B prospects: data is kept at most three years after its
collection or after the last contact initiated by the prospect, whichever is later (an email
opened is not a contact: the CRM must only move `last_interaction_at` for real exchanges).
Customers are kept while the relationship lasts unless `customer_years` is set. A legal hold
exempts a record, and only active records are swept (merged-away records go with their
survivor; anonymised ones are already done).

Years are calendar years in UTC: 29 February plus three years is 28 February.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

Action = Literal["anonymize", "delete"]
ACTIONS: tuple[str, ...] = get_args(Action)

DEFAULT_PROSPECT_YEARS = 3
DEFAULT_CUSTOMER_YEARS: int | None = None  # customers are kept
DEFAULT_CUSTOMER_STAGES: tuple[str, ...] = ("customer",)
DEFAULT_ACTION: Action = "anonymize"
MAX_YEARS = 100


def stage_key(stage: str | None) -> str:
    """How stages compare, here and in SQL (`lower(trim(...))`)."""
    return (stage or "").strip().lower()


@dataclass(frozen=True, slots=True)
class RetentionPolicy:
    prospect_years: int = DEFAULT_PROSPECT_YEARS
    customer_years: int | None = DEFAULT_CUSTOMER_YEARS
    customer_stages: tuple[str, ...] = DEFAULT_CUSTOMER_STAGES
    action: Action = DEFAULT_ACTION

    def __post_init__(self) -> None:
        _check_years(self.prospect_years)
        if self.customer_years is not None:
            _check_years(self.customer_years)
        if self.action not in ACTIONS:
            raise ValueError("retention action must be anonymize or delete")
        stages = tuple(stage_key(s) for s in self.customer_stages)
        if not all(stages):
            raise ValueError("customer stages must not be empty")
        object.__setattr__(self, "customer_stages", stages)

    def is_customer(self, stage: str | None) -> bool:
        return stage_key(stage) in self.customer_stages

    def years_for(self, stage: str | None) -> int | None:
        """How long a record at this stage is kept; None when it is kept indefinitely."""
        return self.customer_years if self.is_customer(stage) else self.prospect_years

    def as_params(self) -> dict[str, Any]:
        """As a job's params: what a dry run was computed with, compared before a real sweep."""
        return {
            "prospect_years": self.prospect_years,
            "customer_years": self.customer_years,
            "customer_stages": list(self.customer_stages),
            "action": self.action,
        }

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> RetentionPolicy:
        return cls(
            prospect_years=params["prospect_years"],
            customer_years=params["customer_years"],
            customer_stages=tuple(params["customer_stages"]),
            action=params["action"],
        )


def _check_years(years: object) -> None:
    if isinstance(years, bool) or not isinstance(years, int):
        raise ValueError("retention years must be whole numbers")
    if not 1 <= years <= MAX_YEARS:
        raise ValueError(f"retention years must be between 1 and {MAX_YEARS}")


@dataclass(frozen=True, slots=True)
class RetentionFacts:
    """What the rule reads of a contact."""

    status: str
    legal_hold: bool
    lifecycle_stage: str | None
    created_at: datetime
    collected_at: datetime | None = None
    last_interaction_at: datetime | None = None


def add_years(moment: datetime, years: int) -> datetime:
    """Same date and time `years` later in UTC; 29 February becomes 28 February."""
    moment = moment.astimezone(UTC)
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February into a common year
        return moment.replace(year=moment.year + years, day=28)


def clock_start(facts: RetentionFacts) -> datetime:
    """When the retention period starts: collection (creation when unknown), or the last
    interaction when it is later."""
    start = facts.collected_at or facts.created_at
    if facts.last_interaction_at is not None and facts.last_interaction_at > start:
        return facts.last_interaction_at
    return start


def due_at(facts: RetentionFacts, policy: RetentionPolicy) -> datetime | None:
    """When the contact falls due; None when it never does as things stand (not active,
    under legal hold, or a customer kept while the relationship lasts)."""
    if facts.status != "active" or facts.legal_hold:
        return None
    years = policy.years_for(facts.lifecycle_stage)
    if years is None:
        return None
    return add_years(clock_start(facts), years)


def is_due(facts: RetentionFacts, policy: RetentionPolicy, at: datetime) -> bool:
    """Whether the contact is due at `at` (pass now + N days for "due within N days")."""
    due = due_at(facts, policy)
    return due is not None and due <= at
