"""The outbound dispatcher: fan new outbox events out, send due deliveries, retry, dead-letter.

Runs beside the job worker in every `crm-dq worker` process and in the embedded worker. Any
number of dispatchers cooperate through the database alone: fan-out and claims use
FOR UPDATE SKIP LOCKED, and a delivery in flight is leased for one attempt's timeout plus a
margin. A dispatcher that dies mid-attempt leaves its lease to run out; the next one to look
puts the delivery back (or dead-letters it if that was its last attempt) and it is sent
again with the same `webhook-id`. Delivery is therefore at least once, never lost.

Woken by NOTIFY crmdq_webhooks (the outbox trigger sends it at commit) and by polling every
`webhook_dispatch_interval_s`, which also catches retries falling due.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from app.core.crypto import DecryptionFailed, unseal
from app.core.keyring import Keyring, encryption_keyring
from app.core.listener import Listener
from app.core.settings import Settings
from app.core.timeutil import utcnow
from app.webhooks import outbound_messages as messages
from app.webhooks.backoff import Backoff
from app.webhooks.deliveries_repository import (
    CHANNEL,
    AttemptResult,
    Claimed,
    DeliveryRepository,
    Target,
)
from app.webhooks.delivery_sender import Sender, SendOutcome

log = structlog.get_logger("crm_dq.webhooks")

FAN_OUT_BATCH = 500
DRAIN_S = 5.0


@dataclass(frozen=True, slots=True)
class DispatchPolicy:
    timeout_s: float = 10.0
    max_attempts: int = 15
    interval_s: float = 1.0
    concurrency: int = 32
    backoff: Backoff = field(default_factory=Backoff)
    lease_margin: timedelta = timedelta(seconds=5)
    lease_override: timedelta | None = None  # tests: a dying dispatcher's short lease

    @property
    def lease(self) -> timedelta:
        if self.lease_override is not None:
            return self.lease_override
        # One attempt is bounded by the timeout; the margin covers claiming and recording.
        return timedelta(seconds=self.timeout_s) + self.lease_margin

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> DispatchPolicy:
        values: dict[str, object] = {
            "timeout_s": settings.webhook_delivery_timeout_s,
            "max_attempts": settings.webhook_max_attempts,
            "interval_s": settings.webhook_dispatch_interval_s,
        }
        return cls(**(values | overrides))  # type: ignore[arg-type]


class Dispatcher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        keyring: Keyring,
        policy: DispatchPolicy | None = None,
        *,
        worker_id: str | None = None,
        listen_engine: AsyncEngine | None = None,
        sender: Sender | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.keyring = keyring
        self.policy = policy or DispatchPolicy()
        self.worker_id = (worker_id or _default_id())[:128]
        self.listen_engine = listen_engine
        self.sender = sender or Sender(self.policy.timeout_s)
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not security)
        self.wake = asyncio.Event()
        self.listening = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._next_sweep = 0.0  # time.monotonic() of the next fan-out and lease sweep

    @classmethod
    def from_settings(
        cls,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        **kwargs: object,
    ) -> Dispatcher:
        policy = DispatchPolicy.from_settings(settings)
        return cls(sessionmaker, encryption_keyring(settings), policy, **kwargs)  # type: ignore[arg-type]

    async def run(self, stop: asyncio.Event) -> None:
        """Dispatch until `stop`; attempts in flight get up to 5 s to finish, then are left
        to their leases."""
        listener = self._listener()
        if listener is not None:
            listener.start()
        log.info("webhooks.dispatcher_started", worker_id=self.worker_id)
        try:
            while not stop.is_set():
                # Fan-out and lease sweeps on a wake-up or once per interval; a slot freed by
                # a finished attempt only claims the next due delivery.
                sweep = self.wake.is_set() or time.monotonic() >= self._next_sweep
                self.wake.clear()  # a NOTIFY from here on makes the next idle return at once
                try:
                    full = await self._cycle(sweep)
                except Exception as exc:  # the database is away: wait, then try again
                    log.error(
                        "webhooks.dispatcher_error",
                        worker_id=self.worker_id,
                        error=type(exc).__name__,
                    )
                    full = False
                await self._idle(stop, full)
        finally:
            await self._drain()
            if listener is not None:
                await listener.stop()
            await self.sender.aclose()
            log.info("webhooks.dispatcher_stopped", worker_id=self.worker_id)

    async def run_once(self) -> int:
        """One pass, every claimed attempt awaited: fan out, reap, claim, send, record.
        Returns how many attempts were made (for tests and benchmarks)."""
        claimed = await self._prepare(self.policy.concurrency)
        await asyncio.gather(*(self._deliver(c) for c in claimed))
        return len(claimed)

    async def _cycle(self, sweep: bool) -> bool:
        """Start as many attempts as there are free slots; True if every slot is now busy."""
        free = self.policy.concurrency - len(self._in_flight)
        if sweep:
            self._next_sweep = time.monotonic() + self.policy.interval_s
        claimed = await self._prepare(free, sweep=sweep)
        for item in claimed:
            task = asyncio.create_task(
                self._deliver(item), name=f"webhook-{item.lease.delivery_id}"
            )
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(claimed) >= free

    async def _prepare(self, free: int, *, sweep: bool = True) -> list[Claimed]:
        if sweep:
            await self._sweep()
        if free <= 0:
            return []
        async with self.sessionmaker.begin() as session:
            return await DeliveryRepository(session).claim(self.worker_id, self.policy.lease, free)

    async def _sweep(self) -> None:
        """Fan new events out; put back deliveries whose dispatcher died."""
        while True:  # one transaction per batch, so a backlog never holds locks for long
            async with self.sessionmaker.begin() as session:
                fanned = await DeliveryRepository(session).fan_out(FAN_OUT_BATCH)
            if fanned < FAN_OUT_BATCH:
                break
        async with self.sessionmaker.begin() as session:
            reaped = await DeliveryRepository(session).reap_expired(self.policy.max_attempts)
        if reaped:
            log.warning("webhooks.leases_expired", count=reaped, worker_id=self.worker_id)

    async def _deliver(self, claimed: Claimed) -> None:
        lease = claimed.lease
        try:
            outcome = await self._attempt(claimed)
        except Exception as exc:  # a bug must not kill the loop; the lease brings it back
            log.error(
                "webhooks.attempt_crashed",
                delivery_id=str(lease.delivery_id),
                error=type(exc).__name__,
            )
            return
        result = outcome.result
        dead = not result.delivered and lease.attempt >= self.policy.max_attempts
        retry_in = (
            timedelta(0)
            if result.delivered or dead
            else self.policy.backoff.delay(lease.attempt, self._rng, outcome.retry_after)
        )
        try:
            async with self.sessionmaker.begin() as session:
                status = await DeliveryRepository(session).record(
                    lease, result, dead=dead, retry_in=retry_in
                )
        except Exception as exc:  # unrecorded: the lease runs out and the attempt is redone
            log.error(
                "webhooks.record_failed",
                delivery_id=str(lease.delivery_id),
                error=type(exc).__name__,
            )
            return
        log.info(
            "webhooks.attempted",
            delivery_id=str(lease.delivery_id),
            event_id=str(claimed.event.id),
            subscription_id=str(claimed.target.subscription_id),
            attempt=lease.attempt,
            status=status or "lease_lost",
            status_code=result.status_code,
            latency_ms=result.latency_ms,
            error=result.error,
        )

    async def _attempt(self, claimed: Claimed) -> SendOutcome:
        try:
            secrets = self._secrets(claimed.target)
        except DecryptionFailed:
            # A key was removed from CRMDQ_ENCRYPTION_KEYS: retried, in case it comes back.
            return SendOutcome(AttemptResult(None, 0, "secret_unreadable"))
        payload = messages.body(claimed.event)
        headers = messages.headers(claimed.event.id, utcnow(), payload, secrets)
        return await self.sender.send(claimed.target.url, payload.encode(), headers)

    def _secrets(self, target: Target) -> list[str]:
        context = target.subscription_id.bytes
        found = [unseal(self.keyring, target.secret, context=context).decode()]
        expires = target.previous_expires_at
        if target.previous_secret is not None and expires is not None and expires > utcnow():
            found.append(unseal(self.keyring, target.previous_secret, context=context).decode())
        return found

    async def _idle(self, stop: asyncio.Event, full: bool) -> None:
        """Busy: wait for a free slot. Idle: wait for a wake-up or the poll interval."""
        if full and not self._in_flight:
            return  # every slot was filled and is free again: more may be due right now
        busy = full
        own = [asyncio.create_task(stop.wait())]
        if not busy:
            own.append(asyncio.create_task(self.wake.wait()))
        waiters = own + (list(self._in_flight) if busy else [])
        try:
            await asyncio.wait(
                waiters,
                timeout=None if busy else self.policy.interval_s,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for waiter in own:
                waiter.cancel()

    async def _drain(self) -> None:
        if not self._in_flight:
            return
        pending = set(self._in_flight)
        # Bounded below the embedded worker's 10 s stop: an attempt cut short is redone later.
        _, still = await asyncio.wait(pending, timeout=min(self.policy.timeout_s + 1, DRAIN_S))
        for task in still:  # left to their leases: another dispatcher redoes them
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    def _listener(self) -> Listener | None:
        if self.listen_engine is None:
            return None

        def notified(_payload: str) -> None:
            self.wake.set()

        def down() -> None:
            self.listening.clear()
            self.wake.set()  # something may have been committed while we were deaf

        return Listener(
            self.listen_engine, CHANNEL, on_notify=notified, on_up=self.listening.set, on_down=down
        )


def _default_id() -> str:
    return f"dispatch:{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
