"""Merging records: plan the golden record, then apply it in one transaction.

Everything a merge changes (the survivor's fields, the tombstones, external references,
children, the review queue, blocking keys, learnt aliases) is written in the caller's
transaction with its audit events and outbox event, and remembered in the merge's snapshot
so that undo can put it all back.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.settings import Settings
from app.dedup import aliases
from app.dedup import service as dedup
from app.dedup.models import DuplicatePair
from app.gdpr import consent
from app.merge import provenance, snapshot
from app.merge.errors import MergeConflict, MergeInvalid, MergeRecordNotFound
from app.merge.fields import ENTITY_FIELDS, EntityFields, FieldRule, SurvivorRule
from app.merge.models import Merge
from app.merge.pairs import plan_pairs
from app.merge.repository import MergeRepository
from app.merge.survivorship import (
    Candidate,
    Choice,
    Rules,
    UnknownOverride,
    choose_survivor,
    golden_record,
)
from app.quality import record_service as record_quality
from app.records.models import Company, Contact
from app.webhooks import outbox

MAX_RECORDS = 50
MODELS: dict[str, Any] = {"contact": Contact, "company": Company}


@dataclass(frozen=True, slots=True)
class MergeRequest:
    entity: str
    record_ids: Sequence[uuid.UUID]
    survivor_id: uuid.UUID | None = None
    rule: SurvivorRule | None = None
    field_rules: Mapping[str, FieldRule] = field(default_factory=dict)
    overrides: Mapping[str, uuid.UUID] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MergeConfig:
    """The settings merging reads."""

    survivor_rule: SurvivorRule = "most_complete"
    field_rules: Mapping[str, Mapping[str, FieldRule]] = field(default_factory=dict)
    source_priority: Sequence[str] = ()
    undo_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> MergeConfig:
        return cls(
            settings.merge_survivor_rule,
            settings.merge_field_rules,
            tuple(settings.merge_source_priority),
            settings.merge_undo_days,
        )


@dataclass(frozen=True, slots=True)
class Plan:
    entity: str
    survivor: Any
    merged: list[Any]
    survivor_rule: str
    choices: dict[str, Choice]
    applied: tuple[str, ...] | None = None  # the fields changed, once the plan is carried out

    @property
    def changed(self) -> tuple[str, ...]:
        if self.applied is not None:
            return self.applied
        return tuple(
            sorted(n for n, c in self.choices.items() if getattr(self.survivor, n) != c.value)
        )


def record_ids(request: MergeRequest) -> list[uuid.UUID]:
    ids = list(dict.fromkeys(request.record_ids))
    if request.survivor_id is not None and request.survivor_id not in ids:
        ids.append(request.survivor_id)
    if not 2 <= len(ids) <= MAX_RECORDS:
        raise MergeInvalid(reason="record_count", minimum=2, maximum=MAX_RECORDS)
    return ids


def candidate_of(record: Any, spec: EntityFields) -> Candidate:
    return Candidate(
        record_id=record.id,
        source_system=record.source_system,
        created_at=record.created_at,
        updated_at=record.updated_at,
        values={name: getattr(record, name) for name in spec.all},
        field_updated_at=provenance.field_times(record.provenance),
        issues=frozenset(record.quality_issues or ()),
    )


async def plan(
    session: AsyncSession, request: MergeRequest, config: MergeConfig, *, lock: bool
) -> Plan:
    ids = record_ids(request)
    spec = ENTITY_FIELDS[request.entity]
    records = await MergeRepository(session).lock_records(
        MODELS[request.entity], ids, for_update=lock
    )
    found = {r.id for r in records}
    for missing in (i for i in ids if i not in found):
        raise MergeRecordNotFound(record_id=str(missing))
    for record in records:
        if record.status != "active":
            raise MergeConflict(record_id=str(record.id), status=record.status)
    candidates = [candidate_of(r, spec) for r in records]
    if request.survivor_id is not None:
        survivor_rule: str = "explicit"
        first = next(c for c in candidates if c.record_id == request.survivor_id)
    else:
        survivor_rule = request.rule or config.survivor_rule
        first = choose_survivor(
            candidates, request.rule or config.survivor_rule, spec, config.source_priority
        )
    others = [c for c in candidates if c is not first]
    rules = Rules(request.field_rules, config.source_priority, request.overrides)
    defaults = config.field_rules.get(request.entity, {})
    try:
        choices = golden_record(first, others, spec, rules, defaults)
    except UnknownOverride as refused:
        raise MergeInvalid(reason=f"override_{refused.reason}", field=refused.field) from None
    by_id = {r.id: r for r in records}
    return Plan(
        request.entity,
        by_id[first.record_id],
        [by_id[c.record_id] for c in others],
        survivor_rule,
        choices,
    )


async def merge(
    session: AsyncSession,
    actor: Principal,
    request: MergeRequest,
    config: MergeConfig,
    *,
    job_id: uuid.UUID | None = None,
) -> Merge:
    planned = await plan(session, request, config, lock=True)
    entity, survivor = planned.entity, planned.survivor
    merged_ids = [r.id for r in planned.merged]
    table = MODELS[entity].__table__
    repo = MergeRepository(session)
    saved: dict[str, Any] = {
        "records": {str(r.id): snapshot.dump(table, r) for r in [survivor, *planned.merged]}
    }
    changed = planned.changed
    if entity == "contact":  # an opt-out carried over is a consent change of the survivor
        before = {name: getattr(survivor, name) for name in consent.TRACKED}
        after = {n: planned.choices[n].value for n in changed if n in consent.TRACKED}
        await consent.record_changes(session, actor, survivor.id, before, after, None)
    for name in changed:
        setattr(survivor, name, planned.choices[name].value)
    survivor.provenance = {**(survivor.provenance or {}), **provenance.of_choices(planned.choices)}
    survivor.quality_issues = _issues_of_choices(planned)
    for record in planned.merged:
        record.status, record.merged_into_id = "merged", survivor.id
    await session.flush()

    refs = await repo.refs_of(entity, merged_ids)
    saved["refs"] = {str(ref.id): str(ref.record_id) for ref in refs}
    await repo.point_refs([ref.id for ref in refs], survivor.id)
    children = await _move_children(session, actor, planned) if entity == "company" else {}
    saved["children"] = children
    saved["pairs"] = await _settle_pairs(repo, entity, survivor.id, merged_ids)
    for record in planned.merged:
        await dedup.forget_record(session, record.id)
    await dedup.index_record(session, entity, survivor)
    await record_quality.after_merge(session, entity, survivor.id, merged_ids, children)
    saved["aliases"] = await _learn_names(session, actor, planned) if entity == "company" else []
    await session.flush()
    saved["version_after"] = survivor.version

    done = await repo.add(
        Merge(
            id=uuid.uuid4(),
            entity=entity,
            survivor_id=survivor.id,
            merged_ids=merged_ids,
            status="done",
            survivor_rule=planned.survivor_rule,
            fields=provenance.of_choices(planned.choices),
            snapshot=saved,
            job_id=job_id,
            created_by_type=actor.type,
            created_by_id=actor.id,
        )
    )
    await _record_merge(session, actor, done, changed, len(children))
    return done


def _issues_of_choices(planned: Plan) -> list[str]:
    """The survivor's quality issues: those of each chosen value, from its record."""
    by_id = {r.id: r for r in [planned.survivor, *planned.merged]}
    issues = set()
    for name, choice in planned.choices.items():
        for issue in by_id[choice.record_id].quality_issues or ():
            if issue.split(".")[0] == name:
                issues.add(issue)
    return sorted(issues)


async def _move_children(session: AsyncSession, actor: Principal, planned: Plan) -> dict[str, str]:
    """Contacts of the merged companies move to the survivor; returns contact → old company."""
    repo = MergeRepository(session)
    moved: dict[str, str] = {}
    for contact_id, company_id in await repo.lock_children([r.id for r in planned.merged]):
        moved[str(contact_id)] = str(company_id)
    ids = [uuid.UUID(c) for c in moved]
    await repo.set_company(ids, planned.survivor.id)
    for contact in await repo.contacts(ids):
        await dedup.index_record(session, "contact", contact)
        await audit.record(
            session,
            actor,
            "contact.updated",
            entity_type="contact",
            entity_id=contact.id,
            fields=("company_id",),
            details={"cause": "company_merged"},
        )
    return moved


async def _settle_pairs(
    repo: MergeRepository, entity: str, survivor_id: uuid.UUID, merged_ids: list[uuid.UUID]
) -> list[dict[str, Any]]:
    pairs = await repo.pairs_touching(entity, [survivor_id, *merged_ids])
    by_id = {p.id: p for p in pairs}
    table = DuplicatePair.__table__
    saved: list[dict[str, Any]] = []
    dropped = []
    for action in plan_pairs(pairs, {survivor_id, *merged_ids}, survivor_id):
        pair = by_id[action.pair_id]
        saved.append({"action": action.action, "row": snapshot.dump(table, pair)})
        if action.action == "close":
            pair.status = "merged"
        elif action.action == "repoint" and action.target is not None:
            pair.left_id, pair.right_id = action.target
        else:
            dropped.append(pair.id)
    await repo.session.flush()
    await repo.delete_pairs(dropped)
    return saved


async def _learn_names(session: AsyncSession, actor: Principal, planned: Plan) -> list[str]:
    """Each merged company's other name becomes an alias of the survivor's, so the next
    record typed under it is matched at once ("Big Blue" → IBM)."""
    canonical = planned.survivor.name
    learnt: list[str] = []
    for record in planned.merged:
        if not record.name or not canonical:
            continue
        with contextlib.suppress(aliases.AliasTaken, aliases.AliasUnusable):
            async with session.begin_nested():
                existing = await aliases.canonical_names(session, [record.name])
                entry = await aliases.add(
                    session, actor, record.name, canonical, "former_name", source="merge"
                )
                if not existing:
                    learnt.append(str(entry.id))
                    await dedup.reindex_name(session, entry.alias_key)
    return learnt


async def _record_merge(
    session: AsyncSession, actor: Principal, done: Merge, changed: Sequence[str], children: int
) -> None:
    entity = done.entity
    await audit.record(
        session,
        actor,
        f"{entity}.merged",
        entity_type=entity,
        entity_id=done.survivor_id,
        fields=changed,
        details={"merge_id": str(done.id), "merged": len(done.merged_ids), "children": children},
    )
    for merged_id in done.merged_ids:
        await audit.record(
            session,
            actor,
            f"{entity}.merged_into",
            entity_type=entity,
            entity_id=merged_id,
            fields=("status", "merged_into_id"),
            details={"merge_id": str(done.id), "survivor_id": str(done.survivor_id)},
        )
    await outbox.enqueue(
        session,
        "record.merged",
        {
            "merge_id": str(done.id),
            "entity": entity,
            "survivor_id": str(done.survivor_id),
            "merged_ids": [str(i) for i in done.merged_ids],
            "fields": list(changed),
        },
        entity=entity,
        record_id=done.survivor_id,
    )
