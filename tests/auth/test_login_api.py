"""People log in with password + TOTP; every failure looks the same from outside."""

from __future__ import annotations

import time

import jwt
import pyotp
import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.auth.scopes import Role
from tests.support.auth import PASSWORD, EnrolledUser, bearer, enrolled_user


async def login(
    client: AsyncClient, email: str, password: str, code: str | None = None, **form: str
):  # type: ignore[no-untyped-def]
    data = {"grant_type": "password", "username": email, "password": password} | form
    if code is not None:
        data["totp"] = code
    return await client.post("/v1/auth/token", data=data)


@pytest.fixture
async def person(app: FastAPI, session: AsyncSession) -> EnrolledUser:
    return await enrolled_user(session, app.state.auth, Role.DATA_STEWARD)


async def actions(session: AsyncSession) -> list[str]:
    rows = await session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))
    return list(rows)


async def test_password_and_code_in_separate_field(
    client: AsyncClient, person: EnrolledUser, session: AsyncSession
) -> None:
    response = await login(client, person.user.email, PASSWORD, person.totp.now())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 900
    me = await client.get("/v1/auth/me", headers=bearer(body["access_token"]))
    assert me.json()["role"] == "data_steward"
    assert "merge" in me.json()["scopes"]
    assert {"auth.login.succeeded", "auth.token.issued"} <= set(await actions(session))


async def test_code_appended_to_password_as_swagger_sends_it(
    client: AsyncClient, person: EnrolledUser
) -> None:
    response = await login(client, person.user.email.upper(), PASSWORD + person.totp.now())
    assert response.status_code == 200, response.text


async def test_requested_scope_narrows_the_token(client: AsyncClient, person: EnrolledUser) -> None:
    response = await login(
        client, person.user.email, PASSWORD, person.totp.now(), scope="records:read"
    )
    assert response.json()["scope"] == "records:read"
    refused = await login(
        client, person.user.email, PASSWORD, person.totp.at(time.time() + 30), scope="users:manage"
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "auth.invalid_scope"


async def test_a_code_works_only_once(client: AsyncClient, person: EnrolledUser) -> None:
    code = person.totp.now()
    assert (await login(client, person.user.email, PASSWORD, code)).status_code == 200
    replay = await login(client, person.user.email, PASSWORD, code)
    assert replay.status_code == 401
    assert replay.json()["code"] == "auth.invalid_credentials"


async def test_wrong_password_and_wrong_code_look_the_same(
    client: AsyncClient, person: EnrolledUser
) -> None:
    wrong_password = await login(client, person.user.email, "not the passphrase", person.totp.now())
    wrong_code = await login(client, person.user.email, PASSWORD, "000000")
    unknown = await login(client, "nobody@test.example", PASSWORD, "123456")

    def shape(r):  # type: ignore[no-untyped-def]
        body = r.json()
        return r.status_code, body["code"], body["title"]

    assert shape(wrong_password) == shape(wrong_code) == shape(unknown)
    assert wrong_password.status_code == 401


async def test_recovery_code_works_once(client: AsyncClient, person: EnrolledUser) -> None:
    code = person.recovery_codes[3]
    assert (await login(client, person.user.email, PASSWORD, code.upper())).status_code == 200
    assert (await login(client, person.user.email, PASSWORD, code)).status_code == 401


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"grant_type": "password"}, id="no-username"),
        pytest.param({"grant_type": "password", "username": "a@b.fr"}, id="no-password"),
        pytest.param(
            {"grant_type": "password", "username": "a@b.fr", "password": "123456"}, id="code-only"
        ),
    ],
)
async def test_incomplete_password_grant_is_401(client: AsyncClient, form: dict) -> None:
    response = await client.post("/v1/auth/token", data=form)
    assert response.status_code == 401
    assert response.json()["code"] == "auth.invalid_credentials"


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"grant_type": "implicit"}, id="unknown-grant"),
        pytest.param({}, id="no-grant"),
    ],
)
async def test_bad_grant_is_422(client: AsyncClient, form: dict) -> None:
    response = await client.post("/v1/auth/token", data=form)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


async def test_expired_and_wrong_audience_tokens_are_401(
    client: AsyncClient, app: FastAPI, person: EnrolledUser
) -> None:
    tokens = app.state.auth.tokens
    expired = tokens.issue(
        person.user.id, "user", frozenset(), version=1, now=int(time.time()) - 3600
    )
    claims = jwt.decode(expired.access_token, options={"verify_signature": False})
    other_aud = jwt.encode(
        claims | {"aud": "elsewhere", "exp": int(time.time()) + 600},
        tokens.keyring.active,
        algorithm="HS256",
        headers={"kid": tokens.keyring.active_kid, "typ": "at+jwt"},
    )
    for token in (expired.access_token, other_aud):
        response = await client.get("/v1/auth/me", headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["code"] == "auth.invalid_token"


async def test_inactive_or_unenrolled_person_cannot_log_in(
    client: AsyncClient, app: FastAPI, session: AsyncSession, auth_headers
) -> None:  # type: ignore[no-untyped-def]
    admin = await auth_headers(role="admin")
    created = await client.post(
        "/v1/users", json={"email": "new@test.example", "role": "sales"}, headers=admin
    )
    assert created.status_code == 201
    not_enrolled = await login(client, "new@test.example", PASSWORD, "123456")
    assert not_enrolled.status_code == 401


def totp_of(uri: str) -> pyotp.TOTP:
    return pyotp.parse_uri(uri)  # type: ignore[return-value]
