"""Undoing a merge: every record, reference, child and pair back as it was.

Refused (409, with the reason) when putting things back would undo someone else's work: a
later merge over the same records, a survivor changed since, a record anonymised, or a
merge older than the undo window.
"""

from __future__ import annotations

import contextlib
import uuid
from collections import defaultdict
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.timeutil import utcnow
from app.dedup import aliases
from app.dedup import service as dedup
from app.dedup.models import DuplicatePair
from app.merge import snapshot
from app.merge.errors import MergeNotFound, UndoImpossible
from app.merge.models import Merge
from app.merge.repository import MergeRepository
from app.merge.service import MODELS, MergeConfig
from app.quality import record_service as record_quality
from app.webhooks import outbox


async def undo(
    session: AsyncSession, actor: Principal, merge_id: uuid.UUID, config: MergeConfig
) -> Merge:
    repo = MergeRepository(session)
    done = await repo.get(merge_id, for_update=True)
    if done is None:
        raise MergeNotFound()
    if done.status != "done":
        raise UndoImpossible(reason="already_undone")
    if utcnow() - done.created_at > timedelta(days=config.undo_days):
        raise UndoImpossible(reason="expired", undo_days=config.undo_days)
    later = await repo.later_merge(done)
    if later is not None:
        raise UndoImpossible(reason="later_merge", later_merge_id=str(later.id))
    model = MODELS[done.entity]
    records = await repo.lock_records(model, [done.survivor_id, *done.merged_ids], for_update=True)
    _check_unchanged(done, {r.id: r for r in records})

    saved = done.snapshot
    table = model.__table__
    for record in records:
        for name, value in snapshot.restorable(table, saved["records"][str(record.id)]).items():
            setattr(record, name, value)
    await session.flush()
    await _restore_refs(repo, saved["refs"])
    await _restore_children(session, actor, repo, saved["children"], done.survivor_id)
    await _restore_pairs(repo, saved["pairs"])
    for alias_id in saved.get("aliases", []):
        with contextlib.suppress(aliases.AliasNotFound):
            await aliases.remove(session, actor, uuid.UUID(alias_id))
    for record in records:
        await dedup.index_record(session, done.entity, record)
    ids = (done.survivor_id, done.merged_ids)
    await record_quality.after_merge(session, done.entity, *ids, saved["children"])

    done.status = "undone"
    done.undone_at = utcnow()
    done.undone_by_type, done.undone_by_id = actor.type, actor.id
    await session.flush()
    await _record_undo(session, actor, done)
    return done


def _check_unchanged(done: Merge, records: dict[uuid.UUID, Any]) -> None:
    for record_id in [done.survivor_id, *done.merged_ids]:
        record = records.get(record_id)
        if record is None:
            raise UndoImpossible(reason="record_deleted", record_id=str(record_id))
        if record.status == "anonymised":
            raise UndoImpossible(reason="anonymised", record_id=str(record_id))
    survivor = records[done.survivor_id]
    if survivor.status != "active" or survivor.version != done.snapshot["version_after"]:
        raise UndoImpossible(
            reason="survivor_changed",
            version_at_merge=done.snapshot["version_after"],
            version_now=survivor.version,
        )
    for merged_id in done.merged_ids:
        record = records[merged_id]
        if record.status != "merged" or record.merged_into_id != done.survivor_id:
            raise UndoImpossible(reason="record_changed", record_id=str(merged_id))


async def _restore_refs(repo: MergeRepository, refs: dict[str, str]) -> None:
    by_record: dict[str, list[uuid.UUID]] = defaultdict(list)
    for ref_id, record_id in refs.items():
        by_record[record_id].append(uuid.UUID(ref_id))
    for record_id, ref_ids in by_record.items():
        await repo.point_refs(ref_ids, uuid.UUID(record_id))


async def _restore_children(
    session: AsyncSession,
    actor: Principal,
    repo: MergeRepository,
    children: dict[str, str],
    survivor_id: uuid.UUID,
) -> None:
    by_company: dict[str, list[uuid.UUID]] = defaultdict(list)
    for contact_id, company_id in children.items():
        by_company[company_id].append(uuid.UUID(contact_id))
    for company_id, contact_ids in by_company.items():
        await repo.set_company(contact_ids, uuid.UUID(company_id), only_from=survivor_id)
    for contact in await repo.contacts([uuid.UUID(c) for c in children]):
        await dedup.index_record(session, "contact", contact)
        await audit.record(
            session,
            actor,
            "contact.updated",
            entity_type="contact",
            entity_id=contact.id,
            fields=("company_id",),
            details={"cause": "company_unmerged"},
        )


async def _restore_pairs(repo: MergeRepository, saved: list[dict[str, Any]]) -> None:
    table = DuplicatePair.__table__
    rows = [snapshot.typed_row(table, item["row"]) for item in saved]
    current = await repo.pairs_by_id([r["id"] for r in rows])  # type: ignore[misc]
    dropped = []
    for item, row in zip(saved, rows, strict=True):
        pair = current.get(row["id"])  # type: ignore[arg-type]
        if item["action"] == "drop":
            dropped.append(row)
        elif pair is not None and item["action"] == "close":
            pair.status = row["status"]  # type: ignore[assignment]
        elif pair is not None:
            pair.left_id, pair.right_id = row["left_id"], row["right_id"]  # type: ignore[assignment]
    await repo.session.flush()
    await repo.insert_pairs(dropped)


async def _record_undo(session: AsyncSession, actor: Principal, done: Merge) -> None:
    await audit.record(
        session,
        actor,
        f"{done.entity}.unmerged",
        entity_type=done.entity,
        entity_id=done.survivor_id,
        details={"merge_id": str(done.id), "restored": len(done.merged_ids)},
    )
    for merged_id in done.merged_ids:
        await audit.record(
            session,
            actor,
            f"{done.entity}.restored",
            entity_type=done.entity,
            entity_id=merged_id,
            fields=("status", "merged_into_id"),
            details={"merge_id": str(done.id)},
        )
    await outbox.enqueue(
        session,
        "record.unmerged",
        {
            "merge_id": str(done.id),
            "entity": done.entity,
            "survivor_id": str(done.survivor_id),
            "restored_ids": [str(i) for i in done.merged_ids],
        },
        entity=done.entity,
        record_id=done.survivor_id,
    )
