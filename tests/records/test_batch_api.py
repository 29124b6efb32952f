"""Batches: per-row results, business-key matching, atomic all-or-nothing."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.audit.models import AuditEvent


@pytest.fixture
async def writer(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(scopes=["records:read", "records:write"])


def person(n: int, **extra: object) -> dict:
    return {"last_name": f"Nom{chr(65 + n % 26)}", "email": f"p{n}@exemple.fr"} | extra


async def batch(client: AsyncClient, headers: dict, plural: str = "contacts", **body: object):  # type: ignore[no-untyped-def]
    return await client.post(f"/v1/{plural}/batch", json=body, headers=headers)


async def count(client: AsyncClient, headers: dict, plural: str = "contacts") -> int:
    response = await client.get(f"/v1/{plural}", params={"limit": 200}, headers=headers)
    return len(response.json()["items"])


async def test_per_row_results(client: AsyncClient, writer: dict) -> None:
    rows = [
        person(1),
        person(2, email="broken@"),
        person(3, phone=12345),
        {"first_name": "x"},
        person(4, unknown_field=True),
    ]
    response = await batch(client, writer, records=rows)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["summary"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "rejected": 4,
    }
    by_index = {r["index"]: r for r in body["results"]}
    assert by_index[0]["status"] == "created" and by_index[0]["id"]
    assert by_index[1]["errors"][0]["code"] == "email.invalid"
    assert by_index[2]["errors"][0]["code"] == "schema.string_type"
    assert by_index[3]["errors"][0]["code"] == "field.required"
    assert by_index[4]["errors"][0] == by_index[4]["errors"][0] | {
        "field": "unknown_field",
        "code": "schema.extra_forbidden",
    }
    assert await count(client, writer) == 1


async def test_a_batch_audits_its_rows_in_order(
    client: AsyncClient, writer: dict, session: AsyncSession
) -> None:
    """The rows' events join the chain when the batch ends (see `appended_at_end`): one per
    row written, in row order, none for a rejected row."""
    rows = [person(1), person(2, email="broken@"), person(3), person(4)]
    results = (await batch(client, writer, records=rows)).json()["results"]
    written = [r["id"] for r in results if r["status"] == "created"]
    assert len(written) == 3
    audited = await session.scalars(
        select(AuditEvent.entity_id)
        .where(AuditEvent.action == "contact.created")
        .order_by(AuditEvent.seq)
    )
    assert list(audited) == written
    assert (await audit.verify_chain(session)).ok


@pytest.mark.parametrize(
    ("on_match", "statuses", "stored"),
    [
        pytest.param("skip", ["skipped", "created"], 2, id="skip"),
        pytest.param("update", ["updated", "created"], 2, id="update"),
        pytest.param("create", ["created", "created"], 3, id="create"),
    ],
)
async def test_match_by_email(
    client: AsyncClient, writer: dict, on_match: str, statuses: list[str], stored: int
) -> None:
    await batch(client, writer, records=[person(1)])
    rows = [person(1, email="P1@Exemple.FR", job_title="CEO"), person(2)]
    body = (await batch(client, writer, records=rows, match_on="email", on_match=on_match)).json()
    assert [r["status"] for r in body["results"]] == statuses
    assert await count(client, writer) == stored


async def test_same_values_are_unchanged(client: AsyncClient, writer: dict) -> None:
    await batch(client, writer, records=[person(1)])
    body = (
        await batch(client, writer, records=[person(1)], match_on="email", on_match="update")
    ).json()
    assert body["results"][0]["status"] == "unchanged"


async def test_match_by_external_ref_and_within_the_batch(
    client: AsyncClient, writer: dict
) -> None:
    ref = [{"system": "hubspot", "id": "77"}]
    rows = [person(1, external_refs=ref), person(1, external_refs=ref, job_title="CFO")]
    body = (
        await batch(client, writer, records=rows, match_on="external_ref", on_match="update")
    ).json()
    assert [r["status"] for r in body["results"]] == ["created", "updated"]
    assert body["results"][0]["id"] == body["results"][1]["id"]


async def test_atomic_batch_writes_nothing_when_a_row_fails(
    client: AsyncClient, writer: dict
) -> None:
    response = await batch(
        client, writer, mode="atomic", records=[person(1), person(2), person(3, email="bad@")]
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "batch.refused"
    assert [r["index"] for r in body["results"]] == [2]
    assert await count(client, writer) == 0
    ok = await batch(client, writer, mode="atomic", records=[person(1), person(2)])
    assert ok.json()["summary"]["created"] == 2


async def test_companies_match_on_siren(client: AsyncClient, writer: dict) -> None:
    first = {"name": "Dupont SAS", "siren": "732829320"}
    await batch(client, writer, "companies", records=[first])
    body = (
        await batch(
            client,
            writer,
            "companies",
            match_on="siren",
            on_match="skip",
            records=[{"name": "DUPONT", "siren": "732 829 320"}],
        )
    ).json()
    assert body["results"][0]["status"] == "skipped"
    refused = await batch(client, writer, "companies", match_on="email", records=[first])
    assert refused.status_code == 422 and refused.json()["code"] == "batch.match_on_unsupported"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"records": []}, id="empty"),
        pytest.param({"records": [{"last_name": "x"}] * 1001}, id="too-many"),
        pytest.param({"records": [{}], "on_match": "merge"}, id="bad-on-match"),
        pytest.param({"records": "nope"}, id="not-a-list"),
    ],
)
async def test_bad_batch_requests_are_422(client: AsyncClient, writer: dict, body: dict) -> None:
    response = await client.post("/v1/contacts/batch", json=body, headers=writer)
    assert response.status_code == 422
