"""The worker loop: claim one job, run its handler under a heartbeat lease, record the outcome.

Workers share nothing but the database: any number of them, in any number of processes,
claim with FOR UPDATE SKIP LOCKED and never run the same job at once. A worker that dies
stops extending its lease; once the lease runs out, another worker puts the job back in
the queue and its handler resumes from the last checkpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.jobs import outcomes, schedules
from app.jobs.context import JobContext
from app.jobs.errors import JobCancelled, JobFailed, LeaseLost, WorkerStopping
from app.jobs.notify import Wakeups
from app.jobs.policy import (
    MAX_RESULT_BYTES,
    InvalidJobPayload,
    RetryPolicy,
    check_document,
    retry_delay,
)
from app.jobs.queue_repository import Lease, QueueRepository
from app.jobs.registry import Handler, Registry, registry

log = structlog.get_logger("crm_dq.jobs")


def default_worker_id() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


@dataclass(frozen=True, slots=True)
class Claimed:
    lease: Lease
    kind: str
    params: Mapping[str, Any]
    checkpoint: Mapping[str, Any] | None
    cancel_requested: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # succeeded | cancelled | failed | released | lost
    result: Mapping[str, Any] | None = None
    code: str = ""
    message: str = ""
    retry: bool = True


class Worker:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        worker_id: str | None = None,
        handlers: Registry = registry,
        poll_interval: float = 5.0,
        lease: timedelta = timedelta(seconds=60),
        *,
        retry: RetryPolicy | None = None,
        stop_grace: float = 30.0,
        listen_engine: AsyncEngine | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if lease < timedelta(milliseconds=300) or poll_interval <= 0:
            raise ValueError("the lease must be at least 0.3 s and the poll interval positive")
        self.sessionmaker = sessionmaker
        self.worker_id = (worker_id or default_worker_id())[:128]
        self.handlers = handlers
        self.poll_interval = poll_interval
        self.lease = lease
        self.retry = retry or RetryPolicy()
        self.stop_grace = stop_grace
        self.listen_engine = listen_engine
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not security)
        self._synced = False
        self.wakeups: Wakeups | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set; the job in hand is finished or checkpointed first."""
        wakeups = Wakeups(self.listen_engine) if self.listen_engine is not None else None
        self.wakeups = wakeups
        if wakeups is not None:
            wakeups.start()
        log.info("jobs.worker_started", worker_id=self.worker_id, kinds=sorted(self.handlers.kinds))
        try:
            while not stop.is_set():
                try:
                    ran = await self.run_once(stop)
                except Exception as exc:  # the database is away: wait, then try again
                    log.error(
                        "jobs.worker_error", worker_id=self.worker_id, error=type(exc).__name__
                    )
                    await _first_of(stop, None, self.poll_interval)
                    continue
                if ran is None:
                    await _first_of(stop, wakeups.event if wakeups else None, self.poll_interval)
        finally:
            if wakeups is not None:
                await wakeups.stop()
            log.info("jobs.worker_stopped", worker_id=self.worker_id)

    async def run_once(self, stop: asyncio.Event | None = None) -> uuid.UUID | None:
        """Requeue expired leases, enqueue due schedules, then run one job if one is due."""
        stop = stop or asyncio.Event()
        if not self._synced:
            await schedules.sync(self.sessionmaker, self.handlers.schedules)
            self._synced = True
        await self.requeue_expired()
        await schedules.enqueue_due(self.sessionmaker, self.handlers.schedules)
        claimed = await self._claim()
        if claimed is None:
            return None
        await self._execute(claimed, stop)
        return claimed.lease.job_id

    async def requeue_expired(self) -> None:
        async with self.sessionmaker.begin() as session:
            reaped = await QueueRepository(session).requeue_expired()
        for job in reaped:
            log.warning("jobs.lease_expired", job_id=str(job.job_id), status=job.status)

    async def _claim(self) -> Claimed | None:
        async with self.sessionmaker.begin() as session:
            job = await QueueRepository(session).claim(
                self.handlers.kinds, self.worker_id, self.lease
            )
            if job is None:
                return None
            # Read inside the transaction: the sessionmaker may expire objects on commit.
            return Claimed(
                lease=Lease(job.id, self.worker_id, job.attempts),
                kind=job.kind,
                params=dict(job.params),
                checkpoint=dict(job.checkpoint) if job.checkpoint is not None else None,
                cancel_requested=job.cancel_requested,
            )

    async def _execute(self, claimed: Claimed, stop: asyncio.Event) -> None:
        ctx = JobContext(
            kind=claimed.kind,
            params=claimed.params,
            checkpoint=claimed.checkpoint,
            lease=claimed.lease,
            lease_duration=self.lease,
            sessionmaker=self.sessionmaker,
            stopping=stop,
            cancel_requested=claimed.cancel_requested,
        )
        handler = self.handlers.handler(claimed.kind)
        fields = {"job_id": str(ctx.job_id), "kind": ctx.kind, "attempt": ctx.attempt}
        log.info("jobs.started", worker_id=self.worker_id, **fields)
        task = asyncio.create_task(_call(handler, ctx), name=f"job-{ctx.job_id}")
        beat = asyncio.create_task(self._heartbeat(ctx, task), name=f"heartbeat-{ctx.job_id}")
        try:
            outcome = await self._supervise(task, ctx, stop)
        finally:
            # Also reached when this worker itself is cancelled (a hard stop): the handler
            # must not outlive it, and the job is left to expire like a killed process's.
            for child in (beat, task):
                if not child.done():
                    child.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await child
        status = await self._record(ctx, outcome)
        log.info(
            "jobs.finished" if status else "jobs.lease_lost",
            outcome=outcome.kind,
            status=status,
            error=outcome.code or None,
            **fields,
        )

    async def _supervise(
        self, task: asyncio.Task[Any], ctx: JobContext, stop: asyncio.Event
    ) -> Outcome:
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({task, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not task.done():  # shutting down: give the handler time to reach a stop point
                await asyncio.wait({task}, timeout=self.stop_grace)
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task
        finally:
            stopping.cancel()
        return _outcome_of(task, ctx)

    async def _heartbeat(self, ctx: JobContext, task: asyncio.Task[Any]) -> None:
        every = self.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                async with self.sessionmaker.begin() as session:
                    state = await QueueRepository(session).touch(ctx.lease, self.lease)
            except Exception as exc:  # a hiccup: the lease has two more beats of margin
                log.warning(
                    "jobs.heartbeat_failed", job_id=str(ctx.job_id), error=type(exc).__name__
                )
                continue
            ctx.observe(state)
            if ctx.lease_lost:
                task.cancel()  # the job is someone else's now: stop mid-unit, roll it back
                return

    async def _record(self, ctx: JobContext, outcome: Outcome) -> str | None:
        lease = ctx.lease
        match outcome.kind:
            case "succeeded":
                return await outcomes.succeeded(self.sessionmaker, lease, outcome.result or {})
            case "cancelled":
                return await outcomes.cancelled(self.sessionmaker, lease)
            case "released":
                return await outcomes.released(self.sessionmaker, lease)
            case "failed":
                delay = retry_delay(lease.attempt, self.retry, self._rng)
                return await outcomes.failed(
                    self.sessionmaker,
                    lease,
                    outcome.code,
                    outcome.message,
                    retry=outcome.retry,
                    delay=delay,
                )
        return None  # lost: another worker owns the job


async def _call(handler: Handler | None, ctx: JobContext) -> Mapping[str, Any] | None:
    if handler is None:  # unregistered between claim and run: nothing can ever run it here
        raise JobFailed("job.unknown_kind", "no handler for this kind", retry=False)
    return await handler(ctx)


def _outcome_of(task: asyncio.Task[Any], ctx: JobContext) -> Outcome:
    if task.cancelled():
        return Outcome("lost" if ctx.lease_lost else "released")
    exc = task.exception()
    if exc is None:
        try:
            result = check_document(task.result() or {}, "result", MAX_RESULT_BYTES)
        except InvalidJobPayload:
            return Outcome("failed", code="job.invalid_result", message="", retry=False)
        return Outcome("succeeded", result=result)
    match exc:
        case LeaseLost():
            return Outcome("lost")
        case JobCancelled():
            return Outcome("cancelled")
        case WorkerStopping():
            return Outcome("released")
        case JobFailed(code=code, message=message, retry=retry):
            return Outcome("failed", code=code, message=message, retry=retry)
    # Only the class name: an exception's text may quote the record it choked on.
    return Outcome("failed", code="job.exception", message=type(exc).__name__)


async def _first_of(stop: asyncio.Event, wake: asyncio.Event | None, seconds: float) -> None:
    """Sleep until stop, a wake-up, or the poll interval, whichever comes first."""
    events = [e for e in (stop, wake) if e is not None]
    waiters = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
    if wake is not None:
        wake.clear()
