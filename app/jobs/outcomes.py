"""How a run ends, written under the run's lease, each in its own short transaction.

Every function answers what the job became, or None when the lease was lost meanwhile
(another worker owns the job now, and this run's outcome is dropped).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.jobs.models import Job
from app.jobs.policy import error_message
from app.jobs.queue_repository import Lease, QueueRepository
from app.jobs.repository import CHANNEL

Sessions = async_sessionmaker[AsyncSession]


async def succeeded(sessions: Sessions, lease: Lease, result: Mapping[str, Any]) -> str | None:
    async with sessions.begin() as session:
        job = await QueueRepository(session).locked(lease)
        if job is None:
            return None
        job.result = dict(result)
        job.error_code = job.error_message = None  # earlier failed attempts are history
        return _finish(job, "succeeded")


async def cancelled(sessions: Sessions, lease: Lease) -> str | None:
    async with sessions.begin() as session:
        job = await QueueRepository(session).locked(lease)
        return _finish(job, "cancelled") if job is not None else None


async def failed(
    sessions: Sessions,
    lease: Lease,
    code: str,
    message: str,
    *,
    retry: bool,
    delay: timedelta,
) -> str | None:
    """Back to the queue after `delay` while attempts remain and retrying makes sense."""
    async with sessions.begin() as session:
        job = await QueueRepository(session).locked(lease)
        if job is None:
            return None
        job.error_code = code
        job.error_message = error_message(message) or None
        if job.cancel_requested:
            return _finish(job, "cancelled")
        if not retry or job.attempts >= job.max_attempts:
            return _finish(job, "failed")
        job.run_after = func.now() + delay
        return _unlock(job, "queued")


async def released(sessions: Sessions, lease: Lease) -> str | None:
    """Handed back by a worker that is shutting down: not a failed attempt, due at once."""
    async with sessions.begin() as session:
        job = await QueueRepository(session).locked(lease)
        if job is None:
            return None
        if job.cancel_requested:
            return _finish(job, "cancelled")
        job.attempts -= 1
        job.run_after = func.now()
        await session.execute(select(func.pg_notify(CHANNEL, job.kind)))
        return _unlock(job, "queued")


def _finish(job: Job, status: str) -> str:
    job.finished_at = func.now()
    return _unlock(job, status)


def _unlock(job: Job, status: str) -> str:
    job.status = status
    job.locked_by = None
    job.locked_until = None
    return status
