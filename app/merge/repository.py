"""SQL for merges: locking the records, moving what hangs off them, the merges table."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, any_, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.dedup.models import DuplicatePair
from app.merge.models import Merge
from app.records.models import Contact, ExternalRef


class MergeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_records(
        self, model: Any, ids: Collection[uuid.UUID], *, for_update: bool
    ) -> list[Any]:
        """In id order, so two merges over overlapping records never wait on each other
        in a cycle (the second one waits, then finds the records merged)."""
        stmt = select(model).where(model.id.in_(list(ids))).order_by(model.id)
        if for_update:
            stmt = stmt.with_for_update()
        return list((await self.session.scalars(stmt)).all())

    async def lock_children(
        self, company_ids: Collection[uuid.UUID]
    ) -> list[tuple[uuid.UUID, uuid.UUID]]:
        """(contact, company) for the contacts of these companies, locked in id order."""
        stmt = (
            select(Contact.id, Contact.company_id)
            .where(Contact.company_id.in_(list(company_ids)))
            .order_by(Contact.id)
            .with_for_update()
        )
        return [(c, company) for c, company in (await self.session.execute(stmt)).all()]

    async def set_company(
        self,
        contact_ids: Sequence[uuid.UUID],
        company_id: uuid.UUID | None,
        *,
        only_from: uuid.UUID | None = None,
    ) -> None:
        """`only_from`: leave alone a contact moved elsewhere since (undo)."""
        # A moved contact is a changed contact: a new version, so stale ETags fail.
        stmt = update(Contact).where(Contact.id.in_(list(contact_ids)))
        if only_from is not None:
            stmt = stmt.where(Contact.company_id == only_from)
        await self.session.execute(
            stmt.values(
                company_id=company_id, version=Contact.version + 1, updated_at=func.now()
            ).execution_options(synchronize_session=False)
        )

    async def contacts(self, ids: Sequence[uuid.UUID]) -> list[Contact]:
        if not ids:
            return []
        stmt = (
            select(Contact)
            .where(Contact.id.in_(list(ids)))
            .order_by(Contact.id)
            .execution_options(populate_existing=True)  # after a bulk update
        )
        return list((await self.session.scalars(stmt)).all())

    async def refs_of(self, entity: str, record_ids: Collection[uuid.UUID]) -> list[ExternalRef]:
        stmt = select(ExternalRef).where(
            ExternalRef.entity == entity, ExternalRef.record_id.in_(list(record_ids))
        )
        return list((await self.session.scalars(stmt)).all())

    async def point_refs(self, ref_ids: Sequence[uuid.UUID], record_id: uuid.UUID) -> None:
        await self.session.execute(
            update(ExternalRef).where(ExternalRef.id.in_(list(ref_ids))).values(record_id=record_id)
        )

    async def pairs_touching(self, entity: str, ids: Collection[uuid.UUID]) -> list[DuplicatePair]:
        many = list(ids)
        stmt = (
            select(DuplicatePair)
            .where(DuplicatePair.entity == entity)
            .where(or_(DuplicatePair.left_id.in_(many), DuplicatePair.right_id.in_(many)))
            .order_by(DuplicatePair.id)
            .with_for_update()
        )
        return list((await self.session.scalars(stmt)).all())

    async def pairs_by_id(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, DuplicatePair]:
        if not ids:
            return {}
        stmt = select(DuplicatePair).where(DuplicatePair.id.in_(list(ids))).with_for_update()
        return {p.id: p for p in (await self.session.scalars(stmt)).all()}

    async def insert_pairs(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(DuplicatePair), [dict(r) for r in rows])

    async def delete_pairs(self, ids: Sequence[uuid.UUID]) -> None:
        if ids:
            await self.session.execute(delete(DuplicatePair).where(DuplicatePair.id.in_(ids)))

    async def add(self, merge: Merge) -> Merge:
        self.session.add(merge)
        await self.session.flush()
        return merge

    async def get(self, merge_id: uuid.UUID, *, for_update: bool = False) -> Merge | None:
        stmt = select(Merge).where(Merge.id == merge_id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def later_merge(self, merge: Merge) -> Merge | None:
        """A merge done after this one over any of its records, or over a contact it moved
        to the survivor: undoing this one would pull records out from under it."""
        ids = [merge.survivor_id, *merge.merged_ids]
        moved = [uuid.UUID(c) for c in merge.snapshot.get("children", {})]
        touches = and_(
            Merge.entity == merge.entity,
            or_(Merge.survivor_id.in_(ids), Merge.merged_ids.overlap(ids)),
        )
        if moved:
            touches = or_(
                touches,
                and_(
                    Merge.entity == "contact",
                    or_(Merge.survivor_id.in_(moved), Merge.merged_ids.overlap(moved)),
                ),
            )
        stmt = (
            select(Merge)
            .where(Merge.status == "done", Merge.id != merge.id)
            .where(Merge.created_at > merge.created_at)
            .where(touches)
            .order_by(Merge.created_at)
        )
        return await self.session.scalar(stmt.limit(1))

    async def page(
        self,
        *,
        entity: str | None,
        record_id: uuid.UUID | None,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
    ) -> Sequence[Merge]:
        """Newest first."""
        stmt = select(Merge)
        if entity is not None:
            stmt = stmt.where(Merge.entity == entity)
        if record_id is not None:
            stmt = stmt.where(
                or_(Merge.survivor_id == record_id, record_id == any_(Merge.merged_ids))
            )
        if after is not None:
            created, last_id = after
            stmt = stmt.where(
                or_(
                    Merge.created_at < created,
                    and_(Merge.created_at == created, Merge.id > last_id),
                )
            )
        stmt = stmt.order_by(Merge.created_at.desc(), Merge.id).limit(limit)
        return (await self.session.scalars(stmt)).all()
