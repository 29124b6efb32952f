"""`crm-dq create-admin` and `crm-dq service-account create` against a real database."""

from __future__ import annotations

import json
import re

import pyotp
import pytest
from httpx import ASGITransport, AsyncClient

from app.cli import main
from app.main import create_app
from tests.conftest import make_test_settings

pytestmark = pytest.mark.committed


@pytest.fixture
def database_env(committed_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", committed_url)
    return committed_url


async def test_create_admin_prints_a_working_setup(
    database_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run(["create-admin", "--email", "Boss@Example.fr"]) == 0
    out = capsys.readouterr().out
    token = re.search(r'"setup_token": "([^"]+)"', out).group(1)  # type: ignore[union-attr]
    assert "boss@example.fr" in out and "/v1/auth/setup/confirm" in out

    app = create_app(make_test_settings(database_env))
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        step1 = await client.post(
            "/v1/auth/setup/password",
            json={"setup_token": token, "password": "a very long pass"},
        )
        totp = pyotp.parse_uri(step1.json()["otpauth_uri"])
        step2 = await client.post(
            "/v1/auth/setup/confirm", json={"setup_token": token, "code": totp.now()}
        )
        assert step2.status_code == 200
        login = await client.post(
            "/v1/auth/token",
            data={
                "grant_type": "password",
                "username": "boss@example.fr",
                "password": "a very long pass",
                "totp": totp.at(__import__("time").time() + 30),
            },
        )
        assert login.status_code == 200
        assert "users:manage" in login.json()["scope"]

    assert await _run(["create-admin", "--email", "boss@example.fr"]) == 1
    assert await _run(["create-admin", "--email", "boss@example.fr", "--reset"]) == 0


async def test_service_account_create_prints_json(
    database_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        await _run(
            ["service-account", "create", "--name", "etl", "--scopes", "records:read records:write"]
        )
        == 0
    )
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["client_secret"].startswith("crmdq_sk_")
    assert printed["scopes"] == ["records:read", "records:write"]
    assert (
        await _run(["service-account", "create", "--name", "bad", "--scopes", "users:manage"]) == 1
    )
    assert await _run(["service-account", "create", "--name", "bad", "--scopes", "nope"]) == 2


async def _run(argv: list[str]) -> int:
    import asyncio

    # The CLI runs its own event loop, as it does from a shell.
    return await asyncio.to_thread(main, argv)
