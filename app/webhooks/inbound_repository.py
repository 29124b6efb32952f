"""SQL for inbound webhooks: source secrets and the inbox."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.models import Job
from app.webhooks.inbound_models import InboundSecret, InboxEntry


class InboundRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def secrets(self, source: str) -> Sequence[InboundSecret]:
        stmt = (
            select(InboundSecret)
            .where(InboundSecret.source == source)
            .order_by(InboundSecret.created_at)
        )
        return (await self.session.scalars(stmt)).all()

    async def add_secret(self, secret: InboundSecret) -> InboundSecret:
        self.session.add(secret)
        await self.session.flush()
        return secret

    async def remove_secret(self, source: str, secret_id: uuid.UUID) -> bool:
        result = await self.session.execute(
            delete(InboundSecret).where(
                InboundSecret.id == secret_id, InboundSecret.source == source
            )
        )
        return bool(result.rowcount)

    async def store(self, row: dict[str, Any]) -> uuid.UUID | None:
        """The new entry's id, or None when this delivery id was already stored."""
        stmt = (
            insert(InboxEntry)
            .values(**row)
            .on_conflict_do_nothing(constraint="uq_inbox_delivery")
            .returning(InboxEntry.id)
        )
        return await self.session.scalar(stmt)

    async def find(self, source: str, webhook_id: str) -> InboxEntry | None:
        stmt = select(InboxEntry).where(
            InboxEntry.source == source, InboxEntry.webhook_id == webhook_id
        )
        return await self.session.scalar(stmt)

    async def get(self, entry_id: uuid.UUID, *, for_update: bool = False) -> InboxEntry | None:
        stmt = select(InboxEntry).where(InboxEntry.id == entry_id)
        if for_update:
            stmt = stmt.with_for_update()
        return await self.session.scalar(stmt)

    async def next_pending(self, limit: int) -> Sequence[InboxEntry]:
        """The oldest entries waiting, locked; entries another worker holds are skipped."""
        stmt = (
            select(InboxEntry)
            .where(InboxEntry.status == "pending")
            .where(or_(InboxEntry.retry_after.is_(None), InboxEntry.retry_after <= func.now()))
            .order_by(InboxEntry.received_at, InboxEntry.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return (await self.session.scalars(stmt)).all()

    async def next_retry(self) -> datetime | None:
        stmt = select(func.min(InboxEntry.retry_after)).where(InboxEntry.status == "pending")
        return await self.session.scalar(stmt)

    async def drain_queued(self, kind: str) -> bool:
        stmt = select(Job.id).where(Job.kind == kind, Job.status == "queued").limit(1)
        return await self.session.scalar(stmt) is not None

    async def page(
        self,
        *,
        source: str | None,
        status: str | None,
        limit: int,
        after: tuple[datetime, uuid.UUID] | None,
    ) -> Sequence[InboxEntry]:
        """Newest first."""
        stmt = select(InboxEntry)
        if source is not None:
            stmt = stmt.where(InboxEntry.source == source)
        if status is not None:
            stmt = stmt.where(InboxEntry.status == status)
        if after is not None:
            received, last_id = after
            stmt = stmt.where(
                or_(
                    InboxEntry.received_at < received,
                    and_(InboxEntry.received_at == received, InboxEntry.id > last_id),
                )
            )
        stmt = stmt.order_by(InboxEntry.received_at.desc(), InboxEntry.id).limit(limit)
        return (await self.session.scalars(stmt)).all()
