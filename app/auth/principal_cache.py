"""Who may call, cached per process and invalidated by PostgreSQL NOTIFY.

Every request must see a deactivation, role change or secret rotation at once. Asking the
database each time costs a round trip per request; instead a trigger announces every change
of `token_version` or `is_active` on channel `crmdq_principal_changed`, and each process
drops the entry it holds. The cache is only trusted while the listening connection is up:
when it drops, the cache empties and every request asks the database until it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

CHANNEL = "crmdq_principal_changed"
log = structlog.get_logger("crm_dq.auth")


@dataclass(frozen=True, slots=True)
class PrincipalState:
    active: bool
    version: int
    role: str | None
    scopes: tuple[str, ...]


class PrincipalCache:
    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: dict[uuid.UUID, PrincipalState] = {}
        self._max_entries = max_entries
        self.generation = 0  # bumped by every notification: guards against storing stale reads
        self.listening = False

    def get(self, subject: uuid.UUID) -> PrincipalState | None:
        return self._entries.get(subject) if self.listening else None

    def put(self, subject: uuid.UUID, state: PrincipalState, read_at_generation: int) -> None:
        """Store a state read from the database, unless a change was announced meanwhile."""
        if not self.listening or read_at_generation != self.generation:
            return
        if len(self._entries) >= self._max_entries:
            self._entries.clear()
        self._entries[subject] = state

    def invalidate(self, subject: str | None = None) -> None:
        self.generation += 1
        if subject is None:
            self._entries.clear()
            return
        with contextlib.suppress(ValueError):
            self._entries.pop(uuid.UUID(subject), None)

    def stop_trusting(self) -> None:
        self.listening = False
        self.invalidate()


class PrincipalListener:
    """Keeps one connection LISTENing; reconnects with back-off when it is lost."""

    def __init__(self, engine: AsyncEngine, cache: PrincipalCache) -> None:
        self.engine = engine
        self.cache = cache
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="principal-listener")

    async def stop(self) -> None:
        self.cache.stop_trusting()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        delay = 0.5
        while True:
            try:
                async with self.engine.connect() as conn:
                    raw = (await conn.get_raw_connection()).driver_connection
                    await self._listen(raw)
                    delay = 0.5
                    await self._watch(raw)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any failure means: stop trusting, then retry
                log.warning("principal_listener.down", error=type(exc).__name__)
            self.cache.stop_trusting()
            self._lost.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _watch(self, raw: Any) -> None:
        """Returns when the connection is lost; a ping catches a silently dead socket."""
        while not self._lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), timeout=10)
                return
            await asyncio.wait_for(raw.execute("SELECT 1"), timeout=5)

    async def _listen(self, raw: Any) -> None:
        def on_change(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            self.cache.invalidate(payload)

        def on_lost(_conn: Any) -> None:
            self.cache.stop_trusting()
            self._lost.set()

        await raw.add_listener(CHANNEL, on_change)
        raw.add_termination_listener(on_lost)
        self.cache.invalidate()  # anything cached before we listened may be stale
        self.cache.listening = True
        log.info("principal_listener.up")
