"""SQL for contacts, companies and their external references."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import TypeVar

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.records.models import Company, Contact, ExternalRef

R = TypeVar("R", Contact, Company)


class RecordRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(
        self, model: type[R], record_id: uuid.UUID, *, for_update: bool = False
    ) -> R | None:
        stmt = select(model).where(model.id == record_id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def add(self, record: R) -> R:
        self.session.add(record)
        await self.session.flush()
        return record

    async def page(
        self,
        model: type[R],
        conditions: Sequence[ColumnElement[bool]],
        *,
        limit: int,
        after: tuple[object, uuid.UUID] | None,
    ) -> Sequence[R]:
        stmt = select(model).where(*conditions)
        if after is not None:
            created, last_id = after
            stmt = stmt.where(
                or_(
                    model.created_at > created,
                    and_(model.created_at == created, model.id > last_id),
                )
            )
        stmt = stmt.order_by(model.created_at, model.id).limit(limit)
        return (await self.session.scalars(stmt)).all()

    async def delete(self, record: Contact | Company) -> None:
        await self.session.delete(record)
        await self.session.flush()

    async def first_by(self, model: type[R], condition: ColumnElement[bool]) -> R | None:
        stmt = select(model).where(condition, model.status == "active").order_by(model.created_at)
        return await self.session.scalar(stmt.limit(1))


class ExternalRefRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, entity: str, system: str, external_id: str) -> ExternalRef | None:
        stmt = select(ExternalRef).where(
            ExternalRef.entity == entity,
            ExternalRef.system == system,
            ExternalRef.external_id == external_id,
        )
        return await self.session.scalar(stmt)

    async def add(self, entity: str, record_id: uuid.UUID, system: str, external_id: str) -> None:
        self.session.add(
            ExternalRef(entity=entity, record_id=record_id, system=system, external_id=external_id)
        )
        await self.session.flush()

    async def remove_for(self, record_id: uuid.UUID) -> None:
        await self.session.execute(delete(ExternalRef).where(ExternalRef.record_id == record_id))

    async def of_records(
        self, record_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, list[ExternalRef]]:
        ids = list(record_ids)
        if not ids:
            return {}
        stmt = (
            select(ExternalRef)
            .where(ExternalRef.record_id.in_(ids))
            .order_by(ExternalRef.created_at, ExternalRef.system)
        )
        found: dict[uuid.UUID, list[ExternalRef]] = {i: [] for i in ids}
        for ref in await self.session.scalars(stmt):
            found[ref.record_id].append(ref)
        return found
