"""SQL of the worker: claim with SKIP LOCKED, keep the lease, record the outcome.

Every write about a running job is fenced by its `Lease` (job id, worker id, attempt
number): a worker whose lease ran out, and whose job another worker took over, changes
nothing any more — its late writes match no row.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.jobs.models import Job, JobSchedule
from app.jobs.repository import CHANNEL

LEASE_EXPIRED = "job.lease_expired"


@dataclass(frozen=True, slots=True)
class Lease:
    job_id: uuid.UUID
    worker_id: str
    attempt: int


@dataclass(frozen=True, slots=True)
class Reaped:
    job_id: uuid.UUID
    status: str


class QueueRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, kinds: Collection[str], worker_id: str, lease: timedelta) -> Job | None:
        """The most overdue queued job of these kinds, now running under this worker's lease."""
        if not kinds:
            return None
        pick = (
            select(Job.id)
            .where(Job.status == "queued", Job.run_after <= func.now(), Job.kind.in_(kinds))
            .order_by(Job.run_after)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        stmt = (
            update(Job)
            .where(Job.id == pick)
            .values(
                status="running",
                locked_by=worker_id,
                locked_until=func.now() + lease,
                heartbeat_at=func.now(),
                attempts=Job.attempts + 1,
                started_at=func.coalesce(Job.started_at, func.now()),
            )
            .returning(Job)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def touch(self, lease: Lease, duration: timedelta, **values: Any) -> bool | None:
        """Extend the lease (and set `values`); None if it was lost, else cancel_requested."""
        stmt = (
            update(Job)
            .where(_fence(lease))
            .values(heartbeat_at=func.now(), locked_until=func.now() + duration, **values)
            .returning(Job.cancel_requested)
            .execution_options(synchronize_session=False)
        )
        return (await self.session.execute(stmt)).scalar_one_or_none()

    async def locked(self, lease: Lease) -> Job | None:
        """The job, row-locked, if this lease still holds it."""
        stmt = (
            select(Job)
            .where(_fence(lease))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).one_or_none()

    async def requeue_expired(self) -> list[Reaped]:
        """Jobs whose worker stopped heart-beating go back to the queue (or fail, when their
        attempts are used up: a job that kills its worker every time must not loop forever)."""
        expired = (
            select(Job.id)
            .where(Job.status == "running", Job.locked_until < func.now())
            .with_for_update(skip_locked=True)
        )
        exhausted = Job.attempts >= Job.max_attempts
        ends = Job.cancel_requested | exhausted
        stmt = (
            update(Job)
            .where(Job.id.in_(expired))
            .values(
                status=case(
                    (Job.cancel_requested, "cancelled"), (exhausted, "failed"), else_="queued"
                ),
                finished_at=case((ends, func.now()), else_=None),
                run_after=func.now(),
                locked_by=None,
                locked_until=None,
                error_code=case((Job.cancel_requested, Job.error_code), else_=LEASE_EXPIRED),
                error_message=case(
                    (Job.cancel_requested, Job.error_message),
                    else_="the worker stopped answering",
                ),
            )
            .returning(Job.id, Job.status)
            .execution_options(synchronize_session=False)
        )
        reaped = [Reaped(row.id, row.status) for row in await self.session.execute(stmt)]
        if any(r.status == "queued" for r in reaped):
            await self.session.execute(select(func.pg_notify(CHANNEL, "requeued")))
        return reaped

    async def sync_schedule(self, name: str, kind: str, every: timedelta) -> None:
        """Declare a schedule; a shorter period takes effect at once, a new one is due now."""
        stmt = insert(JobSchedule).values(name=name, kind=kind, every=every, next_run_at=func.now())
        stmt = stmt.on_conflict_do_update(
            index_elements=[JobSchedule.name],
            set_={
                "kind": stmt.excluded.kind,
                "every": stmt.excluded.every,
                "next_run_at": func.least(JobSchedule.next_run_at, func.now() + every),
            },
            where=(JobSchedule.kind != stmt.excluded.kind)
            | (JobSchedule.every != stmt.excluded.every),
        )
        await self.session.execute(stmt)

    async def lock_due_schedules(self, names: Collection[str]) -> list[JobSchedule]:
        if not names:
            return []
        stmt = (
            select(JobSchedule)
            .where(JobSchedule.name.in_(names), JobSchedule.next_run_at <= func.now())
            .order_by(JobSchedule.next_run_at)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return list(await self.session.scalars(stmt))

    async def is_active(self, job_id: uuid.UUID | None) -> bool:
        if job_id is None:
            return False
        status = await self.session.scalar(select(Job.status).where(Job.id == job_id))
        return status in {"queued", "running"}

    async def now(self) -> datetime:
        return await self.session.scalar(select(func.now()))


def _fence(lease: Lease) -> ColumnElement[bool]:
    return and_(
        Job.id == lease.job_id,
        Job.status == "running",
        Job.locked_by == lease.worker_id,
        Job.attempts == lease.attempt,
    )
