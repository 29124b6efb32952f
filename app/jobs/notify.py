"""Wake idle workers when a job is enqueued (LISTEN crmdq_jobs); polling covers the rest.

A notification is only a hint: a lost connection, a missed message or a job due later
(back-off, `run_after`) are all caught by the worker's poll interval.
"""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.listener import Listener
from app.jobs.repository import CHANNEL


class Wakeups:
    """Sets `event` on every NOTIFY; `listening` says whether notifications flow."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.event = asyncio.Event()
        self.listening = asyncio.Event()  # for tests and readiness: the LISTEN is in place
        self._listener = Listener(
            engine,
            CHANNEL,
            on_notify=self._notified,
            on_up=self.listening.set,
            on_down=self._down,
        )

    def _notified(self, _payload: str) -> None:
        self.event.set()

    def _down(self) -> None:
        self.listening.clear()
        self.event.set()  # something may have been enqueued while we were deaf

    def start(self) -> None:
        self._listener.start()

    async def stop(self) -> None:
        await self._listener.stop()
