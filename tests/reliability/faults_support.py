"""Helpers for the fault tests (no tests here): a row lock to make a request slow on purpose,
a token for a server in another process, what a crm-dq process left behind in PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from httpx import AsyncClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from app.auth.context import AuthContext
from app.auth.scopes import Role
from tests.conftest import make_test_settings
from tests.support.auth import bearer, user_token

NAMES = ("Dupont", "Lefèvre", "Nguyễn", "O'Connor", "Müller", "Da Silva")


def libpq_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def row_locked(url: str, table: str, record_id: str) -> AsyncIterator[asyncpg.Connection]:
    """Holds `FOR UPDATE` on one row: any request writing it waits, as long as we like."""
    conn = await asyncpg.connect(libpq_url(url))
    tx = conn.transaction()
    await tx.start()
    try:
        await conn.execute(
            f"SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE",  # noqa: S608 (test constant)
            uuid.UUID(record_id),
        )
        yield conn
    finally:
        await tx.rollback()
        await conn.close()


async def leftovers(url: str) -> list[tuple[str, Any]]:
    """Sessions of crm-dq's pool that hold a transaction or a lock, or are still running."""
    conn = await asyncpg.connect(libpq_url(url))
    try:
        rows = await conn.fetch(
            """
            SELECT a.state, (SELECT count(*) FROM pg_locks l WHERE l.pid = a.pid) AS locks
            FROM pg_stat_activity a
            WHERE a.application_name = 'crm-dq' AND a.datname = current_database()
              AND (a.state <> 'idle' OR a.xact_start IS NOT NULL
                   OR EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid))
            """
        )
    finally:
        await conn.close()
    return [(r["state"], r["locks"]) for r in rows]


async def waiting_on_lock(url: str, expected: int = 1, seconds: float = 10.0) -> None:
    """Until `expected` crm-dq sessions wait on a row lock (the slow requests are in)."""
    conn = await asyncpg.connect(libpq_url(url))
    try:
        async with asyncio.timeout(seconds):
            while True:
                waiting = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'crm-dq' "
                    "AND datname = current_database() AND wait_event_type = 'Lock'"
                )
                if waiting >= expected:
                    return
                await asyncio.sleep(0.02)
    finally:
        await conn.close()


async def headers_for(url: str, role: str = "data_steward") -> dict[str, str]:
    """Authorization for a person, usable by any crm-dq process on `url` (same secret key)."""
    engine = create_async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False).begin() as session:
            ctx = AuthContext.from_settings(make_test_settings(url))
            _, token = await user_token(session, ctx, Role(role))
    finally:
        await engine.dispose()
    return bearer(token)


async def create_contact(client: AsyncClient, headers: dict[str, str], n: int = 0) -> str:
    body = {"last_name": NAMES[n % len(NAMES)], "email": f"jean.dupont{n}@exemple.fr"}
    response = await client.post("/v1/contacts", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]
