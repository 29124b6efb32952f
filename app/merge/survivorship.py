"""Survivorship: which record survives a merge and which value each field keeps (pure).

A merge never invents a value: every field of the golden record is taken from one of the
merged records, and the choice is kept with the record it came from, so a steward can see
it, override it, and compute it again under other rules.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from app.merge.fields import EntityFields, FieldRule, SurvivorRule

_EMPTY: tuple[object, ...] = (None, "", [], ())


def is_empty(value: object) -> bool:
    return value in _EMPTY or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True, slots=True)
class Candidate:
    """One record of a merge as survivorship sees it."""

    record_id: uuid.UUID
    source_system: str | None
    created_at: datetime
    updated_at: datetime
    values: Mapping[str, Any]
    # When each field was last written (provenance); the record's own update time otherwise.
    field_updated_at: Mapping[str, datetime] = field(default_factory=dict)
    issues: frozenset[str] = frozenset()  # quality issue codes ("phone.unknown_range")

    def updated(self, name: str) -> datetime:
        return self.field_updated_at.get(name, self.updated_at)

    def verification(self, name: str) -> int:
        """2 verified, 1 accepted by the validators as is, 0 flagged (bounced, a finding)."""
        if name == "email" and self.values.get("email_status") in ("bounced", "spamtrap"):
            return 0
        if any(issue.split(".")[0] == name for issue in self.issues):
            return 0
        if name == "email" and self.values.get("email_status") == "valid":
            return 2
        return 1


@dataclass(frozen=True, slots=True)
class Choice:
    """Where one field of the golden record comes from."""

    value: Any
    record_id: uuid.UUID
    source_system: str | None
    updated_at: datetime
    rule: str
    verified: bool


@dataclass(frozen=True, slots=True)
class Rules:
    fields: Mapping[str, FieldRule] = field(default_factory=dict)  # by a group's first field
    source_priority: Sequence[str] = ()  # most trusted system first
    overrides: Mapping[str, uuid.UUID] = field(default_factory=dict)  # field → record


class UnknownOverride(ValueError):
    """An override names a field survivorship does not choose, or a record not merged."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.field = name
        self.reason = reason


def choose_survivor(
    candidates: Sequence[Candidate], rule: SurvivorRule, spec: EntityFields, priority: Sequence[str]
) -> Candidate:
    """The record the others merge into; ties go to the oldest record."""

    def oldest(c: Candidate) -> tuple[datetime, str]:
        return (c.created_at, str(c.record_id))

    if rule == "oldest":
        return min(candidates, key=oldest)
    if rule == "most_recent":
        return max(candidates, key=lambda c: (c.updated_at, -c.created_at.timestamp()))
    if rule == "source_priority":
        return min(candidates, key=lambda c: (_rank(c.source_system, priority), oldest(c)))
    return min(candidates, key=lambda c: (-_filled(c, spec.all), oldest(c)))


def golden_record(
    survivor: Candidate,
    others: Sequence[Candidate],
    spec: EntityFields,
    rules: Rules,
    defaults: Mapping[str, FieldRule],
) -> dict[str, Choice]:
    """Every field of the merged record with where its value came from."""
    everyone = [survivor, *others]
    by_id = {c.record_id: c for c in everyone}
    overridden = _overridden_groups(rules.overrides, by_id, spec)
    chosen: dict[str, Choice] = {}
    for group in spec.groups:
        lead = group[0]
        if lead in overridden:
            source, rule = by_id[overridden[lead]], "override"
        else:
            rule = rules.fields.get(lead) or defaults.get(lead) or spec.default_rules[lead]
            source = _pick(group, everyone, rule, rules.source_priority)
        for name in group:
            chosen[name] = _choice(source, name, rule, lead)
    for name, order in spec.strictest.items():
        chosen[name] = _strictest(name, order, everyone)
    for primary, secondary in spec.united.items():
        chosen[secondary] = _united(primary, secondary, chosen[primary].value, everyone)
    for name in spec.latest:
        chosen[name] = _latest(name, everyone)
    return chosen


def _overridden_groups(
    overrides: Mapping[str, uuid.UUID], by_id: Mapping[uuid.UUID, Candidate], spec: EntityFields
) -> dict[str, uuid.UUID]:
    groups: dict[str, uuid.UUID] = {}
    for name, record_id in overrides.items():
        group = spec.group_of(name)
        if group is None:
            raise UnknownOverride(name, "not_chosen")
        if record_id not in by_id:
            raise UnknownOverride(name, "record_not_merged")
        if groups.get(group[0], record_id) != record_id:
            raise UnknownOverride(name, "group_split")
        groups[group[0]] = record_id
    return groups


def _pick(
    group: tuple[str, ...], everyone: list[Candidate], rule: FieldRule, priority: Sequence[str]
) -> Candidate:
    lead = group[0]
    filled = [c for c in everyone if any(not is_empty(c.values.get(n)) for n in group)]
    if not filled:
        return everyone[0]
    if rule == "survivor" and filled[0] is everyone[0]:
        return everyone[0]

    def recent(c: Candidate) -> datetime:
        return c.updated(lead)

    rankers: dict[str, Callable[[Candidate], Any]] = {
        "most_recent": lambda c: (recent(c),),
        "survivor": lambda c: (recent(c),),
        "most_complete": lambda c: (_filled(c, group), _length(c, group), recent(c)),
        "source_priority": lambda c: (-_rank(c.source_system, priority), recent(c)),
        "verified_first": lambda c: (c.verification(lead), recent(c)),
    }
    if rule == "most_frequent":
        counts = Counter(_fold(c, group) for c in filled)
        rankers[rule] = lambda c: (counts[_fold(c, group)], recent(c))
    # max() keeps the first of equals, and the survivor comes first
    return max(filled, key=rankers[rule])


def _choice(source: Candidate, name: str, rule: str, lead: str) -> Choice:
    return Choice(
        value=source.values.get(name),
        record_id=source.record_id,
        source_system=source.source_system,
        updated_at=source.updated(lead),
        rule=rule,
        verified=source.verification(lead) == 2,
    )


def _strictest(name: str, order: tuple[str | None, ...], everyone: list[Candidate]) -> Choice:
    def strictness(c: Candidate) -> int:
        value = c.values.get(name)
        return -(order.index(value) if value in order else len(order))

    source = max(everyone, key=strictness)
    return _choice(source, name, "strictest", name)


def _united(primary: str, secondary: str, kept: object, everyone: list[Candidate]) -> Choice:
    seen = {_key(kept)} if not is_empty(kept) else set()
    values: list[Any] = []
    for c in everyone:
        for value in [c.values.get(primary), *(c.values.get(secondary) or [])]:
            if not is_empty(value) and _key(value) not in seen:
                seen.add(_key(value))
                values.append(value)
    return replace(_choice(everyone[0], secondary, "united", secondary), value=values)


def _latest(name: str, everyone: list[Candidate]) -> Choice:
    dated = [c for c in everyone if c.values.get(name) is not None]
    source = max(dated, key=lambda c: c.values[name]) if dated else everyone[0]
    return _choice(source, name, "latest", name)


def _filled(c: Candidate, names: Sequence[str]) -> int:
    return sum(not is_empty(c.values.get(n)) for n in names)


def _length(c: Candidate, names: Sequence[str]) -> int:
    return sum(len(v.strip()) for n in names if isinstance(v := c.values.get(n), str))


def _fold(c: Candidate, names: Sequence[str]) -> tuple[str, ...]:
    return tuple(_key(c.values.get(n)) for n in names)


def _key(value: object) -> str:
    return str(value).strip().casefold() if value is not None else ""


def _rank(system: str | None, priority: Sequence[str]) -> int:
    return priority.index(system) if system in priority else len(priority)
