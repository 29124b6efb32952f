"""Fixtures of the duplicate tests: a live app on committed data."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from app.auth.scopes import Role
from app.main import create_app
from tests.conftest import make_test_settings
from tests.support.auth import bearer, user_token


@pytest.fixture
async def live(committed_url: str) -> AsyncIterator[tuple[AsyncClient, FastAPI, dict]]:
    app = create_app(make_test_settings(committed_url))
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        async with app.state.sessionmaker.begin() as session:
            _, token = await user_token(session, app.state.auth, Role.DATA_STEWARD)
        yield client, app, bearer(token)
