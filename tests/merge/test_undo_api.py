"""Undo: everything back as it was, or a 409 that says why not."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.merge.helpers import create, merge, stable, tombstone


@pytest.fixture
async def steward(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="data_steward")


async def undo(client: AsyncClient, headers: dict, merge_id: str) -> object:
    return await client.post(f"/v1/merges/{merge_id}/undo", headers=headers)


async def pairs(client: AsyncClient, headers: dict) -> set[tuple[str, str, str]]:
    items = (await client.get("/v1/duplicate-pairs", headers=headers)).json()["items"]
    return {(p["left_id"], p["right_id"], p["status"]) for p in items}


async def test_undo_round_trip_restores_records_children_refs_and_pairs(
    client: AsyncClient, steward: dict
) -> None:
    kerhoas = await create(client, steward, "companies",
                           {"name": "Transports Kerhoas", "siren": "732829320"})  # fmt: skip
    kerhoas_bis = await create(client, steward, "companies",
                               {"name": "Kerhoas Transports SARL", "siret": "73282932000074",
                                "external_refs": [{"system": "hubspot", "id": "77"}]},
                               channel="crm")  # fmt: skip
    people = [
        await create(client, steward, "contacts", body, channel="crm")
        for body in (
            {"first_name": "Anne", "last_name": "Le Bihan", "email": "anne@kerhoas.fr",
             "company_id": kerhoas["id"], "subscription_status": "subscribed"},
            {"first_name": "Anne", "last_name": "Le Bihan", "email": "anne.lebihan@kerhoas.fr",
             "company_id": kerhoas_bis["id"], "subscription_status": "unsubscribed"},
            {"first_name": "A.", "last_name": "Le Bihan", "email": "anne.lebihan@kerhoas.fr",
             "phone": "06 11 22 33 44"},
        )
    ]  # fmt: skip
    everything = [kerhoas, kerhoas_bis]
    before = {
        r["id"]: stable(await tombstone(client, steward, plural, r["id"]))
        for plural, group in (("companies", everything), ("contacts", people))
        for r in group
    }
    queue_before = await pairs(client, steward)
    assert queue_before, "the crm channel queues the new records' pairs"

    both = [kerhoas["id"], kerhoas_bis["id"]]
    companies = await merge(client, steward, entity="company", record_ids=both, rule="oldest")
    annes = [people[0]["id"], people[1]["id"]]
    people_merge = await merge(client, steward, entity="contact", record_ids=annes, rule="oldest")
    assert companies.status_code == people_merge.status_code == 201
    assert await pairs(client, steward) != queue_before

    # The contact merge came later and took a contact the company merge moved: it must be
    # undone first.
    blocked = await undo(client, steward, companies.json()["id"])
    assert blocked.status_code == 409 and blocked.json()["reason"] == "later_merge"
    for done in (people_merge, companies):
        response = await undo(client, steward, done.json()["id"])
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "undone"

    after = {
        r["id"]: stable(await tombstone(client, steward, plural, r["id"]))
        for plural, group in (("companies", everything), ("contacts", people))
        for r in group
    }
    assert after == before
    assert await pairs(client, steward) == queue_before
    by_ref = await client.get("/v1/companies/by-ref/hubspot/77", headers=steward)
    assert by_ref.json()["id"] == kerhoas_bis["id"]
    aliases = (await client.get("/v1/duplicates/aliases", headers=steward)).json()["items"]
    assert aliases == []


async def test_undo_refusals(client: AsyncClient, steward: dict) -> None:
    a, b, c = [
        await create(client, steward, "contacts", {"last_name": "Morvan", "email": f"{n}@m.fr"})
        for n in ("a", "b", "c")
    ]
    first = (await merge(client, steward, entity="contact", record_ids=[a["id"], b["id"]],
                         survivor_id=a["id"])).json()  # fmt: skip
    second = (await merge(client, steward, entity="contact", record_ids=[a["id"], c["id"]],
                          survivor_id=a["id"])).json()  # fmt: skip

    async def refused(merge_id: str, reason: str) -> None:
        response = await undo(client, steward, merge_id)
        assert response.status_code == 409, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert (response.json()["code"], response.json()["reason"]) == (
            "merge.undo_impossible", reason,
        )  # fmt: skip

    await refused(first["id"], "later_merge")
    survivor = (await client.get(f"/v1/contacts/{a['id']}", headers=steward)).json()
    edited = await client.patch(
        f"/v1/contacts/{a['id']}",
        json={"job_title": "Gérante"},
        headers=steward | {"If-Match": f'"{survivor["version"]}"'},
    )
    assert edited.status_code == 200
    await refused(second["id"], "survivor_changed")
    missing = await undo(client, steward, str(uuid.uuid4()))
    assert missing.status_code == 404


async def test_undo_twice_is_refused(
    client: AsyncClient, steward: dict, session: AsyncSession
) -> None:
    a = await create(client, steward, "contacts", {"last_name": "Guen", "email": "g1@x.fr"})
    b = await create(client, steward, "contacts", {"last_name": "Guen", "email": "g2@x.fr"})
    done = (await merge(client, steward, entity="contact", record_ids=[a["id"], b["id"]])).json()
    assert (await undo(client, steward, done["id"])).status_code == 200
    again = await undo(client, steward, done["id"])
    assert again.status_code == 409 and again.json()["reason"] == "already_undone"
    assert (await client.get(f"/v1/contacts/{b['id']}", headers=steward)).json()["id"] == b["id"]
    events = await session.execute(
        text(
            "SELECT type, data->>'merge_id' FROM outbox WHERE type LIKE '%merged' "
            "ORDER BY created_at"
        )
    )
    assert events.all() == [("record.merged", done["id"]), ("record.unmerged", done["id"])]
    audited = await session.execute(
        text(
            "SELECT action FROM audit_events WHERE details->>'merge_id' = :m "
            "AND entity_id = :b ORDER BY seq"
        ),
        {"m": done["id"], "b": b["id"]},
    )
    assert [a for (a,) in audited.all()] == ["contact.merged_into", "contact.restored"]


async def test_survivorship_recomputed_after_the_merge(client: AsyncClient, steward: dict) -> None:
    a = await create(client, steward, "contacts",
                     {"first_name": "Maëlle", "last_name": "Tanguy", "email": "m@tanguy.bzh",
                      "job_title": "Comptable"})  # fmt: skip
    b = await create(client, steward, "contacts",
                     {"first_name": "M.", "last_name": "Tanguy", "email": "maelle@pro.fr",
                      "job_title": "Directrice financière"})  # fmt: skip
    first = await merge(client, steward, entity="contact", record_ids=[a["id"], b["id"]],
                        survivor_id=a["id"], field_rules={"job_title": "survivor"})  # fmt: skip
    done = first.json()
    path = f"/v1/merges/{done['id']}/survivorship"
    preview = await client.post(
        path, json={"overrides": {"email": b["id"]}, "dry_run": True}, headers=steward
    )
    assert preview.status_code == 200, preview.text
    assert preview.json()["fields"]["email"]["value"] == "maelle@pro.fr"
    unchanged = (await client.get(f"/v1/contacts/{a['id']}", headers=steward)).json()
    assert unchanged["email"] == "m@tanguy.bzh" and unchanged["job_title"] == "Comptable"

    applied = await client.post(
        path, json={"overrides": {"email": b["id"]}, "field_rules": {"job_title": "most_complete"}},
        headers=steward,
    )  # fmt: skip
    assert applied.status_code == 200, applied.text
    assert set(applied.json()["changed_fields"]) == {
        "email", "email_domain", "additional_emails", "job_title",
    }  # fmt: skip
    now = (await client.get(f"/v1/contacts/{a['id']}", headers=steward)).json()
    assert (now["email"], now["additional_emails"]) == ("maelle@pro.fr", ["m@tanguy.bzh"])
    assert now["job_title"] == "Directrice financière"
    shown = (await client.get(f"/v1/contacts/{a['id']}/provenance", headers=steward)).json()
    assert shown["fields"]["email"]["rule"] == "override"
    # Still reversible: the recomputation belongs to the merge.
    undone = await undo(client, steward, done["id"])
    assert undone.status_code == 200, undone.text
    back = (await client.get(f"/v1/contacts/{a['id']}", headers=steward)).json()
    assert (back["email"], back["job_title"]) == ("m@tanguy.bzh", "Comptable")
    gone = await client.post(path, json={}, headers=steward)
    assert gone.status_code == 409 and gone.json()["code"] == "merge.conflict"
