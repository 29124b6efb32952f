"""Merging through the API: dry run, golden record, tombstones, consent, side effects."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.merge.helpers import create, merge, tombstone


@pytest.fixture
async def steward(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="data_steward")


JEAN = {
    "first_name": "J.",
    "last_name": "Kerbrat",
    "email": "jean.kerbrat@acme.fr",
    "phone": "06 12 34 56 78",
    "subscription_status": "subscribed",
    "email_status": "valid",
    "external_refs": [{"system": "hubspot", "id": "101"}],
}
JEAN_AGAIN = {
    "first_name": "Jean-Pierre",
    "last_name": "KERBRAT",
    "email": "jp.kerbrat@gmail.com",
    "job_title": "Directeur achats",
    "subscription_status": "unsubscribed",
    "external_refs": [{"system": "salesforce", "id": "003A"}],
}


async def test_dry_run_shows_the_golden_record_and_changes_nothing(
    client: AsyncClient, steward: dict
) -> None:
    a = await create(client, steward, "contacts", JEAN)
    b = await create(client, steward, "contacts", JEAN_AGAIN)
    response = await merge(
        client, steward, entity="contact", record_ids=[a["id"], b["id"]],
        survivor_id=a["id"], dry_run=True,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    plan = response.json()
    assert plan["survivor_id"] == a["id"] and plan["merged_ids"] == [b["id"]]
    fields = plan["fields"]
    assert (fields["first_name"]["value"], fields["first_name"]["record_id"]) == (
        "Jean-Pierre", b["id"],
    )  # fmt: skip
    assert fields["email"]["value"] == "jean.kerbrat@acme.fr"  # verified first
    assert fields["subscription_status"] == fields["subscription_status"] | {
        "value": "unsubscribed", "rule": "strictest", "record_id": b["id"],
    }  # fmt: skip
    assert fields["additional_emails"]["value"] == ["jp.kerbrat@gmail.com"]
    assert set(plan["changed_fields"]) >= {"first_name", "job_title", "subscription_status"}
    for record in (a, b):
        again = await tombstone(client, steward, "contacts", record["id"])
        assert again == {k: v for k, v in record.items() if k != "possible_duplicates"}


async def test_merge_keeps_every_value_and_the_strictest_consent(
    client: AsyncClient, steward: dict, session: AsyncSession
) -> None:
    a = await create(client, steward, "contacts", JEAN)
    b = await create(client, steward, "contacts", JEAN_AGAIN)
    response = await merge(
        client, steward, entity="contact", record_ids=[a["id"], b["id"]], survivor_id=a["id"]
    )
    assert response.status_code == 201, response.text
    done = response.json()
    assert response.headers["location"] == f"/v1/merges/{done['id']}"
    assert done["status"] == "done" and done["merged_ids"] == [b["id"]]
    assert done["fields"]["job_title"]["record_id"] == b["id"]

    survivor = (await client.get(f"/v1/contacts/{a['id']}", headers=steward)).json()
    assert survivor["first_name"] == "Jean-Pierre"
    assert survivor["job_title"] == "Directeur achats"
    assert survivor["email"] == "jean.kerbrat@acme.fr"
    assert survivor["additional_emails"] == ["jp.kerbrat@gmail.com"]
    assert survivor["subscription_status"] == "unsubscribed"  # the opt-out survived
    assert {(r["system"], r["id"]) for r in survivor["external_refs"]} == {
        ("hubspot", "101"), ("salesforce", "003A"),
    }  # fmt: skip

    # The CRM's old ids keep working.
    old = await client.get(f"/v1/contacts/{b['id']}", headers=steward)
    assert old.status_code == 200 and old.json()["id"] == a["id"]
    assert old.headers["content-location"] == f"/v1/contacts/{a['id']}"
    by_ref = await client.get("/v1/contacts/by-ref/salesforce/003A", headers=steward)
    assert by_ref.json()["id"] == a["id"]
    dead = await tombstone(client, steward, "contacts", b["id"])
    assert (dead["status"], dead["merged_into_id"]) == ("merged", a["id"])
    assert dead["first_name"] == "Jean-Pierre"  # a tombstone keeps its values

    # Side effects in the same transaction: keys, audit, outbox.
    keys = await session.scalar(
        text("SELECT count(*) FROM match_keys WHERE record_id = :id"), {"id": uuid.UUID(b["id"])}
    )
    assert keys == 0
    actions = (
        await session.execute(
            text("SELECT action, entity_id FROM audit_events WHERE details->>'merge_id' = :m"),
            {"m": done["id"]},
        )
    ).all()
    assert sorted(actions) == sorted(
        [("contact.merged", a["id"]), ("contact.merged_into", b["id"])]
    )
    event = (
        await session.execute(
            text("SELECT type, data FROM outbox WHERE record_id = :id AND type LIKE '%merged'"),
            {"id": uuid.UUID(a["id"])},
        )
    ).one()
    assert event.type == "record.merged" and event.data["merged_ids"] == [b["id"]]
    # The audit trail names fields, never values.
    dumped = await session.scalar(text("SELECT string_agg(details::text, ' ') FROM audit_events"))
    assert "Kerbrat" not in (dumped or "")

    patch = await client.patch(
        f"/v1/contacts/{b['id']}", json={"job_title": "x"}, headers=steward | {"If-Match": '"1"'}
    )
    assert patch.status_code in (409, 412)


async def test_company_merge_moves_children_and_learns_the_other_name(
    client: AsyncClient, steward: dict
) -> None:
    ibm = await create(
        client,
        steward,
        "companies",
        {"name": "IBM", "siren": "552118465", "phone": "01 58 75 10 00"},
    )
    blue = await create(
        client, steward, "companies", {"name": "Big Blue", "website": "ibm.com", "country": "US"}
    )
    staff = await create(
        client, steward, "contacts", {"last_name": "Durand", "email": "d@ibm.com",
                                      "company_id": blue["id"]},
    )  # fmt: skip
    response = await merge(
        client, steward, entity="company", record_ids=[ibm["id"], blue["id"]], rule="oldest"
    )
    assert response.status_code == 201, response.text
    assert response.json()["survivor_id"] == ibm["id"]
    survivor = (await client.get(f"/v1/companies/{ibm['id']}", headers=steward)).json()
    assert (survivor["siren"], survivor["website"], survivor["name"]) == (
        "552118465", "https://ibm.com", "IBM",
    )  # fmt: skip
    moved = (await client.get(f"/v1/contacts/{staff['id']}", headers=steward)).json()
    assert moved["company_id"] == ibm["id"] and moved["version"] == staff["version"] + 1

    learnt = (await client.get("/v1/duplicates/aliases", headers=steward)).json()["items"]
    assert [(a["alias"], a["canonical"], a["source"]) for a in learnt] == [
        ("Big Blue", "IBM", "merge")
    ]
    found = await client.post(
        "/v1/duplicates/lookup",
        json={"entity": "company", "record": {"name": "BIG BLUE", "phone": "+33158751000"}},
        headers=steward,
    )
    assert ibm["id"] in [m["id"] for m in found.json()["matches"]]


async def test_provenance_shows_where_each_value_came_from(
    client: AsyncClient, steward: dict
) -> None:
    a = await create(client, steward, "contacts", JEAN | {"source_system": "hubspot"})
    b = await create(client, steward, "contacts", JEAN_AGAIN | {"source_system": "salesforce"})
    await merge(client, steward, entity="contact", record_ids=[a["id"], b["id"]],
                survivor_id=a["id"], overrides={"email": b["id"]})  # fmt: skip
    shown = (await client.get(f"/v1/contacts/{a['id']}/provenance", headers=steward)).json()
    fields = shown["fields"]
    assert fields["email"] | {"updated_at": None} == {
        "value": "jp.kerbrat@gmail.com", "record_id": b["id"], "source_system": "salesforce",
        "rule": "override", "verified": False, "updated_at": None,
    }  # fmt: skip
    assert (fields["last_name"]["rule"], fields["last_name"]["record_id"]) == (
        "most_complete", a["id"],
    )  # fmt: skip
    survivor = (await client.get(f"/v1/contacts/{a['id']}", headers=steward)).json()
    await client.patch(
        f"/v1/contacts/{a['id']}",
        json={"job_title": "DAF"},
        headers=steward | {"If-Match": f'"{survivor["version"]}"'},
    )
    after = (await client.get(f"/v1/contacts/{a['id']}/provenance", headers=steward)).json()
    assert (after["fields"]["job_title"]["rule"], after["fields"]["job_title"]["value"]) == (
        "written", "DAF",
    )  # fmt: skip
    missing = await client.get(f"/v1/companies/{uuid.uuid4()}/provenance", headers=steward)
    assert missing.status_code == 404


async def test_fifty_records_merge_into_one(client: AsyncClient, steward: dict) -> None:
    ids = [
        (await create(client, steward, "contacts",
                      {"last_name": "Le Gall", "email": f"lg{i}@breizh.fr"}))["id"]
        for i in range(50)
    ]  # fmt: skip
    response = await merge(client, steward, entity="contact", record_ids=ids, rule="oldest")
    assert response.status_code == 201, response.text
    done = response.json()
    assert done["survivor_id"] == ids[0] and len(done["merged_ids"]) == 49
    survivor = (await client.get(f"/v1/contacts/{ids[0]}", headers=steward)).json()
    assert len(survivor["additional_emails"]) == 49
    too_many = await merge(client, steward, entity="contact", record_ids=[*ids, str(uuid.uuid4())])
    assert too_many.status_code == 422


async def test_refusals_are_problems(client: AsyncClient, steward: dict, auth_headers) -> None:  # type: ignore[no-untyped-def]
    a = await create(client, steward, "contacts", JEAN)
    b = await create(client, steward, "contacts", JEAN_AGAIN)
    c = await create(client, steward, "contacts", {"last_name": "Autre", "email": "x@y.fr"})
    pair = [a["id"], b["id"]]

    async def refused(status: int, code: str, **body: object) -> dict:
        response = await merge(client, steward, **body)
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == code
        return response.json()

    await refused(404, "merge.record_not_found", entity="contact",
                  record_ids=[a["id"], str(uuid.uuid4())])  # fmt: skip
    await refused(404, "merge.record_not_found", entity="company", record_ids=pair)
    await refused(422, "merge.invalid", entity="contact", record_ids=[a["id"]])
    problem = await refused(422, "merge.invalid", entity="contact", record_ids=pair,
                            overrides={"subscription_status": b["id"]})  # fmt: skip
    assert problem["reason"] == "override_not_chosen"
    await refused(422, "merge.invalid", entity="contact", record_ids=pair,
                  overrides={"email": c["id"]})  # fmt: skip
    await refused(422, "validation_failed", entity="contact", record_ids=pair, rule="loudest")
    await refused(422, "validation_failed", entity="contact", record_ids=pair, colour="red")
    first = await merge(client, steward, entity="contact", record_ids=pair)
    assert first.status_code == 201
    gone = first.json()["merged_ids"][0]
    conflict = await refused(409, "merge.conflict", entity="contact", record_ids=[gone, c["id"]])
    assert conflict["status"] == 409

    sales = await auth_headers(role="sales")
    assert (await client.post("/v1/merges", json={}, headers=sales)).status_code == 403
    assert (await client.post("/v1/merges", json={})).status_code == 401
    assert (await client.get(f"/v1/merges/{uuid.uuid4()}", headers=steward)).status_code == 404
    listed = await client.get("/v1/merges", params={"record_id": gone}, headers=steward)
    assert [m["merged_ids"] for m in listed.json()["items"]] == [[gone]]


async def test_duplicates_of_a_merged_record_are_its_survivors(
    client: AsyncClient, steward: dict
) -> None:
    jean = await create(client, steward, "contacts", JEAN)
    again = await create(
        client, steward, "contacts", JEAN | {"first_name": "Jean", "external_refs": []}
    )
    third = await create(client, steward, "contacts", JEAN_AGAIN | {"phone": "06 12 34 56 78"})
    done = await merge(client, steward, entity="contact", record_ids=[jean["id"], again["id"]])
    assert done.status_code == 201, done.text
    survivor = done.json()["survivor_id"]
    merged = again["id"] if survivor == jean["id"] else jean["id"]
    answer = await client.get(f"/v1/contacts/{merged}/duplicates", headers=steward)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Location"] == f"/v1/contacts/{survivor}/duplicates"
    assert [m["id"] for m in answer.json()["matches"]] == [third["id"]]
