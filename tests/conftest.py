"""Real PostgreSQL for every test: migrated once, one rolled-back transaction per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from starlette.datastructures import State

from app.core.db import get_session
from app.core.settings import Settings
from app.main import create_app, install_state
from tests.support.databases import ROLLBACK_DB, TEMPLATE, PgTestServer, test_server


@pytest.fixture(scope="session")
def pg() -> Iterator[PgTestServer]:
    with test_server() as server:
        server.prepare_template()  # the migrations themselves build the schema
        server.recreate(ROLLBACK_DB, template=TEMPLATE)
        yield server
        server.drop(ROLLBACK_DB)
        server.drop(TEMPLATE)


@pytest.fixture(scope="session")
def database_url(pg: PgTestServer) -> str:
    return pg.url(ROLLBACK_DB)


def make_test_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "env": "test",
        "database_url": database_url,
        "log_json": True,
        "cors_origins": ["https://forms.example.com"],
    }
    return Settings(**(values | overrides))  # type: ignore[arg-type]


@pytest.fixture
def settings(database_url: str) -> Settings:
    return make_test_settings(database_url)


@pytest_asyncio.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(database_url, pool_size=2, max_overflow=2)
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """The test's transaction; everything it and its requests write is rolled back."""
    async with engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(
            bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()


def bind_app_to_session(app: FastAPI, engine: AsyncEngine, session: AsyncSession) -> None:
    """Requests run in savepoints of the test's transaction, so a failing one undoes itself."""
    app.state.engine = engine
    app.state.sessionmaker = async_sessionmaker(
        bind=session.bind, join_transaction_mode="create_savepoint", expire_on_commit=False
    )

    async def request_session() -> AsyncIterator[AsyncSession]:
        session.expunge_all()  # behave like a fresh request: no identity map carried over
        async with session.begin_nested():
            yield session

    app.dependency_overrides[get_session] = request_session


# One app per distinct settings for the whole run: FastAPI prepares an app's routes on its
# first request (about 0.4 s), which a fresh app per test paid thousands of times.
_APPS: dict[str, FastAPI] = {}


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine, session: AsyncSession) -> Iterator[FastAPI]:
    """The app, its state as new: built from the test's settings, no overrides, no counts."""
    key = settings.model_dump_json()
    app = _APPS.get(key)
    if app is None:
        app = _APPS[key] = create_app(settings)
    else:
        metrics = app.state.metrics
        app.state = State()
        app.state.metrics = metrics
        metrics.reset()
        install_state(app, settings)
    routes = len(app.routes)
    bind_app_to_session(app, engine, session)
    yield app
    app.dependency_overrides.clear()
    if len(app.routes) != routes:  # a test added its own routes: the next one gets a new app
        del _APPS[key]


@pytest_asyncio.fixture
async def client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@pytest_asyncio.fixture
async def committed_url(pg: PgTestServer) -> AsyncIterator[str]:
    """A private clone of the migrated template: for tests that need real commits."""
    with pg.clone() as url:
        yield url


@pytest_asyncio.fixture
async def committed_app(committed_url: str) -> AsyncIterator[FastAPI]:
    app = create_app(make_test_settings(committed_url))
    async with app.router.lifespan_context(app):
        yield app


@pytest_asyncio.fixture
async def committed_client(committed_app: FastAPI) -> AsyncIterator[AsyncClient]:
    transport = ASGITransport(app=committed_app)
    async with AsyncClient(transport=transport, base_url="http://test") as c:
        yield c


@asynccontextmanager
async def live_app(
    url: str, role: str = "data_steward", **overrides: object
) -> AsyncIterator[tuple[AsyncClient, FastAPI, dict[str, str]]]:
    """A running app on committed data, a client, and a person's Authorization headers."""
    from app.auth.scopes import Role
    from tests.support.auth import bearer, user_token

    app = create_app(make_test_settings(url, **overrides))
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        async with app.state.sessionmaker.begin() as session:
            _, token = await user_token(session, app.state.auth, Role(role))
        yield client, app, bearer(token)


@pytest_asyncio.fixture
async def live(committed_url: str) -> AsyncIterator[tuple[AsyncClient, FastAPI, dict]]:
    """`client, app, headers`: a data steward on a live app over committed data."""
    async with live_app(committed_url) as running:
        yield running


@pytest_asyncio.fixture
async def auth_headers(app: FastAPI, session: AsyncSession):  # type: ignore[no-untyped-def]
    """`await auth_headers(role="auditor")` or `await auth_headers(scopes=["audit:read"])`:
    Authorization headers of a real person (role) or service account (scopes)."""
    from app.auth.scopes import Role, Scope
    from tests.support.auth import bearer, machine_token, user_token

    async def make(role: str | None = None, scopes: list[str] | None = None) -> dict[str, str]:
        ctx = app.state.auth
        if role is not None:
            _, token = await user_token(session, ctx, Role(role))
        else:
            _, token = await machine_token(session, ctx, frozenset(Scope(s) for s in scopes or []))
        return bearer(token)

    return make
