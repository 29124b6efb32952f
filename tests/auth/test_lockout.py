"""Failures are counted in their own transaction: they survive the failed request."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.auth.scopes import Role
from app.main import create_app
from tests.conftest import make_test_settings
from tests.support.auth import PASSWORD, enrolled_user

pytestmark = pytest.mark.committed


@pytest.fixture
async def limited(committed_url: str) -> AsyncIterator[tuple[AsyncClient, object]]:
    app = create_app(
        make_test_settings(committed_url, login_rate_per_ip_per_minute=1000, lockout_base_s=60)
    )
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        yield client, app


async def login(client: AsyncClient, email: str, password: str):  # type: ignore[no-untyped-def]
    return await client.post(
        "/v1/auth/token", data={"grant_type": "password", "username": email, "password": password}
    )


async def test_five_failures_lock_the_account_even_for_the_right_password(limited) -> None:  # type: ignore[no-untyped-def]
    client, app = limited
    async with app.state.sessionmaker.begin() as session:
        person = await enrolled_user(session, app.state.auth, Role.SALES)
    for _ in range(5):
        response = await login(client, person.user.email, "wrong passphrase!" + "123456")
        assert response.status_code == 401
    right = await login(client, person.user.email, PASSWORD + person.totp.now())
    assert right.status_code == 401
    assert right.json()["code"] == "auth.invalid_credentials"  # a lock looks like any failure

    async with app.state.sessionmaker() as session:
        user = await session.get(User, person.user.id)
        assert user is not None and user.locked_until is not None and user.lockouts == 1
        actions = list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    assert actions.count("auth.login.failed") == 6
    assert actions.count("auth.lockout") == 1


async def test_ip_rate_limit_answers_429_with_retry_after(committed_url: str) -> None:
    app = create_app(make_test_settings(committed_url, login_rate_per_ip_per_minute=3))
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        statuses = [
            (await login(client, "nobody@test.example", "whatever 123456")).status_code
            for _ in range(4)
        ]
        last = await login(client, "nobody@test.example", "whatever 123456")
    assert statuses[:3] == [401, 401, 401]
    assert statuses[3] == 429
    assert last.json()["code"] == "auth.too_many_attempts"
    # Five hits against a limit of three slide out of the last minute within two minutes.
    assert 1 <= int(last.headers["retry-after"]) <= 120
