"""What a handler sees of its job: params, where to resume, and how to report and stop.

A long handler works in units, each in its own transaction, and between two units it
reports progress, saves a checkpoint and calls `stop_point()`:

    async def scan(ctx: JobContext) -> dict[str, int]:
        start = (ctx.checkpoint or {}).get("after", 0)
        for batch in batches_after(start):
            async with ctx.unit() as session:
                await process(session, batch)
                # Same transaction as the unit: after a kill, no unit runs twice or is lost.
                await ctx.save_checkpoint({"after": batch.last}, session=session)
            await ctx.report(batch.last, total)
            ctx.stop_point()
        return {"pairs": found}
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.jobs.errors import JobCancelled, LeaseLost, WorkerStopping
from app.jobs.policy import MAX_CHECKPOINT_BYTES, check_code, check_document, check_progress
from app.jobs.queue_repository import Lease, QueueRepository


class JobContext:
    def __init__(
        self,
        *,
        kind: str,
        params: Mapping[str, Any],
        checkpoint: Mapping[str, Any] | None,
        lease: Lease,
        lease_duration: timedelta,
        sessionmaker: async_sessionmaker[AsyncSession],
        stopping: asyncio.Event,
        cancel_requested: bool = False,
    ) -> None:
        self.job_id: uuid.UUID = lease.job_id
        self.kind = kind
        self.params: dict[str, Any] = dict(params)
        # Where the previous attempt got to (None on a first run); not updated by saves.
        self.checkpoint: dict[str, Any] | None = dict(checkpoint) if checkpoint else None
        self.attempt = lease.attempt
        self.sessionmaker = sessionmaker
        self.lease = lease
        self._lease_duration = lease_duration
        self._stopping = stopping
        self._cancel = cancel_requested
        self._lost = False

    def unit(self) -> AbstractAsyncContextManager[AsyncSession]:
        """A transaction for one unit of work: committed on exit, rolled back on error."""
        return self.sessionmaker.begin()

    async def report(self, done: int, total: int | None = None, message: str | None = None) -> None:
        """Progress, committed at once in its own short transaction so readers see it live.

        `message` is a code ("dedup.scan.clustering"), never text about a record.
        """
        done, total = check_progress(done, total)
        if message is not None:
            check_code(message, "progress message")
        async with self.sessionmaker.begin() as session:
            state = await QueueRepository(session).touch(
                self.lease,
                self._lease_duration,
                progress_done=done,
                progress_total=total,
                progress_message=message,
            )
        self.observe(state)
        if self._lost:
            raise LeaseLost()

    async def save_checkpoint(
        self, data: Mapping[str, Any], *, session: AsyncSession | None = None
    ) -> None:
        """Where to resume after a crash. Pass the unit's `session` to commit the checkpoint
        with the unit's own changes; without one it is committed on its own at once."""
        data = check_document(data, "checkpoint", MAX_CHECKPOINT_BYTES)
        if session is None:
            async with self.sessionmaker.begin() as own:
                state = await QueueRepository(own).touch(
                    self.lease, self._lease_duration, checkpoint=data
                )
        else:
            state = await QueueRepository(session).touch(
                self.lease, self._lease_duration, checkpoint=data
            )
        self.observe(state)
        if self._lost:
            # Inside the caller's unit this also rolls the unit back: it belongs to another
            # worker now.
            raise LeaseLost()

    def cancel_requested(self) -> bool:
        """Whether someone asked to cancel (seen at the last report, save or heartbeat)."""
        return self._cancel

    def stop_requested(self) -> bool:
        """Whether the worker is shutting down and wants the job back in the queue."""
        return self._stopping.is_set()

    def stop_point(self) -> None:
        """Call between units: raises if the job must stop here (cancelled, shutdown, lost)."""
        if self._lost:
            raise LeaseLost()
        if self._cancel:
            raise JobCancelled()
        if self._stopping.is_set():
            raise WorkerStopping()

    @property
    def lease_lost(self) -> bool:
        return self._lost

    def observe(self, state: bool | None) -> None:
        """What a lease extension answered: None when the lease was lost, else the cancel flag."""
        if state is None:
            self._lost = True
        else:
            self._cancel = state
