"""What a base's duplicates keep: the level counts of its last full scan.

A full scan counts, in the pairs the other fields settle, the levels of the fields a base
may set (`engine.estimate`); when it ends, the counts replace the entity's stored ones. Scans
and lookups then weigh those fields with the m read from the counts. The counts are numbers
of pairs by field and level: no value and no record id, so nothing personal is kept.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import SYSTEM
from app.dedup.models import LevelCount

# (field, level, pairs), sorted: hashable, so a model is built once per set of counts
# (`service.model_for`)
Levels = tuple[tuple[str, str, int], ...]


def levels_of(counts: Mapping[tuple[str, str], int]) -> Levels:
    return tuple(sorted((field, level, n) for (field, level), n in counts.items() if n > 0))


def as_rows(levels: Levels) -> list[dict[str, object]]:
    """As a checkpoint and a job's result keep them: rows, for a field name is never a key
    there (see `app.jobs.policy`)."""
    return [{"field": field, "level": level, "pairs": n} for field, level, n in levels]


def from_rows(rows: Iterable[Mapping[str, Any]]) -> Counter[tuple[str, str]]:
    return Counter({(r["field"], r["level"]): int(r["pairs"]) for r in rows})


@dataclass(frozen=True, slots=True)
class Counted:
    levels: Levels
    scan_id: uuid.UUID | None
    counted_at: datetime | None


async def read(session: AsyncSession, entity: str) -> Counted:
    rows = (
        await session.execute(
            select(LevelCount.field, LevelCount.level, LevelCount.pairs,
                   LevelCount.scan_id, LevelCount.counted_at)
            .where(LevelCount.entity == entity)
        )
    ).all()  # fmt: skip
    if not rows:
        return Counted((), None, None)
    counts = {(r.field, r.level): r.pairs for r in rows}
    return Counted(levels_of(counts), rows[0].scan_id, rows[0].counted_at)


async def replace(session: AsyncSession, entity: str, levels: Levels, scan_id: uuid.UUID) -> None:
    """The entity's counts become `levels` (a scan that settled no pair leaves none, and the
    judgement applies again), audited in the caller's transaction."""
    await session.execute(delete(LevelCount).where(LevelCount.entity == entity))
    if levels:
        await session.execute(
            insert(LevelCount),
            [{"entity": entity, "field": field, "level": level, "pairs": n, "scan_id": scan_id}
             for field, level, n in levels],
        )  # fmt: skip
    await audit.record(
        session,
        SYSTEM,
        "dedup.level_counts",
        entity_type="match_level_counts",
        entity_id=entity,
        details={"scan_id": str(scan_id), **{f"{f}.{level}": n for f, level, n in levels}},
    )
