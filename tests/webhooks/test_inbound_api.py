"""Inbound webhooks end to end: signed with the reference library, stored once, applied by
a real worker, and every forgery refused and audited."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from standardwebhooks import Webhook

from app.webhooks import inbound
from tests.conftest import live_app
from tests.support.jobs import run_jobs

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
PATH = "/v1/webhooks/inbound/hubspot"
CLAIRE = {"first_name": "Claire", "last_name": "Martin", "email": "Claire.Martin@ACME.fr"}


def event(kind: str, external_id: str, fields: dict | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"external_id": external_id}
    if fields is not None:
        data["fields"] = fields
    return {"type": kind, "occurred_at": datetime.now(UTC).isoformat(), "data": data}


def signed(body: dict | str, *, secret: str = SECRET, mid: str | None = None,
           at: datetime | None = None) -> tuple[bytes, dict[str, str]]:  # fmt: skip
    raw = body if isinstance(body, str) else json.dumps(body)
    mid = mid or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.now(UTC)
    headers = {
        "webhook-id": mid,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(mid, at, raw),
        "content-type": "application/json",
    }
    return raw.encode(), headers


@pytest.fixture
async def crm(committed_url: str):  # type: ignore[no-untyped-def]
    async with live_app(committed_url, webhook_secrets={"hubspot": [SECRET]}) as running:
        yield running


async def scalar(app, sql: str, **params: object) -> Any:  # type: ignore[no-untyped-def]
    async with app.state.sessionmaker() as session:
        return await session.scalar(text(sql), params)


@pytest.mark.committed
async def test_signed_delivery_is_stored_once_and_applied(crm, committed_url: str) -> None:  # type: ignore[no-untyped-def]
    client, app, headers = crm
    body, sig = signed(event("contact.created", "501", CLAIRE), mid="msg_same")
    first = await client.post(PATH, content=body, headers=sig)
    assert first.status_code == 202, first.text
    assert first.json()["status"] == "accepted"
    again = await client.post(PATH, content=body, headers=sig)
    assert (again.status_code, again.json()) == (200, {"id": first.json()["id"],
                                                       "status": "duplicate"})  # fmt: skip
    await run_jobs(committed_url)

    entry = await client.get(f"/v1/webhooks/inbox/{first.json()['id']}", headers=headers)
    assert entry.status_code == 403  # a data steward does not manage webhooks
    assert await scalar(app, "SELECT count(*) FROM contacts") == 1
    contact = (await client.get("/v1/contacts/by-ref/hubspot/501", headers=headers)).json()
    assert (contact["email"], contact["source_system"]) == ("claire.martin@acme.fr", "hubspot")
    status, payload = await _entry(app, first.json()["id"])
    assert (status, payload) == ("processed", {})  # the personal data is not kept
    validated = await scalar(
        app, "SELECT data->>'status' FROM outbox WHERE type = 'record.validated'"
    )
    assert validated == "processed"

    body, sig = signed(event("contact.updated", "501", {"job_title": "Acheteuse"}))
    assert (await client.post(PATH, content=body, headers=sig)).status_code == 202
    await run_jobs(committed_url)
    contact = (await client.get("/v1/contacts/by-ref/hubspot/501", headers=headers)).json()
    assert contact["job_title"] == "Acheteuse" and contact["last_name"] == "Martin"

    body, sig = signed(event("contact.deleted", "501"))
    assert (await client.post(PATH, content=body, headers=sig)).status_code == 202
    await run_jobs(committed_url)
    gone = await client.get("/v1/contacts/by-ref/hubspot/501", headers=headers)
    assert gone.status_code == 404


async def _entry(app, entry_id: str) -> tuple[str, dict]:  # type: ignore[no-untyped-def]
    async with app.state.sessionmaker() as session:
        row = (
            await session.execute(
                text("SELECT status, payload FROM inbox WHERE id = :id"), {"id": entry_id}
            )
        ).one()
    return row.status, row.payload


@pytest.mark.committed
async def test_forged_deliveries_are_refused_and_audited(crm) -> None:  # type: ignore[no-untyped-def]
    client, app, _ = crm
    good = event("contact.created", "502", CLAIRE)
    body, sig = signed(good)
    tampered = body.replace(b"Claire", b"Clara")
    stale_body, stale = signed(good, at=datetime.now(UTC) - timedelta(minutes=10))
    _, wrong = signed(good, secret="whsec_" + "A" * 32, mid=sig["webhook-id"])
    cases = [
        (tampered, sig, "webhook.signature_invalid"),
        (body, sig | {"webhook-signature": wrong["webhook-signature"]},
         "webhook.signature_invalid"),
        (stale_body, stale, "webhook.timestamp_stale"),
        (body, {"content-type": "application/json"}, "webhook.signature_missing"),
    ]  # fmt: skip
    for raw, headers, code in cases:
        response = await client.post(PATH, content=raw, headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == code
    unknown = await client.post("/v1/webhooks/inbound/salesforce", content=body, headers=sig)
    assert unknown.json()["code"] == "webhook.unknown_source"
    assert await scalar(app, "SELECT count(*) FROM inbox") == 0
    refused = await scalar(
        app, "SELECT count(*) FROM audit_events WHERE action = 'webhook.refused'"
    )
    assert refused == 5


@pytest.mark.committed
async def test_malformed_or_oversized_bodies_are_refused(crm) -> None:  # type: ignore[no-untyped-def]
    client, app, _ = crm
    for bad in (
        "not json",
        json.dumps({"type": "contact.exploded", "data": {"external_id": "1"}}),
        json.dumps(event("contact.created", "1", {"shoe_size": 43})),
        json.dumps(event("contact.created", "", CLAIRE)),
        json.dumps({"type": "contact.created", "data": {"external_id": "1"}, "extra": 1}),
        json.dumps([1, 2]),
    ):
        raw, headers = signed(bad)
        response = await client.post(PATH, content=raw, headers=headers)
        assert response.status_code == 422, (bad, response.text)
        assert response.json()["code"] == "validation_failed"
    huge = json.dumps(event("contact.created", "9", CLAIRE | {"job_title": "x" * 300_000}))
    raw, headers = signed(huge)
    response = await client.post(PATH, content=raw, headers=headers)
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"
    assert await scalar(app, "SELECT count(*) FROM inbox") == 0


@pytest.mark.committed
async def test_rejections_failures_and_retries(
    committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with live_app(committed_url, role="admin",
                        webhook_secrets={"hubspot": [SECRET]}) as (client, app, admin):  # fmt: skip
        # A record the validators refuse is rejected for good, with the reasons.
        raw, sig = signed(event("contact.created", "601", {"first_name": "Sans Nom"}))
        rejected = (await client.post(PATH, content=raw, headers=sig)).json()["id"]
        # A failure of the service is retried, not dropped.
        calls = {"n": 0}
        real = inbound.apply

        async def flaky(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] == 2:
                raise ConnectionError("database went away")
            return await real(*args, **kwargs)

        monkeypatch.setattr(inbound, "apply", flaky)
        raw, sig = signed(event("contact.created", "602", CLAIRE))
        flaky_id = (await client.post(PATH, content=raw, headers=sig)).json()["id"]
        await run_jobs(committed_url)

        entry = (await client.get(f"/v1/webhooks/inbox/{rejected}", headers=admin)).json()
        assert entry["status"] == "rejected" and entry["result"]["reason"] == "record.invalid"
        assert {"field": "last_name", "code": "field.required"} in entry["result"]["errors"]
        waiting = (await client.get(f"/v1/webhooks/inbox/{flaky_id}", headers=admin)).json()
        assert (waiting["status"], waiting["attempts"]) == ("pending", 1)
        async with app.state.sessionmaker.begin() as session:  # its back-off has elapsed
            await session.execute(text("UPDATE inbox SET retry_after = now() - interval '1 s'"))
            await session.execute(text("UPDATE jobs SET run_after = now() WHERE status = 'queued'"))
        await run_jobs(committed_url)
        done = (await client.get(f"/v1/webhooks/inbox/{flaky_id}", headers=admin)).json()
        assert (done["status"], done["attempts"]) == ("processed", 2)
        assert done["result"]["action"] == "created"

        again = await client.post(f"/v1/webhooks/inbox/{flaky_id}/retry", headers=admin)
        assert again.status_code == 409 and again.json()["code"] == "webhooks.not_retryable"
        retried = await client.post(f"/v1/webhooks/inbox/{rejected}/retry", headers=admin)
        assert retried.json()["status"] == "pending"
        listed = (await client.get("/v1/webhooks/inbox", params={"status": "pending"},
                                   headers=admin)).json()["items"]  # fmt: skip
        assert [e["id"] for e in listed] == [rejected]


@pytest.mark.committed
async def test_secrets_rotate_through_the_api(committed_url: str) -> None:
    async with live_app(committed_url, role="admin") as (client, app, admin):
        base = "/v1/webhooks/inbound-sources/pipedrive/secrets"
        created = await client.post(base, headers=admin)
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        assert secret.startswith("whsec_")
        listed = (await client.get(base, headers=admin)).json()
        assert [(s["id"], s["origin"]) for s in listed] == [(created.json()["id"], "api")]
        assert secret not in json.dumps(listed)
        sealed = await scalar(app, "SELECT secret FROM inbound_secrets")
        assert secret not in sealed and secret[6:] not in sealed
        raw, sig = signed(event("company.created", "c1", {"name": "Kerhoas", "siren":
                                                          "732829320"}), secret=secret)  # fmt: skip
        path = "/v1/webhooks/inbound/pipedrive"
        assert (await client.post(path, content=raw, headers=sig)).status_code == 202
        removed = await client.delete(f"{base}/{created.json()['id']}", headers=admin)
        assert removed.status_code == 204
        raw, sig = signed(event("company.updated", "c1", {"city": "Brest"}), secret=secret)
        assert (await client.post(path, content=raw, headers=sig)).status_code == 401
        assert await scalar(app, "SELECT count(*) FROM inbound_secrets") == 0
        missing = await client.delete(f"{base}/{uuid.uuid4()}", headers=admin)
        assert missing.status_code == 404
