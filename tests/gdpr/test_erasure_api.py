"""Erasure end to end: after it, no personal value of the subject is left anywhere."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from standardwebhooks import Webhook

from tests.conftest import live_app
from tests.support.jobs import run_jobs

ZOE = {
    "civility": "Mme",
    "first_name": "Zoé",
    "last_name": "Kerguelen-Tréhorel",
    "email": "zoe.kerguelen@trehorel-conseil.fr",
    "phone": "06 98 76 54 31",
    "job_title": "Directrice des achats",
    "external_refs": [{"system": "hubspot", "id": "zk-77"}],
}
ZOE_AGAIN = {
    "first_name": "Zoe",
    "last_name": "KERGUELEN-TREHOREL",
    "email": "z.kerguelen@gmail.com",
    "additional_phones": ["07 81 22 33 44"],
}
VALUES = [
    "Kerguelen", "KERGUELEN", "zoe.kerguelen@trehorel-conseil.fr", "z.kerguelen@gmail.com",
    "+33698765431", "06 98 76 54 31", "+33781223344", "Directrice des achats",
]  # fmt: skip


async def text_columns(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'public' AND data_type IN "
                "('text', 'character varying', 'jsonb', 'json', 'ARRAY')"
            )
        )
        return [(t, c) for t, c in rows.all()]


async def hits(app, value: str) -> list[str]:  # type: ignore[no-untyped-def]
    found = []
    async with app.state.sessionmaker() as session:
        for table, column in await text_columns(app):
            count = await session.scalar(
                # names come from information_schema, quoted: not user input
                text(f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE :v'),  # noqa: S608
                {"v": f"%{value}%"},
            )
            if count:
                found.append(f"{table}.{column}")
    return found


def signed(secret: str, body: dict) -> tuple[bytes, dict[str, str]]:
    raw, mid, now = json.dumps(body), f"msg_{uuid.uuid4().hex}", datetime.now(UTC)
    return raw.encode(), {
        "webhook-id": mid,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(mid, now, raw),
    }


@pytest.mark.committed
@pytest.mark.parametrize("mode", ["anonymize", "delete"])
async def test_no_personal_value_remains_after_erasure(committed_url: str, mode: str) -> None:
    async with live_app(committed_url, role="admin") as (client, app, admin):
        create = {"allow_duplicates": "true", "channel": "crm"}
        first = await client.post("/v1/contacts", json=ZOE, params=create,
                                  headers=admin | {"Idempotency-Key": "zoe-1"})  # fmt: skip
        assert first.status_code == 201, first.text
        second = await client.post("/v1/contacts", json=ZOE_AGAIN, params=create, headers=admin)
        assert second.status_code == 201, second.text
        zoe, again = first.json()["id"], second.json()["id"]
        merged = await client.post(
            "/v1/merges", json={"entity": "contact", "record_ids": [zoe, again],
                                "survivor_id": zoe}, headers=admin,
        )  # fmt: skip
        assert merged.status_code == 201, merged.text
        # A delivery about her still waiting in the inbox.
        secret = (await client.post("/v1/webhooks/inbound-sources/hubspot/secrets",
                                    headers=admin)).json()["secret"]  # fmt: skip
        raw, sig = signed(
            secret,
            {
                "type": "contact.updated",
                "data": {
                    "external_id": "zk-77",
                    "fields": {"email": "zoe.kerguelen@trehorel-conseil.fr"},
                },
            },
        )
        assert (await client.post("/v1/webhooks/inbound/hubspot", content=raw,
                                  headers=sig)).status_code == 202  # fmt: skip
        other = await client.post(
            "/v1/contacts",
            headers=admin,
            json={"first_name": "Paul", "last_name": "Le Du", "email": "paul.ledu@armor.bzh"},
        )
        for value in ("Kerguelen", "z.kerguelen@gmail.com", "+33698765431"):
            assert await hits(app, value), value

        # Her old, merged-away id is enough to find and erase the person.
        erased = await client.post("/v1/gdpr/erasures", headers=admin,
                                   json={"contact_id": again, "mode": mode})  # fmt: skip
        assert erased.status_code == 200, erased.text
        assert erased.json()["contact_id"] == zoe
        assert set(erased.json()["records"]) == {zoe, again}
        for value in VALUES:
            assert await hits(app, value) == [], value
        # The worker finds nothing of hers to apply; other people are untouched.
        await run_jobs(committed_url)
        assert await hits(app, "Kerguelen") == []
        paul = await client.get(f"/v1/contacts/{other.json()['id']}", headers=admin)
        assert paul.json()["last_name"] == "Le Du"

        shell = await client.get(f"/v1/contacts/{zoe}", headers=admin)
        if mode == "delete":
            assert shell.status_code == 404
        else:
            body = shell.json()
            assert (body["status"], body["first_name"], body["email"]) == ("anonymised", None, None)
            assert body["external_refs"] == [{"system": "hubspot", "id": "zk-77"}]
            undo = await client.post(f"/v1/merges/{merged.json()['id']}/undo", headers=admin)
            assert undo.status_code == 409 and undo.json()["reason"] == "anonymised"
        async with app.state.sessionmaker() as session:
            event = (
                await session.execute(
                    text("SELECT data FROM outbox WHERE type = 'record.anonymized'")
                )
            ).scalar_one()
            audited = await session.scalar(
                text(
                    "SELECT count(*) FROM audit_events WHERE action IN "
                    "('contact.anonymized', 'contact.deleted') AND details->>'reason' = 'request'"
                )
            )
        assert event["records"] == [zoe, again] and event["mode"] == mode
        assert audited == 2

        # She cannot be brought back silently, by any entry path.
        back = await client.post(
            "/v1/contacts",
            headers=admin,
            json={"last_name": "K", "email": "Zoe.Kerguelen@trehorel-conseil.fr"},
        )
        assert back.status_code == 409 and back.json()["code"] == "gdpr.suppressed"
        batch = await client.post(
            "/v1/contacts/batch",
            headers=admin,
            json={"records": [{"last_name": "K", "email": "z.kerguelen@gmail.com"}]},
        )
        assert batch.json()["results"][0]["errors"][0]["code"] == "gdpr.suppressed"
        raw, sig = signed(
            secret,
            {
                "type": "contact.created",
                "data": {
                    "external_id": "zk-new",
                    "fields": {"last_name": "K", "email": "z.kerguelen@gmail.com"},
                },
            },
        )
        entry = (await client.post("/v1/webhooks/inbound/hubspot", content=raw, headers=sig)).json()
        await run_jobs(committed_url)
        applied = (await client.get(f"/v1/webhooks/inbox/{entry['id']}", headers=admin)).json()
        assert (applied["status"], applied["result"]["reason"]) == ("rejected", "gdpr.suppressed")
        assert await hits(app, "z.kerguelen@gmail.com") != []  # only in that rejected payload
