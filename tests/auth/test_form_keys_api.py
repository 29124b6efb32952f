"""Publishable form keys: validation from allowed origins only, nothing else, rate-limited."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

ORIGIN = "https://www.example.fr"
CONTACT = {"last_name": "Martin", "email": "claire@gmial.com"}


@pytest.fixture
async def admin(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="admin")


async def new_key(client: AsyncClient, admin: dict, **extra: object) -> dict:
    body = {"name": "site", "allowed_origins": [ORIGIN + "/contact"]} | extra
    response = await client.post("/v1/form-keys", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


async def validate(client: AsyncClient, key: str, origin: str | None) -> object:
    headers = {"X-Form-Key": key} | ({"Origin": origin} if origin else {})
    return await client.post("/v1/validate/contact", json=CONTACT, headers=headers)


async def test_a_form_validates_from_its_origin(client: AsyncClient, admin: dict) -> None:
    created = await new_key(client, admin)
    assert created["key"].startswith("crmdq_pk_")
    assert created["allowed_origins"] == [ORIGIN]  # stored as browsers send Origin
    response = await validate(client, created["key"], ORIGIN)
    assert response.status_code == 200  # type: ignore[attr-defined]
    codes = [f["code"] for f in response.json()["findings"]]  # type: ignore[attr-defined]
    assert "email.typo" in codes


@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("https://evil.example", id="other-origin"),
        pytest.param(None, id="no-origin"),
        pytest.param("http://www.example.fr", id="other-scheme"),
        pytest.param(ORIGIN + ":8443", id="other-port"),
    ],
)
async def test_other_origins_are_refused(
    client: AsyncClient, admin: dict, origin: str | None
) -> None:
    created = await new_key(client, admin)
    response = await validate(client, created["key"], origin)
    assert response.status_code == 401  # type: ignore[attr-defined]
    assert response.json()["code"] == "auth.form_key_refused"  # type: ignore[attr-defined]


async def test_unknown_or_deactivated_keys_are_refused(client: AsyncClient, admin: dict) -> None:
    assert (await validate(client, "crmdq_pk_nope", ORIGIN)).status_code == 401  # type: ignore[attr-defined]
    created = await new_key(client, admin)
    off = await client.patch(
        f"/v1/form-keys/{created['id']}", json={"is_active": False}, headers=admin
    )
    assert off.json()["is_active"] is False
    assert (await validate(client, created["key"], ORIGIN)).status_code == 401  # type: ignore[attr-defined]


async def test_a_form_key_reads_nothing(client: AsyncClient, admin: dict) -> None:
    created = await new_key(client, admin)
    headers = {"X-Form-Key": created["key"], "Origin": ORIGIN}
    assert (await client.get("/v1/contacts", headers=headers)).status_code == 401
    lookup = await client.post(
        "/v1/duplicates/lookup", headers=headers, json={"entity": "contact", "record": CONTACT}
    )
    assert lookup.status_code == 401


async def test_rate_limit_per_ip(client: AsyncClient, admin: dict) -> None:
    created = await new_key(client, admin, rate_per_ip_per_minute=2)
    statuses = [
        (await validate(client, created["key"], ORIGIN)).status_code  # type: ignore[attr-defined]
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


async def test_managing_keys_needs_users_manage(client: AsyncClient, auth_headers) -> None:  # type: ignore[no-untyped-def]
    steward = await auth_headers(role="data_steward")
    refused = await client.post(
        "/v1/form-keys", json={"name": "x", "allowed_origins": [ORIGIN]}, headers=steward
    )
    assert refused.status_code == 403
    admin = await auth_headers(role="admin")
    bad = await client.post(
        "/v1/form-keys", json={"name": "x", "allowed_origins": ["not a url"]}, headers=admin
    )
    assert bad.status_code == 422
    await new_key(client, admin)
    taken = await client.post(
        "/v1/form-keys", json={"name": "site", "allowed_origins": [ORIGIN]}, headers=admin
    )
    assert taken.status_code == 409
