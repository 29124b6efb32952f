"""Wake idle workers when a job is enqueued (LISTEN crmdq_jobs); polling covers the rest.

A notification is only a hint: a lost connection, a missed message or a job due later
(back-off, `run_after`) are all caught by the worker's poll interval.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

from app.jobs.repository import CHANNEL

log = structlog.get_logger("crm_dq.jobs")


class Wakeups:
    """Holds one LISTENing connection, reconnecting with back-off; sets `event` on NOTIFY."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.event = asyncio.Event()
        self.listening = asyncio.Event()  # for tests and readiness: the LISTEN is in place
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="job-wakeups")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

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
            except Exception as exc:  # any failure: poll only until the connection is back
                log.warning("jobs.listener_down", error=type(exc).__name__)
            self.listening.clear()
            self._lost.clear()
            self.event.set()  # something may have been enqueued while we were deaf
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _listen(self, raw: Any) -> None:
        def on_notify(_conn: Any, _pid: int, _channel: str, _payload: str) -> None:
            self.event.set()

        def on_lost(_conn: Any) -> None:
            self._lost.set()

        await raw.add_listener(CHANNEL, on_notify)
        raw.add_termination_listener(on_lost)
        self.listening.set()

    async def _watch(self, raw: Any) -> None:
        """Returns when the connection is lost; a ping catches a silently dead socket."""
        while not self._lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), timeout=10)
                return
            await asyncio.wait_for(raw.execute("SELECT 1"), timeout=5)
