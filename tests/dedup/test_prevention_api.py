"""Duplicate rules at entry: block, warn, queue, allow — per entity and channel."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from app.dedup.prevention import DEFAULT_ACTIONS, EntryRules

KERBRAT = {
    "first_name": "Jean-Pierre",
    "last_name": "Kerbrat",
    "email": "jp.kerbrat@acme.fr",
    "phone": "06 12 34 56 78",
}
AGAIN = {
    "first_name": "jean pierre",
    "last_name": "KERBRAT",
    "email": "JP.Kerbrat@acme.fr",
    "phone": "+33612345678",
}


@pytest.fixture
async def steward(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="data_steward")


async def stored(client: AsyncClient, headers: dict) -> str:
    response = await client.post("/v1/contacts", json=KERBRAT, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["possible_duplicates"] == []
    return response.json()["id"]


async def test_a_web_form_is_blocked_and_told_why(client: AsyncClient, steward: dict) -> None:
    first = await stored(client, steward)
    blocked = await client.post(
        "/v1/contacts", params={"channel": "form"}, json=AGAIN, headers=steward
    )
    assert blocked.status_code == 409
    body = blocked.json()
    assert body["code"] == "duplicates.blocked"
    assert body["matches"][0]["id"] == first and body["matches"][0]["reasons"]
    confirmed = await client.post(
        "/v1/contacts",
        params={"channel": "form", "allow_duplicates": "true"},
        json=AGAIN,
        headers=steward,
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["possible_duplicates"][0]["id"] == first


async def test_people_and_scripts_are_warned(
    client: AsyncClient, steward: dict, auth_headers
) -> None:  # type: ignore[no-untyped-def]
    first = await stored(client, steward)
    warned = await client.post("/v1/contacts", json=AGAIN, headers=steward)
    assert warned.status_code == 201
    assert [m["id"] for m in warned.json()["possible_duplicates"]] == [first]
    script = await auth_headers(scopes=["records:write", "records:read"])
    batch = await client.post("/v1/contacts/batch", json={"records": [AGAIN]}, headers=script)
    found = set(batch.json()["results"][0]["possible_duplicates"])
    assert found == {first, warned.json()["id"]}


async def test_the_crm_channel_queues_for_review(client: AsyncClient, steward: dict) -> None:
    first = await stored(client, steward)
    queued = await client.put(
        "/v1/contacts/by-ref/hubspot/42", params={"channel": "crm"}, json=AGAIN, headers=steward
    )
    assert queued.status_code == 201
    pairs = (await client.get("/v1/duplicate-pairs", headers=steward)).json()["items"]
    assert len(pairs) == 1
    assert {pairs[0]["left_id"], pairs[0]["right_id"]} == {first, queued.json()["id"]}


async def test_a_batch_row_can_be_blocked(client: AsyncClient, steward: dict) -> None:
    await stored(client, steward)
    body = (
        await client.post(
            "/v1/contacts/batch",
            params={"channel": "form"},
            json={"records": [AGAIN]},
            headers=steward,
        )
    ).json()
    assert body["results"][0]["status"] == "rejected"
    assert body["results"][0]["errors"][0]["code"] == "duplicates.blocked"


@pytest.mark.parametrize(
    ("actions", "entity", "channel", "expected"),
    [
        pytest.param({}, "contact", "form", "block", id="default-form"),
        pytest.param({}, "company", "crm", "queue", id="default-crm"),
        pytest.param(
            {"contact": {"manual": "block"}}, "contact", "manual", "block", id="configured"
        ),
        pytest.param(
            {"contact": {"manual": "block"}},
            "company",
            "manual",
            "warn",
            id="other-entity-keeps-default",
        ),
        pytest.param({"company": {"script": "allow"}}, "company", "script", "allow", id="allow"),
    ],
)
def test_rules(actions: dict, entity: str, channel: str, expected: str) -> None:
    assert EntryRules(actions).action(entity, channel) == expected  # type: ignore[arg-type]
    assert set(DEFAULT_ACTIONS) == {"form", "crm", "script", "manual"}


async def test_reasons_follow_accept_language(client: AsyncClient, steward: dict) -> None:
    first = await stored(client, steward)
    french = steward | {"Accept-Language": "fr"}
    blocked = await client.post(
        "/v1/contacts", params={"channel": "form"}, json=AGAIN, headers=french
    )
    assert blocked.status_code == 409
    assert "même e-mail personnel" in blocked.json()["matches"][0]["reasons"]
    body = {"entity": "contact", "record": AGAIN}
    for lang, reason in (("fr", "même mobile"), ("en", "same mobile phone")):
        found = await client.post(
            "/v1/duplicates/lookup", json=body, headers=steward | {"Accept-Language": lang}
        )
        assert found.json()["matches"][0]["id"] == first
        assert reason in found.json()["matches"][0]["reasons"]
    queued = await client.post(
        "/v1/contacts",
        params={"channel": "crm", "allow_duplicates": "true"},
        json=AGAIN,
        headers=steward,
    )
    assert queued.status_code == 201, queued.text
    pairs = await client.get("/v1/duplicate-pairs", params={"entity": "contact"}, headers=french)
    assert "même e-mail personnel" in pairs.json()["items"][0]["reasons"]
