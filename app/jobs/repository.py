"""SQL of the jobs API: insert (with its wake-up notification), read, list, lock."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.models import Job

# NOTIFY is transactional: the wake-up is delivered at commit, and never for a rollback.
CHANNEL = "crmdq_jobs"


class JobRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, job: Job) -> Job:
        self.session.add(job)
        await self.session.flush()
        await self.session.execute(select(func.pg_notify(CHANNEL, job.kind)))
        return job

    async def get(self, job_id: uuid.UUID, *, for_update: bool = False) -> Job | None:
        stmt = select(Job).where(Job.id == job_id).execution_options(populate_existing=True)
        if for_update:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).one_or_none()

    async def now(self) -> datetime:
        return await self.session.scalar(select(func.now()))

    async def list_newest_first(
        self,
        *,
        kind: str | None,
        status: str | None,
        before: tuple[datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Job]:
        stmt = select(Job)
        if kind is not None:
            stmt = stmt.where(Job.kind == kind)
        if status is not None:
            stmt = stmt.where(Job.status == status)
        if before is not None:
            stmt = stmt.where(tuple_(Job.created_at, Job.id) < tuple_(*before))
        stmt = stmt.order_by(Job.created_at.desc(), Job.id.desc()).limit(limit)
        return list(await self.session.scalars(stmt))
