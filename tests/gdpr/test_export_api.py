"""Subject exports: asked for, built by the worker, downloaded, and forgotten in time."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import SYSTEM
from app.core.timeutil import utcnow
from app.gdpr import export_service
from app.gdpr.models import ConsentEvent
from app.records.models import Contact
from tests.conftest import live_app
from tests.merge.helpers import create
from tests.support.jobs import run_jobs

URL = "/v1/gdpr/exports"

SUBJECT = {
    "first_name": "Éloïse",
    "last_name": "Château-Lévêque",
    "email": "eloise@cafe-lyon.fr",
    "phone": "06 11 22 33 44",
    "external_refs": [{"system": "hubspot", "id": "hs-1"}],
}
SUBJECT_TWIN = {
    "first_name": "Éloïse",
    "last_name": "Chateau-Leveque",
    "email": "e.chateau@gmail.com",
    "external_refs": [{"system": "odoo", "id": "o-7"}],
}
STRANGER = {"first_name": "Bertrand", "last_name": "Quéméneur", "email": "bq@exemple.fr"}


async def _body(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.committed
async def test_export_of_a_merged_away_contact_holds_the_whole_subject_and_no_one_else(
    committed_url: str,
) -> None:
    async with live_app(committed_url, role="admin") as (client, app, headers):
        survivor = await create(client, headers, "contacts", SUBJECT)
        twin = await create(client, headers, "contacts", SUBJECT_TWIN)
        stranger = await create(client, headers, "contacts", STRANGER)
        merged = await client.post(
            "/v1/merges",
            json={"entity": "contact", "record_ids": [survivor["id"], twin["id"]],
                  "survivor_id": survivor["id"]},
            headers=headers,
        )  # fmt: skip
        assert merged.status_code == 201, merged.text
        async with app.state.sessionmaker.begin() as session:
            session.add(ConsentEvent(
                contact_id=uuid.UUID(twin["id"]), field="subscription_status",
                old_value="subscribed", new_value="unsubscribed", source_system="odoo",
                actor_type="system",
            ))  # fmt: skip

        asked = await client.post(URL, json={"contact_id": twin["id"]}, headers=headers)
        assert asked.status_code == 202, asked.text
        export = asked.json()
        assert asked.headers["location"] == f"{URL}/{export['id']}"
        assert (export["status"], export["contact_id"]) == ("pending", twin["id"])
        early = await client.get(f"{URL}/{export['id']}/download", headers=headers)
        assert early.status_code == 409 and early.json()["code"] == "gdpr.export.not_ready"

        await run_jobs(committed_url)
        ready = await _body(await client.get(f"{URL}/{export['id']}", headers=headers))
        assert ready["status"] == "ready" and ready["downloaded_at"] is None
        kept = datetime.fromisoformat(ready["expires_at"]) - datetime.fromisoformat(
            ready["ready_at"]
        )
        assert kept == timedelta(days=7)
        downloaded = await client.get(f"{URL}/{export['id']}/download", headers=headers)
        assert downloaded.status_code == 200, downloaded.text
        assert downloaded.headers["content-disposition"] == (
            f'attachment; filename="crm-dq-export-{export["id"]}.json"'
        )
        assert downloaded.headers["cache-control"] == "no-store"
        raw = downloaded.content.decode("utf-8")
        bundle = json.loads(raw)

    ids = {survivor["id"], twin["id"]}
    assert bundle["subject_id"] == survivor["id"]
    assert bundle["requested_contact_id"] == twin["id"]
    assert {r["id"] for r in bundle["records"]} == ids
    assert {r["status"] for r in bundle["records"]} == {"active", "merged"}
    assert "Éloïse" in raw  # accents kept as they are, not escaped
    assert {(r["system"], r["id"]) for r in bundle["external_refs"]} == {
        ("hubspot", "hs-1"), ("odoo", "o-7")
    }  # fmt: skip
    assert any(e["new_value"] == "unsubscribed" for e in bundle["consent_events"])
    assert [m["id"] for m in bundle["merges"]] == [merged.json()["id"]]
    assert "snapshot" not in bundle["merges"][0]
    actions = {(e["entity_id"], e["action"]) for e in bundle["audit_events"]}
    assert {e for e, _ in actions} <= ids
    assert (twin["id"], "gdpr.export.created") in actions
    assert all("client_ip" not in e and "request_id" not in e for e in bundle["audit_events"])
    # Nothing of the other person, not even their id.
    for value in (stranger["id"], "Bertrand", "Quéméneur", "bq@exemple.fr"):
        assert value not in raw

    async with live_app(committed_url, role="admin") as (client, app, headers):
        async with app.state.sessionmaker() as session:
            rows = (await session.execute(text(
                "SELECT action, details->>'export_id' FROM audit_events "
                "WHERE action LIKE 'gdpr.export.%' ORDER BY seq"
            ))).all()  # fmt: skip
        assert rows == [("gdpr.export.created", export["id"]),
                        ("gdpr.export.downloaded", export["id"])]  # fmt: skip


@pytest.mark.committed
async def test_an_expired_export_is_purged_on_read(committed_url: str) -> None:
    async with live_app(committed_url, role="dpo") as (client, app, headers):
        async with app.state.sessionmaker.begin() as session:
            contact = Contact(first_name="Anaïs", email="anais@exemple.fr",
                              created_by_type="system")  # fmt: skip
            session.add(contact)
        asked = await client.post(URL, json={"contact_id": str(contact.id)}, headers=headers)
        export_id = asked.json()["id"]
        await run_jobs(committed_url)
        async with app.state.sessionmaker.begin() as session:
            await session.execute(
                text("UPDATE gdpr_exports SET expires_at = now() - interval '1 second'")
            )
        gone = await client.get(f"{URL}/{export_id}/download", headers=headers)
        assert gone.status_code == 410
        assert gone.json()["code"] == "gdpr.export.expired"
        async with app.state.sessionmaker() as session:
            row = (await session.execute(
                text("SELECT status, bundle IS NULL FROM gdpr_exports WHERE id = :id"),
                {"id": export_id},
            )).one()  # fmt: skip
        # The purge committed even though the answer was an error.
        assert tuple(row) == ("expired", True)
        status = await _body(await client.get(f"{URL}/{export_id}", headers=headers))
        assert status["status"] == "expired"


@pytest.mark.committed
async def test_a_subject_deleted_before_the_job_runs_leaves_an_empty_expired_export(
    committed_url: str,
) -> None:
    async with live_app(committed_url, role="dpo") as (client, app, headers):
        async with app.state.sessionmaker.begin() as session:
            contact = Contact(first_name="Noé", created_by_type="system")
            session.add(contact)
        asked = await client.post(URL, json={"contact_id": str(contact.id)}, headers=headers)
        async with app.state.sessionmaker.begin() as session:
            await session.execute(text("DELETE FROM contacts WHERE id = :id"),
                                  {"id": contact.id})  # fmt: skip
        await run_jobs(committed_url)
        status = await _body(await client.get(f"{URL}/{asked.json()['id']}", headers=headers))
        assert status["status"] == "expired" and status["ready_at"] is None


class TestCreateExport:
    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        response = await client.post(URL, json={"contact_id": str(uuid.uuid4())})
        assert response.status_code == 401

    @pytest.mark.parametrize("role", ["sales", "auditor", "data_steward"])
    async def test_roles_without_gdpr_export_are_403(
        self, client: AsyncClient, auth_headers: Any, role: str
    ) -> None:
        headers = await auth_headers(role=role)
        response = await client.post(URL, json={"contact_id": str(uuid.uuid4())}, headers=headers)
        assert response.status_code == 403

    async def test_unknown_contact_is_404(self, client: AsyncClient, auth_headers: Any) -> None:
        headers = await auth_headers(role="dpo")
        response = await client.post(URL, json={"contact_id": str(uuid.uuid4())}, headers=headers)
        assert response.status_code == 404
        assert response.json()["code"] == "gdpr.export.contact_not_found"

    @pytest.mark.parametrize(
        "body",
        [
            pytest.param({}, id="empty"),
            pytest.param({"contact_id": "not-a-uuid"}, id="not-a-uuid"),
            pytest.param({"contact_id": 42}, id="wrong-type"),
            pytest.param({"contact_id": str(uuid.uuid4()), "email": "x@y.fr"}, id="extra-field"),
            pytest.param({"contact_id": "０" * 36}, id="full-width-digits"),
        ],
    )
    async def test_bad_body_is_422(
        self, client: AsyncClient, auth_headers: Any, body: dict
    ) -> None:
        headers = await auth_headers(role="dpo")
        response = await client.post(URL, json=body, headers=headers)
        assert response.status_code == 422

    async def test_queues_one_job_and_audits_under_the_contact(
        self, client: AsyncClient, auth_headers: Any, session: AsyncSession
    ) -> None:
        contact = Contact(last_name="Ng", created_by_type="system")
        session.add(contact)
        await session.flush()
        headers = await auth_headers(scopes=["gdpr:export"])
        response = await client.post(URL, json={"contact_id": str(contact.id)}, headers=headers)
        assert response.status_code == 202, response.text
        job = (await session.execute(
            text("SELECT kind, params->>'export_id' FROM jobs WHERE id = :id"),
            {"id": response.json()["job_id"]},
        )).one()  # fmt: skip
        assert tuple(job) == ("gdpr.export", response.json()["id"])
        audited = await session.scalar(text(
            "SELECT count(*) FROM audit_events "
            "WHERE action = 'gdpr.export.created' AND entity_id = :id"
        ), {"id": str(contact.id)})  # fmt: skip
        assert audited == 1


class TestReadExport:
    async def test_unknown_is_404(self, client: AsyncClient, auth_headers: Any) -> None:
        headers = await auth_headers(role="dpo")
        for path in (f"{URL}/{uuid.uuid4()}", f"{URL}/{uuid.uuid4()}/download"):
            response = await client.get(path, headers=headers)
            assert response.status_code == 404
            assert response.json()["code"] == "gdpr.export.not_found"

    async def test_pending_download_is_409_with_retry_after(
        self, client: AsyncClient, auth_headers: Any, session: AsyncSession
    ) -> None:
        contact = Contact(last_name="Ng", created_by_type="system")
        session.add(contact)
        await session.flush()
        headers = await auth_headers(role="dpo")
        export = (await client.post(URL, json={"contact_id": str(contact.id)},
                                    headers=headers)).json()  # fmt: skip
        response = await client.get(f"{URL}/{export['id']}/download", headers=headers)
        assert response.status_code == 409
        assert response.headers["retry-after"] == "5"


async def test_purges_clear_expired_bundles_and_a_subjects_exports(session: AsyncSession) -> None:
    ids = []
    for _ in range(3):
        contact = Contact(last_name="Ng", created_by_type="system")
        session.add(contact)
        await session.flush()
        ids.append(contact.id)
    now = utcnow()
    exports = [await export_service.start(session, SYSTEM, i) for i in ids]
    for export, age in zip(exports[:2], (timedelta(days=8), timedelta(days=1)), strict=True):
        await export_service.mark_ready(session, export, {"records": []}, now - age)
    assert await export_service.count_expired(session, now) == 1
    assert await export_service.purge_expired(session, now) == 1
    assert await export_service.purge_for_subject(session, [ids[1], ids[2]]) == 2
    rows = (await session.execute(text(
        "SELECT contact_id, status, bundle IS NULL FROM gdpr_exports ORDER BY created_at"
    ))).all()  # fmt: skip
    assert {r[0]: (r[1], r[2]) for r in rows} == {i: ("expired", True) for i in ids}
