"""Survivorship again, after the fact: the golden record under other rules or overrides.

Tombstones keep their values and the merge kept the survivor's values from before it, so
the choice can be made again at any time without undoing the merge; the survivor is then
updated like any record (audited, re-indexed), and the merge remembers the new state so it
can still be undone.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from types import SimpleNamespace

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.dedup import service as dedup
from app.merge import provenance, snapshot
from app.merge.errors import MergeConflict, MergeInvalid, MergeNotFound
from app.merge.fields import ENTITY_FIELDS, FieldRule
from app.merge.models import Merge
from app.merge.repository import MergeRepository
from app.merge.service import MODELS, MergeConfig, Plan, candidate_of
from app.merge.survivorship import Rules, UnknownOverride, golden_record
from app.quality import record_service as record_quality
from app.webhooks import outbox


async def recompute(
    session: AsyncSession,
    actor: Principal,
    merge_id: uuid.UUID,
    field_rules: Mapping[str, FieldRule],
    overrides: Mapping[str, uuid.UUID],
    config: MergeConfig,
    *,
    dry_run: bool,
) -> Plan:
    repo = MergeRepository(session)
    done = await repo.get(merge_id, for_update=not dry_run)
    if done is None:
        raise MergeNotFound()
    model = MODELS[done.entity]
    records = await repo.lock_records(
        model, [done.survivor_id, *done.merged_ids], for_update=not dry_run
    )
    by_id = {r.id: r for r in records}
    survivor = by_id.get(done.survivor_id)
    if done.status != "done" or survivor is None or survivor.status != "active":
        raise MergeConflict(merge_id=str(done.id), status=done.status)
    spec = ENTITY_FIELDS[done.entity]
    table = model.__table__
    # Every record as the merge found it (a tombstone's own update time moved with the merge).
    before = {
        rid: SimpleNamespace(**snapshot.typed_row(table, row))
        for rid, row in done.snapshot["records"].items()
    }
    others = [by_id[i] for i in done.merged_ids if i in by_id]
    rules = Rules(field_rules, config.source_priority, overrides)
    try:
        choices = golden_record(
            candidate_of(before[str(survivor.id)], spec),
            [candidate_of(before[str(r.id)], spec) for r in others],
            spec,
            rules,
            config.field_rules.get(done.entity, {}),
        )
    except UnknownOverride as refused:
        raise MergeInvalid(reason=f"override_{refused.reason}", field=refused.field) from None
    planned = Plan(done.entity, survivor, others, done.survivor_rule, choices)
    if dry_run:
        return planned
    changed = planned.changed
    for name in changed:
        setattr(survivor, name, choices[name].value)
    survivor.provenance = {**(survivor.provenance or {}), **provenance.of_choices(choices)}
    await session.flush()
    await record_quality.rescore(session, done.entity, [survivor.id])
    await dedup.index_record(session, done.entity, survivor)
    await _remember(done, survivor.version)
    await audit.record(
        session,
        actor,
        f"{done.entity}.updated",
        entity_type=done.entity,
        entity_id=survivor.id,
        fields=changed,
        details={"merge_id": str(done.id), "cause": "survivorship_recomputed"},
    )
    await outbox.enqueue(
        session,
        "record.updated",
        {"entity": done.entity, "id": str(survivor.id), "fields": list(changed)},
        entity=done.entity,
        record_id=survivor.id,
    )
    return replace(planned, applied=changed)


async def _remember(done: Merge, version: int) -> None:
    # The recomputed survivor is still the merge's own doing: undo may restore over it.
    done.snapshot = {**done.snapshot, "version_after": version}
