"""`/v1/webhook-subscriptions`: CRUD, the secret shown once, sealed at rest, audited."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.core.crypto import Sealed, unseal
from app.webhooks.outbound_models import WebhookSubscription

BASE = "/v1/webhook-subscriptions"
BODY = {"url": "https://crm.example.fr/hooks/crm-dq", "events": ["record.merged"]}


@pytest.fixture
async def admin(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="admin")


async def create(client: AsyncClient, headers: dict, **extra: object) -> dict:
    response = await client.post(BASE, json=BODY | extra, headers=headers)
    assert response.status_code == 201, response.text
    return response.json() | {"_cache_control": response.headers.get("cache-control")}


async def audit_actions(session: AsyncSession, entity_id: str) -> list[tuple[str, list[str]]]:
    rows = await session.scalars(
        select(AuditEvent).where(AuditEvent.entity_id == entity_id).order_by(AuditEvent.seq)
    )
    return [(r.action, list(r.fields)) for r in rows]


class TestCreate:
    async def test_secret_is_shown_once_and_sealed_at_rest(
        self, client: AsyncClient, admin: dict, session: AsyncSession, app
    ) -> None:
        created = await create(client, admin, description="CRM de production — Besançon")
        secret = created["secret"]
        assert secret.startswith("whsec_")
        assert created["_cache_control"] == "no-store"
        assert created["events"] == ["record.merged"]
        assert created["active"] is True
        assert created["description"] == "CRM de production — Besançon"

        row = await session.get(WebhookSubscription, uuid.UUID(created["id"]))
        assert row is not None and secret not in row.secret  # sealed, not stored in clear
        opened = unseal(
            app.state.auth.encryption, Sealed(row.key_id, row.secret), context=row.id.bytes
        )
        assert opened.decode() == secret

        one = await client.get(f"{BASE}/{created['id']}", headers=admin)
        listed = await client.get(BASE, headers=admin)
        for answer in (one.text, listed.text):
            assert secret not in answer and 'secret"' not in answer.replace("previous_secret", "")
        assert await audit_actions(session, created["id"]) == [
            ("webhook_subscription.created", ["description", "events", "secret", "url"])
        ]

    async def test_a_service_account_with_webhooks_manage_may(
        self, client: AsyncClient, auth_headers
    ) -> None:  # type: ignore[no-untyped-def]
        machine = await auth_headers(scopes=["webhooks:manage"])
        assert (await create(client, machine))["secret"].startswith("whsec_")

    async def test_wildcard_and_duplicates(self, client: AsyncClient, admin: dict) -> None:
        created = await create(client, admin, events=["*", "record.merged", "record.merged"])
        assert created["events"] == ["*", "record.merged"]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            pytest.param({"url": "ftp://x.fr/", "events": ["*"]}, "url", id="ftp"),
            pytest.param({"url": "https://u:p@x.fr/", "events": ["*"]}, "url", id="credentials"),
            pytest.param(
                {"url": "https://ex\u0430mple.com/", "events": ["*"]}, "url", id="lookalike"
            ),
            pytest.param({"url": "", "events": ["*"]}, "url", id="empty-url"),
            pytest.param(
                {"url": "https://x.fr/" + "a" * 3000, "events": ["*"]}, "url", id="huge-url"
            ),
            pytest.param({"url": 42, "events": ["*"]}, "url", id="url-wrong-type"),
            pytest.param({"url": "https://x.fr/", "events": []}, "events", id="no-events"),
            pytest.param(
                {"url": "https://x.fr/", "events": ["record.deleted"]}, "events", id="unknown-event"
            ),
            pytest.param(
                {"url": "https://x.fr/", "events": "record.merged"},
                "events",
                id="events-not-a-list",
            ),
            pytest.param({"url": "https://x.fr/"}, "events", id="events-missing"),
            pytest.param(
                {"url": "https://x.fr/", "events": ["*"], "secret": "whsec_x"},
                "secret",
                id="secret-not-assignable",
            ),
            pytest.param(
                {"url": "https://x.fr/", "events": ["*"], "active": False},
                "active",
                id="extra-field",
            ),
            pytest.param(
                {"url": "https://x.fr/", "events": ["*"], "description": "é" * 501},
                "description",
                id="long-description",
            ),
        ],
    )
    async def test_bad_bodies_are_422_naming_the_field(
        self, client: AsyncClient, admin: dict, body: dict, field: str
    ) -> None:
        response = await client.post(BASE, json=body, headers=admin)
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["code"] == "validation_failed"
        assert any(field in e["field"].split(".") for e in problem["errors"]), problem

    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        response = await client.post(BASE, json=BODY)
        assert response.status_code == 401 and response.json()["code"] == "auth.not_authenticated"

    @pytest.mark.parametrize("role", ["data_steward", "dpo", "auditor", "sales"])
    async def test_other_roles_are_403(self, client: AsyncClient, auth_headers, role: str) -> None:  # type: ignore[no-untyped-def]
        headers = await auth_headers(role=role)
        for response in (
            await client.post(BASE, json=BODY, headers=headers),
            await client.get(BASE, headers=headers),
            await client.get("/v1/webhook-deliveries", headers=headers),
        ):
            assert response.status_code == 403 and response.json()["code"] == "auth.missing_scope"


class TestReadUpdateDelete:
    async def test_list_pages_oldest_first(self, client: AsyncClient, admin: dict) -> None:
        ids = [(await create(client, admin))["id"] for _ in range(3)]
        first = (await client.get(BASE, params={"limit": 2}, headers=admin)).json()
        second = (
            await client.get(
                BASE, params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin
            )
        ).json()
        seen = [s["id"] for s in first["items"] + second["items"]]
        assert seen[-3:] == ids and second["next_cursor"] is None

    async def test_tampered_cursor_is_400(self, client: AsyncClient, admin: dict) -> None:
        response = await client.get(BASE, params={"cursor": "not-a-cursor"}, headers=admin)
        assert response.status_code == 400
        assert response.json()["code"] == "pagination.invalid_cursor"

    async def test_patch_changes_only_what_was_sent_and_audits_names(
        self, client: AsyncClient, admin: dict, session: AsyncSession
    ) -> None:
        created = await create(client, admin, description="avant")
        response = await client.patch(
            f"{BASE}/{created['id']}",
            json={"events": ["duplicate.detected", "scan.completed"], "active": False},
            headers=admin,
        )
        assert response.status_code == 200, response.text
        updated = response.json()
        assert updated["events"] == ["duplicate.detected", "scan.completed"]
        assert updated["active"] is False
        assert updated["url"] == BODY["url"] and updated["description"] == "avant"
        assert "secret" not in updated
        same = await client.patch(f"{BASE}/{created['id']}", json={"active": False}, headers=admin)
        assert same.status_code == 200
        assert [a for a, _ in await audit_actions(session, created["id"])] == [
            "webhook_subscription.created",
            "webhook_subscription.updated",  # the no-op PATCH wrote nothing
        ]
        _, fields = (await audit_actions(session, created["id"]))[-1]
        assert fields == ["active", "events"]

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param({"url": "gopher://x.fr/"}, id="bad-url"),
            pytest.param({"events": ["nope"]}, id="bad-event"),
            pytest.param({"active": "maybe"}, id="bad-active"),
            pytest.param({"secret": "whsec_abc"}, id="secret-not-patchable"),
        ],
    )
    async def test_bad_patch_is_422(self, client: AsyncClient, admin: dict, body: dict) -> None:
        created = await create(client, admin)
        response = await client.patch(f"{BASE}/{created['id']}", json=body, headers=admin)
        assert response.status_code == 422 and response.json()["code"] == "validation_failed"

    async def test_delete_then_404_everywhere(
        self, client: AsyncClient, admin: dict, session: AsyncSession
    ) -> None:
        created = await create(client, admin)
        path = f"{BASE}/{created['id']}"
        assert (await client.delete(path, headers=admin)).status_code == 204
        for response in (
            await client.get(path, headers=admin),
            await client.patch(path, json={"active": True}, headers=admin),
            await client.delete(path, headers=admin),
            await client.post(f"{path}/rotate-secret", headers=admin),
        ):
            assert response.status_code == 404
            assert response.json()["code"] == "webhooks.subscription_not_found"
        assert [a for a, _ in await audit_actions(session, created["id"])][-1] == (
            "webhook_subscription.deleted"
        )

    async def test_not_a_uuid_is_422(self, client: AsyncClient, admin: dict) -> None:
        response = await client.get(f"{BASE}/not-a-uuid", headers=admin)
        assert response.status_code == 422


class TestRotateSecret:
    async def test_new_secret_once_old_one_signs_during_grace(
        self, client: AsyncClient, admin: dict, session: AsyncSession, app
    ) -> None:
        created = await create(client, admin)
        response = await client.post(
            f"{BASE}/{created['id']}/rotate-secret", json={"grace_hours": 2}, headers=admin
        )
        assert response.status_code == 200, response.text
        rotated = response.json()
        assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
        assert response.headers["cache-control"] == "no-store"
        assert rotated["previous_secret_expires_at"] is not None
        row = await session.get(WebhookSubscription, uuid.UUID(created["id"]))
        await session.refresh(row)
        keyring = app.state.auth.encryption
        previous = Sealed(row.previous_key_id, row.previous_secret)
        assert unseal(keyring, previous, context=row.id.bytes).decode() == created["secret"]
        one = await client.get(f"{BASE}/{created['id']}", headers=admin)
        assert rotated["secret"] not in one.text and created["secret"] not in one.text
        actions = await audit_actions(session, created["id"])
        assert actions[-1] == ("webhook_subscription.secret_rotated", ["secret"])

    async def test_zero_grace_retires_the_old_secret(
        self, client: AsyncClient, admin: dict
    ) -> None:
        created = await create(client, admin)
        response = await client.post(
            f"{BASE}/{created['id']}/rotate-secret", json={"grace_hours": 0}, headers=admin
        )
        assert response.json()["previous_secret_expires_at"] is None

    async def test_without_body_uses_the_default_grace(
        self, client: AsyncClient, admin: dict
    ) -> None:
        created = await create(client, admin)
        response = await client.post(f"{BASE}/{created['id']}/rotate-secret", headers=admin)
        assert response.status_code == 200 and response.json()["previous_secret_expires_at"]

    @pytest.mark.parametrize("grace", [-1, 721, "long"])
    async def test_bad_grace_is_422(self, client: AsyncClient, admin: dict, grace: object) -> None:
        created = await create(client, admin)
        response = await client.post(
            f"{BASE}/{created['id']}/rotate-secret", json={"grace_hours": grace}, headers=admin
        )
        assert response.status_code == 422
