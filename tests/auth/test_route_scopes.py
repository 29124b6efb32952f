"""Deny by default: every operation either is public by name or requires a valid token."""

from __future__ import annotations

import time
import uuid

import jwt
import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.auth.scopes import Scope
from app.core.settings import Settings
from app.main import create_app

PUBLIC = {
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("post", "/v1/auth/token"),
    ("post", "/v1/auth/setup/password"),
    ("post", "/v1/auth/setup/confirm"),
    # authenticated by its Standard Webhooks signature instead of a token
    ("post", "/v1/webhooks/inbound/{source}"),
}
AUTHENTICATED_ONLY = {("get", "/v1/auth/me")}


def operations() -> list[tuple[str, str, list[str]]]:
    spec = create_app(Settings(database_url="postgresql://unused/x")).openapi()
    found = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            scopes = [s for req in op.get("security", []) for scope in req.values() for s in scope]
            found.append((method, path, scopes))
    return found


OPERATIONS = operations()
PROTECTED = [op for op in OPERATIONS if (op[0], op[1]) not in PUBLIC]


def _fill(path: str) -> str:
    parts = [str(uuid.uuid4()) if p.startswith("{") else p for p in path.split("/")]
    return "/".join(parts)


@pytest.mark.parametrize(("method", "path", "scopes"), OPERATIONS, ids=lambda v: str(v))
def test_every_operation_is_public_or_scoped(method: str, path: str, scopes: list[str]) -> None:
    if (method, path) in PUBLIC:
        assert not scopes
        return
    assert scopes or (method, path) in AUTHENTICATED_ONLY, f"{method.upper()} {path} has no scope"
    assert all(Scope(s) for s in scopes)


def _bad_tokens(app: FastAPI) -> dict[str, str]:
    """Tokens a server must refuse, each built with everything else right."""
    keyring = app.state.auth.tokens.keyring
    now = int(time.time())
    good = {
        "sub": str(uuid.uuid4()),
        "sub_type": "user",
        "scope": " ".join(Scope),
        "ver": 1,
        "iss": "crm-dq",
        "aud": "crm-dq-api",
        "exp": now + 600,
        "iat": now,
        "nbf": now,
        "jti": uuid.uuid4().hex,
    }
    header = {"kid": keyring.active_kid, "typ": "at+jwt"}

    def signed(claims: dict, key: bytes = keyring.active) -> str:
        return jwt.encode(claims, key, algorithm="HS256", headers=header)

    return {
        "forged": signed(good, b"not the server key" * 4),
        "expired": signed(good | {"exp": now - 3600, "iat": now - 4000, "nbf": now - 4000}),
        "wrong-audience": signed(good | {"aud": "another-api"}),
        "alg-none": jwt.encode(good, None, algorithm="none", headers=header),
        "garbage": "nonsense",
    }


@pytest.mark.parametrize(("method", "path", "scopes"), PROTECTED, ids=lambda v: str(v))
async def test_without_or_with_bad_token_is_401(
    client: AsyncClient, app: FastAPI, method: str, path: str, scopes: list[str]
) -> None:
    url = _fill(path)
    attempts = {"none": {}, "basic": {"Authorization": "Basic eDp5"}} | {
        name: {"Authorization": f"Bearer {token}"} for name, token in _bad_tokens(app).items()
    }
    for name, headers in attempts.items():
        response = await client.request(method, url, headers=headers, json={})
        assert response.status_code == 401, (name, response.text)
        assert response.json()["code"] in {"auth.not_authenticated", "auth.invalid_token"}


@pytest.mark.parametrize(
    ("method", "path", "scopes"),
    [op for op in PROTECTED if op[2]],
    ids=lambda v: str(v),
)
async def test_valid_token_without_the_scope_is_403(
    client: AsyncClient,
    auth_headers,
    method: str,
    path: str,
    scopes: list[str],  # type: ignore[no-untyped-def]
) -> None:
    others = [s.value for s in Scope if s.value not in scopes and s != Scope.USERS_MANAGE]
    headers = await auth_headers(scopes=others)
    response = await client.request(method, _fill(path), headers=headers, json={})
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["code"] == "auth.missing_scope"
    assert set(body["missing"]) <= set(scopes)
