"""SQL of the request register."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import User
from app.gdpr.dsr_models import DsrRequest
from app.gdpr.dsr_policy import OPEN_STATUSES
from app.records.models import Contact


class DsrRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, request: DsrRequest) -> None:
        self.session.add(request)
        await self.session.flush()

    async def get(self, request_id: uuid.UUID, *, for_update: bool = False) -> DsrRequest | None:
        stmt = select(DsrRequest).where(DsrRequest.id == request_id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def newest_first(
        self,
        *,
        status: str | None,
        kind: str | None,
        overdue_at: datetime | None,
        before: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[DsrRequest]:
        stmt = select(DsrRequest)
        if status is not None:
            stmt = stmt.where(DsrRequest.status == status)
        if kind is not None:
            stmt = stmt.where(DsrRequest.kind == kind)
        if overdue_at is not None:
            stmt = stmt.where(DsrRequest.status.in_(OPEN_STATUSES), DsrRequest.due_at < overdue_at)
        if before is not None:
            stmt = stmt.where(tuple_(DsrRequest.received_at, DsrRequest.id) < before)
        stmt = stmt.order_by(DsrRequest.received_at.desc(), DsrRequest.id.desc())
        return list(await self.session.scalars(stmt.limit(limit)))

    async def open_due_by(
        self, until: datetime, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[DsrRequest]:
        """Open requests whose deadline is at or before `until`, soonest (most late) first."""
        stmt = select(DsrRequest).where(
            DsrRequest.status.in_(OPEN_STATUSES), DsrRequest.due_at <= until
        )
        if after is not None:
            stmt = stmt.where(tuple_(DsrRequest.due_at, DsrRequest.id) > after)
        stmt = stmt.order_by(DsrRequest.due_at, DsrRequest.id)
        return list(await self.session.scalars(stmt.limit(limit)))

    async def active_user_exists(self, user_id: uuid.UUID) -> bool:
        query = exists().where(User.id == user_id, User.is_active.is_(True))
        return bool(await self.session.scalar(select(query)))

    async def contact_exists(self, contact_id: uuid.UUID) -> bool:
        return bool(await self.session.scalar(select(exists().where(Contact.id == contact_id))))
