"""Changes write their outbox event in the same transaction: ids and field names only."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


@pytest.fixture
async def steward(auth_headers) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return await auth_headers(role="data_steward")


async def events(session: AsyncSession) -> list[tuple[str, dict]]:
    rows = await session.execute(text("SELECT type, data FROM outbox ORDER BY created_at"))
    return [(t, d) for t, d in rows.all()]


async def test_created_updated_and_duplicate_events(
    client: AsyncClient, steward: dict, session: AsyncSession
) -> None:
    person = {"first_name": "Yann", "last_name": "Le Goff", "email": "yann.legoff@armor.bzh"}
    created = await client.post("/v1/contacts", json=person, headers=steward)
    rid = created.json()["id"]
    await client.patch(
        f"/v1/contacts/{rid}", json={"job_title": "Acheteur"},
        headers=steward | {"If-Match": created.headers["etag"]},
    )  # fmt: skip
    twin = await client.post(
        "/v1/contacts", json=person | {"first_name": "yann"}, headers=steward,
        params={"channel": "crm"},
    )  # fmt: skip
    assert twin.status_code == 201, twin.text
    found = await events(session)
    assert [t for t, _ in found] == [
        "record.created", "record.updated", "record.created", "duplicate.detected",
    ]  # fmt: skip
    assert found[0][1] == {
        "entity": "contact", "id": rid, "version": 1, "source_system": None,
        "fields": ["email", "email_domain", "email_status", "first_name", "last_name"],
    }  # fmt: skip
    assert found[1][1]["fields"] == ["job_function", "job_title"]
    detected = found[3][1]
    assert detected["id"] == twin.json()["id"] and detected["matches"][0]["id"] == rid
    # No personal value travels in an event.
    assert "legoff" not in str(found).lower() and "Yann" not in str(found)
