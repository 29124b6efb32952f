"""Job tests: an app with the jobs router, and workers on a private committed database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.auth.principal import Principal
from app.jobs.registry import Registry
from app.jobs.worker import Worker

ACTOR = Principal(type="service_account", id=uuid.UUID(int=7), scopes=frozenset())
WAIT_S = 10.0


@dataclass
class Db:
    """A committed database reached the way separate worker processes reach it."""

    url: str
    engines: list[AsyncEngine]

    def engine(self) -> AsyncEngine:
        engine = create_async_engine(self.url, pool_size=3, max_overflow=2)
        self.engines.append(engine)
        return engine

    def sessions(self) -> async_sessionmaker[AsyncSession]:
        # expire_on_commit=True (the default): the worker must not read objects after commit.
        return async_sessionmaker(self.engine())

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.engine().connect() as conn:
            return await conn.scalar(text(sql), params)

    async def row(self, sql: str, **params: Any) -> Any:
        async with self.engine().connect() as conn:
            return (await conn.execute(text(sql), params)).one()

    async def execute(self, sql: str, **params: Any) -> None:
        async with self.engine().begin() as conn:
            await conn.execute(text(sql), params)


@pytest_asyncio.fixture
async def db(committed_url: str) -> AsyncIterator[Db]:
    db = Db(committed_url, [])
    try:
        yield db
    finally:
        for engine in db.engines:
            await engine.dispose()


def make_worker(db: Db, handlers: Registry, name: str, **options: Any) -> Worker:
    values: dict[str, Any] = {"poll_interval": 0.05, "lease": timedelta(seconds=2)} | options
    return Worker(db.sessions(), name, handlers, **values)


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = WAIT_S) -> None:
    async with asyncio.timeout(seconds):
        while True:
            if await check():
                return
            await asyncio.sleep(0.02)
