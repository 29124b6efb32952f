"""Periodic jobs: each schedule's row lock lets exactly one worker enqueue a due period."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.auth.principal import SYSTEM
from app.jobs import service
from app.jobs.policy import next_due
from app.jobs.queue_repository import QueueRepository
from app.jobs.registry import ScheduleSpec


async def sync(
    sessionmaker: async_sessionmaker[AsyncSession], specs: Mapping[str, ScheduleSpec]
) -> None:
    """Make sure each declared schedule has its row (idempotent; safe from every worker)."""
    if not specs:
        return
    async with sessionmaker.begin() as session:
        repo = QueueRepository(session)
        # A fixed order, so two workers syncing at once cannot deadlock on the rows.
        for name in sorted(specs):
            spec = specs[name]
            await repo.sync_schedule(spec.name, spec.kind, spec.every)


async def enqueue_due(
    sessionmaker: async_sessionmaker[AsyncSession], specs: Mapping[str, ScheduleSpec]
) -> list[uuid.UUID]:
    """Enqueue every due schedule once and move it to its next period; returns the job ids.

    A row another worker holds is skipped; once that worker commits, the row's next_run_at
    is in the future, so the period is never enqueued twice.
    """
    if not specs:
        return []
    async with sessionmaker.begin() as session:
        repo = QueueRepository(session)
        due = await repo.lock_due_schedules(list(specs))
        if not due:
            return []
        now = await repo.now()
        enqueued: list[uuid.UUID] = []
        for row in due:
            spec = specs[row.name]
            if not (spec.skip_if_active and await repo.is_active(row.last_job_id)):
                job = await service.enqueue(session, spec.kind, spec.params, actor=SYSTEM)
                row.last_job_id = job.id
                row.last_enqueued_at = now
                enqueued.append(job.id)
            row.next_run_at = next_due(row.next_run_at, spec.every, now)
        return enqueued
