"""Machines: client credentials, one-time secrets, rotation with a grace period."""

from __future__ import annotations

import base64

import pytest
from httpx import AsyncClient

from tests.support.auth import bearer


@pytest.fixture
async def admin(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="admin")


async def new_account(client: AsyncClient, admin: dict, scopes=("records:read", "validate")):  # type: ignore[no-untyped-def]
    response = await client.post(
        "/v1/service-accounts", json={"name": "crm-sync", "scopes": list(scopes)}, headers=admin
    )
    assert response.status_code == 201, response.text
    return response.json()


async def client_token(client: AsyncClient, client_id: str, secret: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    return await client.post("/v1/auth/token", data=data | extra)


async def test_secret_shown_once_and_grants_tokens(client: AsyncClient, admin: dict) -> None:
    created = await new_account(client, admin)
    assert created["client_secret"].startswith("crmdq_sk_")
    listed = (await client.get("/v1/service-accounts", headers=admin)).text
    assert created["client_secret"] not in listed
    token = await client_token(client, created["client_id"], created["client_secret"])
    assert token.status_code == 200
    assert token.json()["scope"] == "records:read validate"
    me = (await client.get("/v1/auth/me", headers=bearer(token.json()["access_token"]))).json()
    assert me["type"] == "service_account" and me["role"] is None


async def test_http_basic_client_authentication(client: AsyncClient, admin: dict) -> None:
    created = await new_account(client, admin)
    basic = base64.b64encode(f"{created['client_id']}:{created['client_secret']}".encode()).decode()
    response = await client.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "scope": "validate"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200 and response.json()["scope"] == "validate"


@pytest.mark.parametrize(
    ("client_id", "secret"),
    [
        pytest.param(None, "crmdq_sk_wrong", id="wrong-secret"),
        pytest.param("crmdq_unknown", None, id="unknown-client"),
    ],
)
async def test_bad_client_credentials_are_401(
    client: AsyncClient, admin: dict, client_id: str | None, secret: str | None
) -> None:
    created = await new_account(client, admin)
    response = await client_token(
        client, client_id or created["client_id"], secret or created["client_secret"]
    )
    assert response.status_code == 401
    assert response.json()["code"] == "auth.invalid_client"


async def test_users_manage_is_never_granted_to_machines(client: AsyncClient, admin: dict) -> None:
    response = await client.post(
        "/v1/service-accounts", json={"name": "x", "scopes": ["users:manage"]}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["code"] == "service_accounts.forbidden_scope"


async def test_scope_beyond_the_account_is_refused(client: AsyncClient, admin: dict) -> None:
    created = await new_account(client, admin)
    response = await client_token(
        client, created["client_id"], created["client_secret"], scope="merge"
    )
    assert response.status_code == 400 and response.json()["code"] == "auth.invalid_scope"


async def test_rotation_keeps_old_secret_during_grace_and_kills_old_tokens(
    client: AsyncClient, admin: dict
) -> None:
    created = await new_account(client, admin)
    old_token = (await client_token(client, created["client_id"], created["client_secret"])).json()
    rotated = await client.post(
        f"/v1/service-accounts/{created['account']['id']}/rotate-secret",
        json={"grace_hours": 2},
        headers=admin,
    )
    assert rotated.status_code == 200
    new_secret = rotated.json()["client_secret"]
    assert new_secret != created["client_secret"]
    assert rotated.json()["account"]["previous_secret_expires_at"]
    me = await client.get("/v1/auth/me", headers=bearer(old_token["access_token"]))
    assert me.status_code == 401
    for secret in (created["client_secret"], new_secret):
        assert (await client_token(client, created["client_id"], secret)).status_code == 200


async def test_rotation_without_grace_retires_old_secret(client: AsyncClient, admin: dict) -> None:
    created = await new_account(client, admin)
    await client.post(
        f"/v1/service-accounts/{created['account']['id']}/rotate-secret",
        json={"grace_hours": 0},
        headers=admin,
    )
    old = await client_token(client, created["client_id"], created["client_secret"])
    assert old.status_code == 401


async def test_deactivate_and_rescope_revoke_tokens(client: AsyncClient, admin: dict) -> None:
    created = await new_account(client, admin)
    account_url = f"/v1/service-accounts/{created['account']['id']}"
    token = (await client_token(client, created["client_id"], created["client_secret"])).json()
    rescoped = await client.patch(account_url, json={"scopes": ["validate"]}, headers=admin)
    assert rescoped.json()["scopes"] == ["validate"]
    assert (
        await client.get("/v1/auth/me", headers=bearer(token["access_token"]))
    ).status_code == 401
    await client.patch(account_url, json={"is_active": False}, headers=admin)
    refused = await client_token(client, created["client_id"], created["client_secret"])
    assert refused.status_code == 401


async def test_duplicate_name_and_unknown_id(client: AsyncClient, admin: dict) -> None:
    await new_account(client, admin)
    again = await client.post(
        "/v1/service-accounts", json={"name": "crm-sync", "scopes": ["validate"]}, headers=admin
    )
    assert again.status_code == 409 and again.json()["code"] == "service_accounts.name_taken"
    missing = await client.get(
        "/v1/service-accounts/00000000-0000-0000-0000-000000000000", headers=admin
    )
    assert missing.status_code == 404 and missing.json()["code"] == "service_accounts.not_found"
