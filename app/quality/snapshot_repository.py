"""SQL of quality snapshots."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.quality.snapshot_models import QualitySnapshot


class SnapshotRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, snapshot: QualitySnapshot) -> QualitySnapshot:
        self.session.add(snapshot)
        await self.session.flush()
        return snapshot

    async def newest_first(
        self,
        entity: str | None,
        *,
        before: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[QualitySnapshot]:
        stmt = select(QualitySnapshot)
        if entity is not None:
            stmt = stmt.where(QualitySnapshot.entity == entity)
        if before is not None:
            stmt = stmt.where(tuple_(QualitySnapshot.taken_at, QualitySnapshot.id) < before)
        stmt = stmt.order_by(QualitySnapshot.taken_at.desc(), QualitySnapshot.id.desc())
        return list(await self.session.scalars(stmt.limit(limit)))

    async def in_range(
        self, entity: str, since: datetime | None, until: datetime | None, limit: int
    ) -> tuple[list[QualitySnapshot], int]:
        """The latest `limit` snapshots in [since, until], oldest first, and how many there are."""
        where = [QualitySnapshot.entity == entity]
        if since is not None:
            where.append(QualitySnapshot.taken_at >= since)
        if until is not None:
            where.append(QualitySnapshot.taken_at <= until)
        total = await self.session.scalar(select(func.count()).where(*where)) or 0
        stmt = (
            select(QualitySnapshot)
            .where(*where)
            .order_by(QualitySnapshot.taken_at.desc(), QualitySnapshot.id.desc())
            .limit(limit)
        )
        rows = list(await self.session.scalars(stmt))
        rows.reverse()
        return rows, int(total)
