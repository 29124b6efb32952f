"""A new person's set-up through HTTP, as an authenticator app user does it."""

from __future__ import annotations

import pyotp
import pytest
from httpx import AsyncClient

PASSWORD = "un mot de passe vraiment long"


@pytest.fixture
async def setup_token(client: AsyncClient, auth_headers) -> str:  # type: ignore[no-untyped-def]
    admin = await auth_headers(role="admin")
    created = await client.post(
        "/v1/users", json={"email": "nouvelle@test.example", "role": "dpo"}, headers=admin
    )
    return created.json()["setup_token"]


async def test_full_setup_then_login(client: AsyncClient, setup_token: str) -> None:
    step1 = await client.post(
        "/v1/auth/setup/password", json={"setup_token": setup_token, "password": PASSWORD}
    )
    assert step1.status_code == 200, step1.text
    body = step1.json()
    assert body["otpauth_uri"].startswith("otpauth://totp/crm-dq:nouvelle%40test.example")
    assert body["qr_svg"].startswith("data:image/svg+xml;base64,")
    authenticator = pyotp.parse_uri(body["otpauth_uri"])

    wrong = await client.post(
        "/v1/auth/setup/confirm", json={"setup_token": setup_token, "code": "000000"}
    )
    assert wrong.status_code == 400 and wrong.json()["code"] == "auth.invalid_totp_code"

    first_code = authenticator.at(__import__("time").time() - 30)
    step2 = await client.post(
        "/v1/auth/setup/confirm", json={"setup_token": setup_token, "code": first_code}
    )
    assert step2.status_code == 200, step2.text
    assert len(step2.json()["recovery_codes"]) == 10

    again = await client.post(
        "/v1/auth/setup/confirm", json={"setup_token": setup_token, "code": authenticator.now()}
    )
    assert again.status_code == 400 and again.json()["code"] == "auth.invalid_setup_token"

    login = await client.post(
        "/v1/auth/token",
        data={
            "grant_type": "password",
            "username": "nouvelle@test.example",
            "password": PASSWORD + authenticator.now(),
        },
    )
    assert login.status_code == 200, login.text


@pytest.mark.parametrize(
    ("password", "violation"),
    [
        pytest.param("court", "password.too_short", id="short"),
        pytest.param("azertyuiop123", "password.too_common", id="common"),
        pytest.param("nouvelle est mon prénom", "password.contains_context", id="email-part"),
    ],
)
async def test_weak_password_is_422(
    client: AsyncClient, setup_token: str, password: str, violation: str
) -> None:
    response = await client.post(
        "/v1/auth/setup/password",
        json={"setup_token": setup_token, "password": password},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "auth.weak_password" and violation in body["violations"]
    assert body["title"] == "Password refused by the policy"


async def test_unknown_setup_token_is_400(client: AsyncClient) -> None:
    response = await client.post(
        "/v1/auth/setup/password", json={"setup_token": "x" * 43, "password": PASSWORD}
    )
    assert response.status_code == 400 and response.json()["code"] == "auth.invalid_setup_token"


async def test_confirm_before_password_is_400(client: AsyncClient, setup_token: str) -> None:
    response = await client.post(
        "/v1/auth/setup/confirm", json={"setup_token": setup_token, "code": "123456"}
    )
    assert response.status_code == 400 and response.json()["code"] == "auth.invalid_setup_token"
