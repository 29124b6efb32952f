"""One connection held open to LISTEN on a channel, reconnecting with back-off.

Used where a PostgreSQL NOTIFY lets a process skip work: the principal cache drops stale
entries, idle workers wake when a job is enqueued. A notification is never the only path:
`on_down` tells the owner to stop relying on them until `on_up` says they flow again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncEngine

log = structlog.get_logger("crm_dq.listener")


class Listener:
    def __init__(
        self,
        engine: AsyncEngine,
        channel: str,
        *,
        on_notify: Callable[[str], None],
        on_up: Callable[[], None],
        on_down: Callable[[], None],
    ) -> None:
        self.engine = engine
        self.channel = channel
        self._on_notify = on_notify
        self._on_up = on_up
        self._on_down = on_down
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"listen-{self.channel}")

    async def stop(self) -> None:
        self._on_down()
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
            except Exception as exc:  # any failure: notifications stop counting, retry
                log.warning("listener.down", channel=self.channel, error=type(exc).__name__)
            self._on_down()
            self._lost.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _listen(self, raw: Any) -> None:
        def on_notify(_conn: Any, _pid: int, _channel: str, payload: str) -> None:
            self._on_notify(payload)

        def on_lost(_conn: Any) -> None:
            self._on_down()
            self._lost.set()

        await raw.add_listener(self.channel, on_notify)
        raw.add_termination_listener(on_lost)
        self._on_up()
        log.info("listener.up", channel=self.channel)

    async def _watch(self, raw: Any) -> None:
        """Returns when the connection is lost; a ping catches a silently dead socket."""
        while not self._lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lost.wait(), timeout=10)
                return
            await asyncio.wait_for(raw.execute("SELECT 1"), timeout=5)
