"""People administration: the admin's use cases and their failure modes."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.auth.scopes import Role
from tests.support.auth import bearer, user_token


@pytest.fixture
async def admin(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="admin")


async def create(client: AsyncClient, admin: dict, email: str, role: str = "sales"):  # type: ignore[no-untyped-def]
    return await client.post("/v1/users", json={"email": email, "role": role}, headers=admin)


async def test_create_returns_setup_token_and_audits(
    client: AsyncClient, admin: dict, session: AsyncSession
) -> None:
    response = await create(client, admin, "Claire.Martin@Example.FR", "dpo")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["user"]["email"] == "claire.martin@example.fr"
    assert body["user"]["enrolled"] is False
    assert len(body["setup_token"]) >= 40
    event = await session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event is not None and event.entity_id == body["user"]["id"]
    assert "claire" not in str(event.details) + str(event.fields)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        pytest.param({"email": "not-an-email", "role": "sales"}, "email", id="bad-email"),
        pytest.param({"email": "a@b.fr", "role": "superuser"}, "role", id="unknown-role"),
        pytest.param(
            {"email": "a@b.fr", "role": "sales", "is_admin": True}, "is_admin", id="unknown-field"
        ),
        pytest.param({"role": "sales"}, "email", id="missing-email"),
    ],
)
async def test_create_rejects_bad_input(
    client: AsyncClient, admin: dict, payload: dict, field: str
) -> None:
    response = await client.post("/v1/users", json=payload, headers=admin)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


async def test_duplicate_email_is_409(client: AsyncClient, admin: dict) -> None:
    await create(client, admin, "dup@test.example")
    response = await create(client, admin, "DUP@test.example")
    assert response.status_code == 409
    assert response.json()["code"] == "users.email_taken"


async def test_unknown_user_is_404(client: AsyncClient, admin: dict) -> None:
    response = await client.get(f"/v1/users/{uuid.uuid4()}", headers=admin)
    assert response.status_code == 404
    assert response.json()["code"] == "users.not_found"


async def test_list_paginates_and_filters(client: AsyncClient, admin: dict) -> None:
    for i in range(5):
        await create(client, admin, f"p{i}@test.example", "auditor" if i % 2 else "sales")
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/v1/users", params=params, headers=admin)).json()
        seen += [u["email"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6  # five created + the admin
    auditors = (await client.get("/v1/users", params={"role": "auditor"}, headers=admin)).json()
    assert {u["email"] for u in auditors["items"]} == {"p1@test.example", "p3@test.example"}
    bad = await client.get("/v1/users", params={"cursor": "garbage"}, headers=admin)
    assert bad.status_code == 400 and bad.json()["code"] == "pagination.invalid_cursor"


async def test_role_change_revokes_existing_tokens(
    client: AsyncClient, app: FastAPI, session: AsyncSession, admin: dict
) -> None:
    user, token = await user_token(session, app.state.auth, Role.SALES)
    assert (await client.get("/v1/auth/me", headers=bearer(token))).status_code == 200
    changed = await client.put(f"/v1/users/{user.id}/role", json={"role": "auditor"}, headers=admin)
    assert changed.status_code == 200 and changed.json()["role"] == "auditor"
    revoked = await client.get("/v1/auth/me", headers=bearer(token))
    assert revoked.status_code == 401 and revoked.json()["code"] == "auth.invalid_token"


async def test_deactivate_revokes_and_reactivate_restores_login_ability(
    client: AsyncClient, app: FastAPI, session: AsyncSession, admin: dict
) -> None:
    user, token = await user_token(session, app.state.auth, Role.SALES)
    off = await client.post(f"/v1/users/{user.id}/deactivate", headers=admin)
    assert off.json()["is_active"] is False and off.json()["deactivated_at"]
    assert (await client.get("/v1/auth/me", headers=bearer(token))).status_code == 401
    on = await client.post(f"/v1/users/{user.id}/reactivate", headers=admin)
    assert on.json()["is_active"] is True
    # The old token stays dead: reactivation does not resurrect it.
    assert (await client.get("/v1/auth/me", headers=bearer(token))).status_code == 401


async def test_last_admin_cannot_be_demoted_or_deactivated(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    only_admin, token = await user_token(session, app.state.auth, Role.ADMIN)
    headers = bearer(token)
    demote = await client.put(
        f"/v1/users/{only_admin.id}/role", json={"role": "sales"}, headers=headers
    )
    assert demote.status_code == 409 and demote.json()["code"] == "users.last_admin"
    off = await client.post(f"/v1/users/{only_admin.id}/deactivate", headers=headers)
    assert off.status_code == 409


async def test_reset_credentials_issues_new_setup_token(
    client: AsyncClient, app: FastAPI, session: AsyncSession, admin: dict
) -> None:
    user, token = await user_token(session, app.state.auth, Role.SALES)
    reset = await client.post(f"/v1/users/{user.id}/reset-credentials", headers=admin)
    assert reset.status_code == 200 and reset.json()["setup_token"]
    assert reset.json()["user"]["enrolled"] is False
    assert (await client.get("/v1/auth/me", headers=bearer(token))).status_code == 401


async def test_governance_report(
    client: AsyncClient, app: FastAPI, session: AsyncSession, admin: dict
) -> None:
    leaver, leaver_token = await user_token(session, app.state.auth, Role.ADMIN)
    account = await client.post(
        "/v1/service-accounts",
        json={"name": "leaver-script", "scopes": ["records:read"]},
        headers=bearer(leaver_token),
    )
    assert account.status_code == 201
    await client.post(f"/v1/users/{leaver.id}/deactivate", headers=admin)
    report = (await client.get("/v1/users/governance", headers=admin)).json()
    assert report["admins"] == 1
    assert report["inactive_days"] == 90
    assert str(leaver.id) not in {u["id"] for u in report["never_logged_in"]}
    open_work = {w["user"]["id"]: w for w in report["deactivated_with_open_work"]}
    assert open_work[str(leaver.id)]["active_service_accounts"] == [account.json()["account"]["id"]]
