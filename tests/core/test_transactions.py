"""The request boundary commits before the response; a failing request leaves nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.db import DbSession
from app.main import create_app
from tests.conftest import make_test_settings

probe = APIRouter(prefix="/_probe")


@probe.post("/notes/{value}")
async def write_note(value: str, session: DbSession) -> dict[str, str]:
    await session.execute(text("INSERT INTO probe_notes (value) VALUES (:v)"), {"v": value})
    if value == "fail":
        raise RuntimeError("after the write")
    return {"written": value}


@pytest_asyncio.fixture
async def probe_client(committed_url: str) -> AsyncIterator[tuple[AsyncClient, str]]:
    engine = create_async_engine(committed_url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE probe_notes (value text)"))
    await engine.dispose()
    app = create_app(make_test_settings(committed_url))
    app.include_router(probe)
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        yield client, committed_url


async def notes(url: str) -> list[str]:
    engine = create_async_engine(url)  # another connection: sees committed rows only
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT value FROM probe_notes ORDER BY value"))).all()
    await engine.dispose()
    return [r[0] for r in rows]


@pytest.mark.committed
async def test_success_is_committed_before_the_response(probe_client) -> None:  # type: ignore[no-untyped-def]
    client, url = probe_client
    assert (await client.post("/_probe/notes/kept")).status_code == 200
    assert await notes(url) == ["kept"]


@pytest.mark.committed
async def test_failure_rolls_the_whole_request_back(probe_client) -> None:  # type: ignore[no-untyped-def]
    client, url = probe_client
    assert (await client.post("/_probe/notes/fail")).status_code == 500
    assert await notes(url) == []
