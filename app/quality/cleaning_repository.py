"""SQL for cleaning runs, their planned changes, and the records they walk."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.quality.cleaning_models import CleaningChange, CleaningRun
from app.records.models import Company, Contact

Model = type[Contact] | type[Company]


class CleaningRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_run(self, run: CleaningRun) -> CleaningRun:
        self.session.add(run)
        await self.session.flush()
        return run

    async def get_run(self, run_id: uuid.UUID, *, for_update: bool = False) -> CleaningRun | None:
        stmt = select(CleaningRun).where(CleaningRun.id == run_id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def count_active(self, model: Model, source: str | None) -> int:
        stmt = select(func.count()).select_from(model).where(model.status == "active")
        if source is not None:
            stmt = stmt.where(model.source_system == source)
        return int(await self.session.scalar(stmt) or 0)

    async def active_after(
        self,
        model: Model,
        fields: Sequence[str],
        source: str | None,
        after: uuid.UUID | None,
        limit: int,
    ) -> Sequence[Any]:
        """The next active records in id order (a stable walk a checkpoint resumes), as rows
        of id, version and `fields`: the dry run needs no ORM objects."""
        columns = [model.id, model.version, *(getattr(model, f) for f in fields)]
        stmt = select(*columns).where(model.status == "active")
        if source is not None:
            stmt = stmt.where(model.source_system == source)
        if after is not None:
            stmt = stmt.where(model.id > after)
        return (await self.session.execute(stmt.order_by(model.id).limit(limit))).all()

    async def lock_records(self, model: Model, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        """A batch's records, locked in one statement (id order, as every walker locks)."""
        stmt = select(model).where(model.id.in_(list(ids))).order_by(model.id).with_for_update()
        return {r.id: r for r in await self.session.scalars(stmt)}

    async def add_changes(self, run_id: uuid.UUID, rows: Iterable[Mapping[str, Any]]) -> None:
        values = [{"run_id": run_id, **row} for row in rows]
        if values:
            await self.session.execute(insert(CleaningChange), values)

    async def pending_after(
        self, run_id: uuid.UUID, after: uuid.UUID | None, limit: int
    ) -> Sequence[CleaningChange]:
        stmt = select(CleaningChange).where(
            CleaningChange.run_id == run_id, CleaningChange.outcome == "pending"
        )
        if after is not None:
            stmt = stmt.where(CleaningChange.record_id > after)
        return (
            await self.session.scalars(stmt.order_by(CleaningChange.record_id).limit(limit))
        ).all()

    async def changes_page(
        self, run_id: uuid.UUID, after: uuid.UUID | None, limit: int
    ) -> Sequence[CleaningChange]:
        stmt = select(CleaningChange).where(CleaningChange.run_id == run_id)
        if after is not None:
            stmt = stmt.where(CleaningChange.record_id > after)
        return (
            await self.session.scalars(stmt.order_by(CleaningChange.record_id).limit(limit))
        ).all()

    async def records_by_id(self, model: Model, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        if not ids:
            return {}
        found = await self.session.scalars(select(model).where(model.id.in_(list(ids))))
        return {r.id: r for r in found}
