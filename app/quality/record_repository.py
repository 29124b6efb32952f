"""SQL for record scores: what scoring reads around a record, and the score's own UPDATE."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    bindparam,
    func,
    or_,
    select,
    tuple_,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup.models import DuplicatePair
from app.records.models import Company

QUALITY_COLUMNS = (
    "quality_score",
    "quality_dimensions",
    "quality_reasons",
    "quality_flags",
    "quality_scored_at",
)


class RecordQualityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open_pair_counts(
        self, entity: str, ids: Collection[uuid.UUID]
    ) -> dict[uuid.UUID, int]:
        if not ids:
            return {}
        p = DuplicatePair.__table__
        open_ = (p.c.entity == entity, p.c.status == "open")
        sides = union_all(
            select(p.c.left_id.label("rid")).where(*open_, p.c.left_id.in_(list(ids))),
            select(p.c.right_id.label("rid")).where(*open_, p.c.right_id.in_(list(ids))),
        ).subquery()
        stmt = select(sides.c.rid, func.count()).group_by(sides.c.rid)
        return {rid: count for rid, count in (await self.session.execute(stmt)).all()}

    async def partners(self, entity: str, ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Records sharing a pair (any status) with one of `ids`: whose uniqueness may move."""
        if not ids:
            return set()
        p = DuplicatePair.__table__
        stmt = select(p.c.left_id, p.c.right_id).where(
            p.c.entity == entity,
            or_(p.c.left_id.in_(list(ids)), p.c.right_id.in_(list(ids))),
        )
        return {rid for row in (await self.session.execute(stmt)).all() for rid in row} - set(ids)

    async def employers(self, company_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Any]:
        """(domain, country) of each company, by id."""
        if not company_ids:
            return {}
        stmt = select(Company.id, Company.domain, Company.country).where(
            Company.id.in_(list(company_ids))
        )
        return {row.id: row for row in (await self.session.execute(stmt)).all()}

    async def records(self, model: Any, ids: Collection[uuid.UUID], *, lock: bool) -> Sequence[Any]:
        # In id order: two rescorers locking overlapping sets never wait on each other in a cycle.
        stmt = select(model).where(model.id.in_(sorted(ids))).order_by(model.id)
        if lock:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).all()

    async def stored_scores(self, table: Table, ids: Collection[uuid.UUID]) -> Sequence[Any]:
        """The stored score columns of these records, locked in id order (as `records`)."""
        stmt = (
            select(table.c.id, table.c.status, *(table.c[name] for name in QUALITY_COLUMNS))
            .where(table.c.id.in_(sorted(ids)))
            .order_by(table.c.id)
            .with_for_update()
        )
        return (await self.session.execute(stmt)).all()

    async def active_batch(
        self, model: Any, after: uuid.UUID | None, limit: int, *, company: uuid.UUID | None = None
    ) -> Sequence[Any]:
        """The next active records by id (of one company's contacts when `company` is set);
        a row a write holds is skipped (its write scores it)."""
        stmt = select(model).where(model.status == "active", *_of_company(model, company))
        if after is not None:
            stmt = stmt.where(model.id > after)
        stmt = stmt.order_by(model.id).limit(limit).with_for_update(skip_locked=True)
        return (await self.session.scalars(stmt)).all()

    async def count_active(self, model: Any, *, company: uuid.UUID | None = None) -> int:
        stmt = (
            select(func.count())
            .select_from(model)
            .where(model.status == "active", *_of_company(model, company))
        )
        return int(await self.session.scalar(stmt) or 0)

    async def store(self, table: Table, rows: Sequence[Mapping[str, object]]) -> None:
        """Write scores that are not part of a user's write: `updated_at` and `version` stay
        as they are (a rescore is not a change of the record)."""
        if not rows:
            return
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                {name: bindparam(f"b_{name}") for name in QUALITY_COLUMNS}
                | {"updated_at": table.c.updated_at}
            )
        )
        params = [{f"b_{k}": v for k, v in row.items()} for row in rows]
        await self.session.execute(stmt, params)

    async def worst_page(
        self,
        model: Any,
        conditions: Sequence[ColumnElement[bool]],
        *,
        limit: int,
        after: tuple[int, uuid.UUID] | None,
    ) -> Sequence[Any]:
        stmt = worst_statement(model, conditions, limit=limit, after=after)
        return (await self.session.scalars(stmt)).all()


def _of_company(model: Any, company: uuid.UUID | None) -> list[ColumnElement[bool]]:
    return [] if company is None else [model.company_id == company]


def worst_statement(
    model: Any,
    conditions: Sequence[ColumnElement[bool]],
    *,
    limit: int,
    after: tuple[int, uuid.UUID] | None,
) -> Select[Any]:
    """Lowest scores first, then by id; never-scored records are not in this order. With
    `status = 'active'` (the list's default) and a source, one walk of
    `ix_<table>_quality_by_source`, no sort."""
    stmt = select(model).where(*conditions, model.quality_score.is_not(None))
    if after is not None:
        stmt = stmt.where(tuple_(model.quality_score, model.id) > tuple_(*after))
    return stmt.order_by(model.quality_score, model.id).limit(limit)
