"""Subject search, consent history, marketing eligibility, suppressions and legal holds."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient


@pytest.fixture
async def dpo(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="dpo")


@pytest.fixture
async def steward(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="data_steward")


async def create(client: AsyncClient, headers: dict, body: dict) -> dict:
    response = await client.post(
        "/v1/contacts", json=body, headers=headers, params={"allow_duplicates": "true"}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_subject_search_finds_every_record_of_the_person(
    client: AsyncClient, dpo: dict, steward: dict
) -> None:
    a = await create(client, steward, {"first_name": "Gwenaëlle", "last_name": "Le Floc'h",
                                       "email": "gwen.lefloch@iroise.bzh",
                                       "external_refs": [{"system": "sf", "id": "003X"}],
                                       })  # fmt: skip
    b = await create(client, steward, {"first_name": "Gwen", "last_name": "Le Floch",
                                       "phone": "06 45 67 89 12",
                                       "additional_emails": ["gwen@perso.fr"]})  # fmt: skip
    await create(client, steward, {"first_name": "Yves", "last_name": "Le Floc'h",
                                   "email": "yves@iroise.bzh"})  # fmt: skip
    merged = await client.post(
        "/v1/merges", headers=steward,
        json={"entity": "contact", "record_ids": [a["id"], b["id"]], "survivor_id": a["id"]},
    )  # fmt: skip
    assert merged.status_code == 201

    async def subjects(**params: str) -> list[dict]:
        response = await client.get("/v1/gdpr/subjects", params=params, headers=dpo)
        assert response.status_code == 200, response.text
        return response.json()

    for criteria in (
        {"email": "GWEN@perso.fr"},
        {"phone": "+33645678912"},
        {"phone": "06.45.67.89.12"},
        {"system": "sf", "external_id": "003X"},
    ):
        found = await subjects(**criteria)
        assert [s["subject_id"] for s in found] == [a["id"]], criteria
        records = {r["id"]: r["status"] for r in found[0]["records"]}
        assert records == {a["id"]: "active", b["id"]: "merged"}
    by_name = await subjects(name="le floc'h")
    assert len(by_name) == 2  # Gwenaëlle and Yves
    assert await subjects(email="nobody@nowhere.fr") == []
    empty = await client.get("/v1/gdpr/subjects", headers=dpo)
    assert empty.status_code == 422 and empty.json()["code"] == "gdpr.search_criteria"
    denied = await client.get("/v1/gdpr/subjects", params={"name": "x y"}, headers=steward)
    assert denied.status_code == 403


async def test_consent_history_and_marketing_eligibility(
    client: AsyncClient, steward: dict, dpo: dict
) -> None:
    c = await create(client, steward, {"last_name": "Morvan", "email": "m@morvan.bzh",
                                       "subscription_status": "subscribed",
                                       "lawful_basis": "legitimate_interests",
                                       "collection_method": "salon"})  # fmt: skip
    bounced = await create(client, steward, {"last_name": "Tanguy", "email": "t@tanguy.bzh",
                                             "email_status": "bounced"})  # fmt: skip
    eligible = await client.get(
        "/v1/contacts", params={"marketing_eligible": "true"}, headers=steward
    )
    assert [r["id"] for r in eligible.json()["items"]] == [c["id"]]
    patch = await client.patch(
        f"/v1/contacts/{c['id']}", json={"subscription_status": "unsubscribed"},
        headers=steward | {"If-Match": f'"{c["version"]}"'},
    )  # fmt: skip
    assert patch.status_code == 200
    consent = (await client.get(f"/v1/contacts/{c['id']}/consent", headers=steward)).json()
    assert consent["marketing_eligible"] is False
    assert (consent["lawful_basis"], consent["collection_method"]) == (
        "legitimate_interests", "salon",
    )  # fmt: skip
    history = [(e["field"], e["old_value"], e["new_value"]) for e in consent["history"]]
    assert ("subscription_status", None, "subscribed") in history
    assert history[-1] == ("subscription_status", "subscribed", "unsubscribed")
    not_eligible = await client.get(
        "/v1/contacts", params={"marketing_eligible": "false"}, headers=steward
    )
    assert {r["id"] for r in not_eligible.json()["items"]} == {c["id"], bounced["id"]}

    held = await client.put(f"/v1/gdpr/legal-holds/{c['id']}", headers=dpo,
                            json={"hold": True, "reason": "dispute"})  # fmt: skip
    assert held.status_code == 200 and held.json()["legal_hold"] is True
    steward_hold = await client.put(f"/v1/gdpr/legal-holds/{c['id']}", headers=steward,
                                    json={"hold": False})  # fmt: skip
    assert steward_hold.status_code == 403
    missing = await client.get(f"/v1/contacts/{uuid.uuid4()}/consent", headers=steward)
    assert missing.status_code == 404


async def test_suppression_list(client: AsyncClient, dpo: dict, steward: dict) -> None:
    email = {"email": "Objection@Exemple.FR"}
    added = await client.post("/v1/gdpr/suppressions", json=email, headers=dpo)
    assert added.status_code == 201
    looked = await client.post("/v1/gdpr/suppressions/lookup",
                               json={"email": "objection@exemple.fr"}, headers=dpo)  # fmt: skip
    assert looked.json() == {"suppressed": True}
    body = {"last_name": "X", "email": "objection@exemple.fr"}
    refused = await client.post("/v1/contacts", headers=steward, json=body)
    assert refused.status_code == 409 and refused.json()["code"] == "gdpr.suppressed"
    other = await create(client, steward, {"last_name": "Y", "email": "y@exemple.fr"})
    sneaky = await client.patch(
        f"/v1/contacts/{other['id']}", json={"additional_emails": ["objection@exemple.fr"]},
        headers=steward | {"If-Match": f'"{other["version"]}"'},
    )  # fmt: skip
    assert sneaky.status_code == 409
    lifted = await client.post("/v1/gdpr/suppressions/lift", json=email, headers=dpo)
    assert lifted.status_code == 204
    await create(client, steward, {"last_name": "X", "email": "objection@exemple.fr"})
    assert (await client.post("/v1/gdpr/suppressions", json=email,
                              headers=steward)).status_code == 403  # fmt: skip
