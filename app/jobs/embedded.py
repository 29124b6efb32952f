"""A job worker inside the API process, so `make run` alone runs scans in development."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.db import make_listener_engine
from app.core.settings import Settings, get_settings
from app.jobs.registry import registry
from app.jobs.runner import HANDLER_MODULES, declare_schedules
from app.jobs.worker import Worker
from app.webhooks.dispatcher import Dispatcher


class EmbeddedWorker:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        url: str,
        settings: Settings | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.url = url
        # The webhook dispatcher's timeouts and secrets' keys; the environment's if not given.
        self.settings = settings
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._listen_engine = None

    def start(self) -> None:
        for module in HANDLER_MODULES:
            importlib.import_module(module)
        declare_schedules(self.settings or get_settings())
        self._listen_engine = make_listener_engine(self.url)
        worker = Worker(
            self.sessionmaker,
            f"api-{os.getpid()}",
            registry,
            poll_interval=2.0,
            lease=timedelta(seconds=60),
            stop_grace=5.0,
            listen_engine=self._listen_engine,
        )
        dispatcher = Dispatcher.from_settings(
            self.sessionmaker,
            self.settings or get_settings(),
            worker_id=f"api-{os.getpid()}",
            listen_engine=self._listen_engine,
        )
        self._task = asyncio.create_task(
            _both(worker.run(self._stop), dispatcher.run(self._stop)), name="embedded-worker"
        )

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stop.set()
        with contextlib.suppress(asyncio.CancelledError, TimeoutError):
            await asyncio.wait_for(self._task, timeout=10)
        if self._listen_engine is not None:
            await self._listen_engine.dispose()


async def _both(*loops: Coroutine[Any, Any, None]) -> None:
    await asyncio.gather(*loops)
