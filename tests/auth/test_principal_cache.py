"""Revocation stays immediate with the per-process cache: NOTIFY drops stale entries."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text, update
from sqlalchemy.ext.asyncio import create_async_engine

from app.auth.models import User
from app.auth.principal_cache import PrincipalCache, PrincipalState
from app.auth.scopes import Role
from app.main import create_app
from tests.conftest import make_test_settings
from tests.support.auth import bearer, user_token

pytestmark = pytest.mark.committed


@pytest.fixture
async def live(committed_url: str) -> AsyncIterator[tuple[AsyncClient, object]]:
    app = create_app(make_test_settings(committed_url))
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        for _ in range(100):  # the listener connects in the background
            if app.state.principal_cache.listening:
                break
            await asyncio.sleep(0.02)
        yield client, app


async def status_soon(client: AsyncClient, headers: dict, expected: int) -> int:
    for _ in range(100):
        status = (await client.get("/v1/auth/me", headers=headers)).status_code
        if status == expected:
            return status
        await asyncio.sleep(0.02)
    return status


async def test_change_made_elsewhere_revokes_cached_token(live, committed_url: str) -> None:  # type: ignore[no-untyped-def]
    client, app = live
    async with app.state.sessionmaker.begin() as session:
        user, token = await user_token(session, app.state.auth, Role.SALES)
    headers = bearer(token)
    assert (await client.get("/v1/auth/me", headers=headers)).status_code == 200
    cache: PrincipalCache = app.state.principal_cache
    assert cache.get(user.id) is not None  # served from the cache from now on

    # Another process (here: another connection) deactivates the person.
    other = create_async_engine(committed_url)
    async with other.begin() as conn:
        await conn.execute(
            update(User)
            .where(User.id == user.id)
            .values(is_active=False, token_version=User.token_version + 1)
        )
    await other.dispose()
    assert await status_soon(client, headers, 401) == 401


async def test_lost_listener_means_no_trust(live) -> None:  # type: ignore[no-untyped-def]
    _, app = live
    cache: PrincipalCache = app.state.principal_cache
    subject = uuid.uuid4()
    cache.put(subject, PrincipalState(True, 1, "sales", ()), cache.generation)
    assert cache.get(subject) is not None
    async with app.state.engine.connect() as conn:
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        )
    for _ in range(100):
        if cache.get(subject) is None:
            break
        await asyncio.sleep(0.02)
    assert cache.get(subject) is None
    for _ in range(200):  # and it comes back by itself
        if cache.listening:
            break
        await asyncio.sleep(0.05)
    assert cache.listening


def test_stale_read_is_not_stored() -> None:
    cache = PrincipalCache()
    cache.listening = True
    subject = uuid.uuid4()
    generation = cache.generation
    cache.invalidate(str(subject))  # a change announced while we were reading
    cache.put(subject, PrincipalState(True, 1, "sales", ()), generation)
    assert cache.get(subject) is None
