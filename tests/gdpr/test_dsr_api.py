"""The GDPR request register through the API, on the real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.scopes import Role
from app.core.timeutil import utcnow
from app.gdpr.dsr_models import DsrRequest
from app.records.models import Contact
from tests.support.auth import user_token

URL = "/v1/gdpr/requests"


@pytest.fixture
async def dpo(auth_headers: Any) -> dict[str, str]:
    return await auth_headers(role="dpo")


async def create(client: AsyncClient, headers: dict, **body: Any) -> dict[str, Any]:
    payload = {"kind": "access", "channel": "email"} | body
    response = await client.post(URL, json=payload, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def audit_rows(session: AsyncSession, entity_id: str) -> list[Any]:
    stmt = text(
        "SELECT action, fields, details::text AS details FROM audit_events "
        "WHERE entity_id = :id ORDER BY seq"
    )
    return list((await session.execute(stmt, {"id": entity_id})).all())


async def age(session: AsyncSession, request_id: str, received_at: datetime, due: datetime) -> None:
    """Move a request back in time, as if it had been recorded then."""
    await session.execute(
        update(DsrRequest)
        .where(DsrRequest.id == uuid.UUID(request_id))
        .values(received_at=received_at, due_at=due)
    )
    await session.flush()


class TestCreate:
    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        response = await client.post(URL, json={"kind": "access", "channel": "email"})
        assert response.status_code == 401

    async def test_sales_role_is_403(self, client: AsyncClient, auth_headers: Any) -> None:
        headers = await auth_headers(role="sales")
        response = await client.post(URL, json={"kind": "access", "channel": "email"},
                                     headers=headers)  # fmt: skip
        assert response.status_code == 403

    async def test_records_with_a_one_month_deadline_and_audits_field_names_only(
        self, client: AsyncClient, dpo: dict, session: AsyncSession
    ) -> None:
        notes = "Demande reçue par courrier — à traiter en priorité ✉"
        response = await client.post(
            URL,
            json={"kind": "erasure", "channel": "post", "received_at": "2025-01-31T09:15:00+01:00",
                  "notes": notes},
            headers=dpo,
        )  # fmt: skip
        assert response.status_code == 201, response.text
        body = response.json()
        assert response.headers["location"] == f"{URL}/{body['id']}"
        assert response.headers["etag"] == '"1"'
        assert body["status"] == "received" and body["kind"] == "erasure"
        assert datetime.fromisoformat(body["due_at"]) == datetime(2025, 2, 28, 8, 15, tzinfo=UTC)
        assert body["overdue"] is True and body["days_left"] < 0
        assert body["notes"] == notes
        rows = await audit_rows(session, body["id"])
        assert [r.action for r in rows] == ["gdpr.request.created"]
        assert sorted(rows[0].fields) == ["channel", "kind", "notes", "received_at"]
        assert "courrier" not in rows[0].details

    async def test_received_at_defaults_to_now(self, client: AsyncClient, dpo: dict) -> None:
        before = utcnow()
        body = await create(client, dpo)
        received = datetime.fromisoformat(body["received_at"])
        assert before - timedelta(seconds=5) <= received <= utcnow() + timedelta(seconds=5)
        assert body["overdue"] is False and body["days_left"] >= 27

    async def test_links_a_contact_and_a_handler(
        self, client: AsyncClient, app: FastAPI, dpo: dict, session: AsyncSession
    ) -> None:
        handler, _ = await user_token(session, app.state.auth, Role.DPO)
        contact = Contact(first_name="Zoé", last_name="Lefèvre", created_by_type="system")
        session.add(contact)
        await session.flush()
        body = await create(
            client, dpo, contact_id=str(contact.id), handler_id=str(handler.id), kind="objection"
        )
        assert (body["contact_id"], body["handler_id"]) == (str(contact.id), str(handler.id))

    @pytest.mark.parametrize(
        ("body", "reason"),
        [
            pytest.param({"received_at": "2099-01-01T00:00:00Z"}, "received_in_future",
                         id="in-the-future"),
            pytest.param({"handler_id": str(uuid.uuid4())}, "handler_unknown", id="handler"),
            pytest.param({"contact_id": str(uuid.uuid4())}, "contact_unknown", id="contact"),
        ],
    )  # fmt: skip
    async def test_refuses_what_cannot_be_true(
        self, client: AsyncClient, dpo: dict, body: dict, reason: str
    ) -> None:
        payload = {"kind": "access", "channel": "email"} | body
        response = await client.post(URL, json=payload, headers=dpo)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "gdpr.request.invalid"
        assert response.json()["reason"] == reason

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param({"kind": "deletion", "channel": "email"}, id="unknown-kind"),
            pytest.param({"kind": "access"}, id="no-channel"),
            pytest.param({"kind": "access", "channel": "pigeon"}, id="unknown-channel"),
            pytest.param({"kind": "access", "channel": "email", "status": "completed"},
                         id="status-not-settable"),
            pytest.param({"kind": "access", "channel": "email", "email": "a@b.fr"},
                         id="unknown-field"),
            pytest.param({"kind": "access", "channel": "email",
                          "received_at": "2025-01-31T09:15:00"}, id="naive-time"),
            pytest.param({"kind": "access", "channel": "email", "notes": "é" * 2001},
                         id="huge-notes"),
            pytest.param({"kind": ["access"], "channel": "email"}, id="wrong-type"),
            pytest.param({"kind": "ACCESS", "channel": "email"}, id="upper-case"),
            pytest.param({"kind": "аccess", "channel": "email"}, id="cyrillic-look-alike"),
        ],
    )  # fmt: skip
    async def test_bad_input_is_422(self, client: AsyncClient, dpo: dict, body: dict) -> None:
        response = await client.post(URL, json=body, headers=dpo)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_idempotency_key_replays_the_first_answer(
        self, client: AsyncClient, dpo: dict, session: AsyncSession
    ) -> None:
        headers = dpo | {"Idempotency-Key": str(uuid.uuid4())}
        body = {"kind": "portability", "channel": "web_form"}
        first = await client.post(URL, json=body, headers=headers)
        again = await client.post(URL, json=body, headers=headers)
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.json()["id"] == first.json()["id"]
        assert again.headers["idempotent-replayed"] == "true"
        count = await session.scalar(select(text("count(*)")).select_from(DsrRequest))
        assert count == 1


class TestGet:
    async def test_unknown_is_404(self, client: AsyncClient, dpo: dict) -> None:
        response = await client.get(f"{URL}/{uuid.uuid4()}", headers=dpo)
        assert response.status_code == 404
        assert response.json()["code"] == "gdpr.request.not_found"

    async def test_reads_with_its_etag(self, client: AsyncClient, dpo: dict) -> None:
        created = await create(client, dpo, kind="rectification")
        response = await client.get(f"{URL}/{created['id']}", headers=dpo)
        assert response.status_code == 200
        assert response.headers["etag"] == '"1"'
        moving = {"days_left"}  # read a moment later, it may have crossed a day boundary
        assert {k: v for k, v in response.json().items() if k not in moving} == {
            k: v for k, v in created.items() if k not in moving
        }


class TestUpdate:
    async def test_moves_along_and_closes_with_a_completion_time(
        self, client: AsyncClient, dpo: dict, session: AsyncSession
    ) -> None:
        created = await create(client, dpo)
        started = await client.patch(f"{URL}/{created['id']}", json={"status": "in_progress"},
                                     headers=dpo | {"If-Match": '"1"'})  # fmt: skip
        assert started.status_code == 200, started.text
        assert started.json()["version"] == 2 and started.headers["etag"] == '"2"'
        assert started.json()["completed_at"] is None
        done = await client.patch(
            f"{URL}/{created['id']}", json={"status": "completed"}, headers=dpo
        )
        assert done.json()["status"] == "completed" and done.json()["completed_at"] is not None
        reopened = await client.patch(
            f"{URL}/{created['id']}", json={"status": "in_progress"}, headers=dpo
        )
        assert reopened.status_code == 409
        assert reopened.json()["code"] == "gdpr.request.transition_refused"
        assert reopened.json()["current"] == "completed"
        rows = await audit_rows(session, created["id"])
        assert [r.action for r in rows] == ["gdpr.request.created", *["gdpr.request.updated"] * 2]
        assert sorted(rows[2].fields) == ["completed_at", "status", "version"]

    async def test_stale_if_match_is_412_and_changes_nothing(
        self, client: AsyncClient, dpo: dict
    ) -> None:
        created = await create(client, dpo)
        await client.patch(f"{URL}/{created['id']}", json={"notes": "relance"}, headers=dpo)
        stale = await client.patch(f"{URL}/{created['id']}", json={"status": "refused"},
                                   headers=dpo | {"If-Match": '"1"'})  # fmt: skip
        assert stale.status_code == 412
        assert stale.json()["code"] == "gdpr.request.version_mismatch"
        current = (await client.get(f"{URL}/{created['id']}", headers=dpo)).json()
        assert (current["status"], current["version"]) == ("received", 2)

    @pytest.mark.parametrize("header", ['"abc"', "*", '"1", "2"', ""])
    async def test_malformed_if_match_is_400(
        self, client: AsyncClient, dpo: dict, header: str
    ) -> None:
        created = await create(client, dpo)
        response = await client.patch(
            f"{URL}/{created['id']}", json={"notes": "x"}, headers=dpo | {"If-Match": header}
        )
        assert response.status_code == 400
        assert response.json()["code"] == "gdpr.request.if_match_invalid"

    async def test_extends_within_the_first_month(self, client: AsyncClient, dpo: dict) -> None:
        created = await create(client, dpo, received_at="2025-01-31T10:00:00Z")
        # Received long ago: an extension now is too late.
        late = await client.patch(
            f"{URL}/{created['id']}",
            json={"extension": {"months": 2, "reason": "demande complexe"}},
            headers=dpo,
        )
        assert late.status_code == 409
        assert (late.json()["code"], late.json()["reason"]) == (
            "gdpr.request.extension_refused",
            "too_late",
        )
        fresh = await create(client, dpo)
        extended = await client.patch(
            f"{URL}/{fresh['id']}",
            json={"extension": {"months": 2, "reason": "nombreuses demandes simultanées"}},
            headers=dpo,
        )
        assert extended.status_code == 200, extended.text
        received = datetime.fromisoformat(fresh["received_at"])
        due = datetime.fromisoformat(extended.json()["due_at"])
        assert extended.json()["extended_months"] == 2
        assert 89 <= (due - received).days <= 92
        shorter = await client.patch(
            f"{URL}/{fresh['id']}", json={"extension": {"months": 1, "reason": "x"}}, headers=dpo
        )
        assert shorter.json()["reason"] == "shorter_than_current"

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param({"extension": {"months": 3, "reason": "x"}}, id="three-months"),
            pytest.param({"extension": {"months": 1}}, id="no-reason"),
            pytest.param({"extension": {"months": 1, "reason": ""}}, id="empty-reason"),
            pytest.param({"status": "done"}, id="unknown-status"),
            pytest.param({"kind": "access"}, id="kind-is-not-editable"),
        ],
    )
    async def test_bad_update_is_422(self, client: AsyncClient, dpo: dict, body: dict) -> None:
        created = await create(client, dpo)
        response = await client.patch(f"{URL}/{created['id']}", json=body, headers=dpo)
        assert response.status_code == 422, response.text

    async def test_unknown_is_404(self, client: AsyncClient, dpo: dict) -> None:
        response = await client.patch(f"{URL}/{uuid.uuid4()}", json={"notes": "x"}, headers=dpo)
        assert response.status_code == 404

    async def test_no_change_writes_nothing(
        self, client: AsyncClient, dpo: dict, session: AsyncSession
    ) -> None:
        created = await create(client, dpo, notes="à rappeler")
        same = await client.patch(f"{URL}/{created['id']}",
                                  json={"notes": "à rappeler", "status": "received"},
                                  headers=dpo)  # fmt: skip
        assert same.status_code == 200 and same.json()["version"] == 1
        assert len(await audit_rows(session, created["id"])) == 1

    async def test_null_clears_the_handler(
        self, client: AsyncClient, app: FastAPI, dpo: dict, session: AsyncSession
    ) -> None:
        handler, _ = await user_token(session, app.state.auth, Role.DPO)
        created = await create(client, dpo, handler_id=str(handler.id))
        cleared = await client.patch(
            f"{URL}/{created['id']}", json={"handler_id": None}, headers=dpo
        )
        assert cleared.json()["handler_id"] is None
        unknown = await client.patch(
            f"{URL}/{created['id']}", json={"handler_id": str(uuid.uuid4())}, headers=dpo
        )
        assert unknown.status_code == 422 and unknown.json()["reason"] == "handler_unknown"


class TestListAndOverdue:
    async def seed(self, client: AsyncClient, dpo: dict, session: AsyncSession) -> dict[str, str]:
        now = utcnow()
        ids = {}
        for name, kind in [("late", "access"), ("soon", "erasure"), ("later", "access"),
                           ("closed_late", "objection")]:  # fmt: skip
            ids[name] = (await create(client, dpo, kind=kind))["id"]
        await age(session, ids["late"], now - timedelta(days=40), now - timedelta(days=10))
        await age(session, ids["soon"], now - timedelta(days=27), now + timedelta(days=3))
        await age(session, ids["closed_late"], now - timedelta(days=60), now - timedelta(days=30))
        await client.patch(f"{URL}/{ids['closed_late']}", json={"status": "completed"},
                           headers=dpo)  # fmt: skip
        return ids

    async def test_overdue_report(
        self, client: AsyncClient, dpo: dict, session: AsyncSession
    ) -> None:
        ids = await self.seed(client, dpo, session)
        late_only = await client.get(f"{URL}/overdue", headers=dpo)
        assert late_only.status_code == 200
        assert [r["id"] for r in late_only.json()["items"]] == [ids["late"]]
        assert late_only.json()["items"][0]["days_left"] == -10
        week = await client.get(f"{URL}/overdue", params={"within_days": 7}, headers=dpo)
        items = week.json()["items"]
        assert [r["id"] for r in items] == [ids["late"], ids["soon"]]
        assert [r["overdue"] for r in items] == [True, False]
        bad = await client.get(f"{URL}/overdue", params={"within_days": -1}, headers=dpo)
        assert bad.status_code == 422

    async def test_filters_and_pages(
        self, client: AsyncClient, dpo: dict, session: AsyncSession
    ) -> None:
        ids = await self.seed(client, dpo, session)
        access = await client.get(URL, params={"kind": "access"}, headers=dpo)
        assert {r["id"] for r in access.json()["items"]} == {ids["late"], ids["later"]}
        completed = await client.get(URL, params={"status": "completed"}, headers=dpo)
        assert [r["id"] for r in completed.json()["items"]] == [ids["closed_late"]]
        overdue = await client.get(URL, params={"overdue": "true"}, headers=dpo)
        assert [r["id"] for r in overdue.json()["items"]] == [ids["late"]]
        seen: list[str] = []
        cursor = None
        while True:
            params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
            page = (await client.get(URL, params=params, headers=dpo)).json()
            seen += [r["id"] for r in page["items"]]
            if not (cursor := page["next_cursor"]):
                break
        # newest received first: the aged ones last, oldest at the end
        assert seen[-3:] == [ids["soon"], ids["late"], ids["closed_late"]]
        assert sorted(seen) == sorted(ids.values())

    async def test_tampered_cursor_is_400(self, client: AsyncClient, dpo: dict) -> None:
        response = await client.get(URL, params={"cursor": "bm90IGEgY3Vyc29y"}, headers=dpo)
        assert response.status_code == 400
        assert response.json()["code"] == "pagination.invalid_cursor"

    async def test_auditor_cannot_read_the_register(
        self, client: AsyncClient, auth_headers: Any
    ) -> None:
        response = await client.get(f"{URL}/overdue", headers=await auth_headers(role="auditor"))
        assert response.status_code == 403
