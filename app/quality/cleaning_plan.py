"""What the cleaning job would change in one stored record (pure, no I/O).

The planner asks the write path's own pure step (`app.records.prepare`) what a PATCH that
re-sends the stored values would store: there is one normaliser, and a record cleaned by the
job is exactly the record an API write would have produced. A field whose stored value the
validators refuse (an invalid phone, a name with digits) is left alone and reported as
unresolved; a record the write path would refuse as a whole (a missing required field) is
reported as blocked and not changed at all.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from app.records.prepare import RecordInvalid, prepare_company, prepare_contact
from app.validation.company import COMPANY_FIELDS
from app.validation.contact import CONTACT_FIELDS
from app.validation.findings import Finding
from app.validation.policy import ValidationPolicy

Entity = Literal["contact", "company"]

# Text-like fields a normaliser can improve; ids and timestamps have nothing to clean.
CLEANABLE: Mapping[str, tuple[str, ...]] = {
    "contact": (
        "civility",
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "country",
        "lifecycle_stage",
        "subscription_status",
        "email_status",
        "lawful_basis",
        "collection_method",
        "additional_emails",
        "additional_phones",
    ),
    "company": COMPANY_FIELDS,
}
VALIDATED: Mapping[str, tuple[str, ...]] = {"contact": CONTACT_FIELDS, "company": COMPANY_FIELDS}
# Lists of values, each validated like the main one; one the validators refuse leaves the
# whole list as it is (reported unresolved), as the job never drops a value.
LISTS: Mapping[str, tuple[str, ...]] = {
    "contact": ("additional_emails", "additional_phones"),
    "company": (),
}
_PREPARE = {"contact": prepare_contact, "company": prepare_company}
_REQUIREMENTS = frozenset({"field.required", "field.one_of_required"})


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: object
    after: object


@dataclass(frozen=True, slots=True)
class RecordPlan:
    """`write` is the PATCH body that makes these changes through the update use case."""

    changes: tuple[FieldChange, ...] = ()
    unresolved: Mapping[str, str] = field(default_factory=dict)  # field → finding code
    blocked: tuple[str, ...] = ()  # finding codes that refuse the whole record
    write: Mapping[str, object] = field(default_factory=dict)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.changes)


def plan_record(
    entity: Entity,
    stored: Mapping[str, object],
    policy: ValidationPolicy,
    fields: Collection[str] | None = None,
) -> RecordPlan:
    """The changes a write of `stored`'s own values would make, restricted to `fields`."""
    prepare = _PREPARE[entity]
    current = {f: stored.get(f) for f in VALIDATED[entity]}
    held = current | {f: stored.get(f) for f in LISTS[entity]}
    considered = [f for f in CLEANABLE[entity] if fields is None or f in fields]
    write = {f: held[f] for f in considered}
    unresolved: dict[str, str] = {}
    # Each pass drops the fields the validators refuse; at most one pass per field.
    for _ in range(len(considered) + 1):
        try:
            prepared = prepare(write, policy, current=current)
        except RecordInvalid as invalid:
            refused = {f.field: f.code for f in invalid.findings if f.field in write}
            requirements = [f.code for f in invalid.findings if f.code in _REQUIREMENTS]
            if requirements and not refused:
                return RecordPlan(blocked=tuple(sorted(set(requirements))), unresolved=unresolved)
            if not refused:  # refused for a reason no field of ours explains
                codes = tuple(sorted({f.code for f in invalid.findings}))
                return RecordPlan(blocked=codes, unresolved=unresolved)
            for name, code in refused.items():
                if not _blank(held[name]):
                    unresolved[name] = code
                del write[name]
            continue
        changes = []
        for name, value in prepared.values.items():
            if name not in held or value == held[name] or (value == [] and held[name] is None):
                continue
            if value is None and not _blank(held[name]):
                # A write would drop a value no rule recognises (a civility "Madame la"):
                # the job never deletes data, it reports it.
                unresolved[name] = _code(prepared.findings, name)
                continue
            changes.append(FieldChange(name, held[name], value))
        # Only the fields that change are sent: derived columns (email domain, job function)
        # of untouched fields stay as they are, as they would after a PATCH of those fields.
        sent = {c.field: held[c.field] for c in changes if c.field in write}
        return RecordPlan(tuple(changes), unresolved, (), sent)
    return RecordPlan(unresolved=unresolved)


def held_fields(entity: Entity) -> tuple[str, ...]:
    """What the planner reads of a stored record: its validated fields and its lists."""
    return (*VALIDATED[entity], *LISTS[entity])


def held_values(entity: Entity, record: object) -> dict[str, object]:
    return {f: getattr(record, f) for f in held_fields(entity)}


def apply_plan(stored: Mapping[str, object], plan: RecordPlan) -> dict[str, object]:
    """`stored` as it reads once the plan is written (for tests and the changes listing)."""
    return {**stored, **{c.field: c.after for c in plan.changes}}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _code(findings: Iterable[Finding], name: str) -> str:
    return next((f.code for f in findings if f.field == name), "value.unrecognised")
