"""Re-indexing rewrites stale matching keys, through the API and a real worker."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from app.dedup import reindex
from tests.dedup.test_scan_and_review import PEOPLE
from tests.support.jobs import run_jobs


async def _keys(app, record_id: str) -> set[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    async with app.state.sessionmaker() as session:
        rows = await session.execute(
            text("SELECT key, blocking FROM match_keys WHERE record_id = :id"),
            {"id": uuid.UUID(record_id)},
        )
        return {(key, blocking) for key, blocking in rows.all()}


@pytest.mark.committed
async def test_reindex_rewrites_stale_keys_in_batches(
    live, committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    client, app, headers = live
    ids = []
    for person in PEOPLE:
        response = await client.post("/v1/contacts", json=person, headers=headers)
        ids.append(response.json()["id"])
    fresh = {rid: await _keys(app, rid) for rid in ids}
    assert all(fresh.values())
    # What an engine upgrade leaves behind: keys from other rules, or none at all.
    async with app.state.sessionmaker.begin() as session:
        await session.execute(
            text("DELETE FROM match_keys WHERE record_id = ANY(:ids)"),
            {"ids": [uuid.UUID(i) for i in ids[:2]]},
        )
        await session.execute(
            text(
                "INSERT INTO match_keys (entity, key, record_id, blocking) "
                "VALUES ('contact', 'name:old|rules', :id, true)"
            ),
            {"id": uuid.UUID(ids[0])},
        )
    lost = await client.get(f"/v1/contacts/{ids[0]}/duplicates", headers=headers)
    assert lost.json()["matches"] == []

    monkeypatch.setattr(reindex, "BATCH", 3)  # two batches, a checkpoint between them
    started = await client.post(
        "/v1/duplicates/reindex", json={"entity": "contact"}, headers=headers
    )
    assert started.status_code == 202, started.text
    await run_jobs(committed_url)
    job = (await client.get(f"/v1/jobs/{started.json()['job_id']}", headers=headers)).json()
    assert job["status"] == "succeeded", job
    assert job["result"] == {"entity": "contact", "records": len(PEOPLE)}
    assert job["progress"]["done"] == job["progress"]["total"] == len(PEOPLE)
    assert {rid: await _keys(app, rid) for rid in ids} == fresh
    found = await client.get(f"/v1/contacts/{ids[0]}/duplicates", headers=headers)
    assert [m["id"] for m in found.json()["matches"]] == [ids[1]]


async def test_reindex_needs_review_scope_and_a_known_entity(
    client: AsyncClient, auth_headers
) -> None:  # type: ignore[no-untyped-def]
    sales = await auth_headers(role="sales")
    denied = await client.post("/v1/duplicates/reindex", json={"entity": "contact"}, headers=sales)
    assert denied.status_code == 403
    steward = await auth_headers(role="data_steward")
    for body in ({"entity": "deal"}, {}, {"entity": "contact", "extra": 1}):
        bad = await client.post("/v1/duplicates/reindex", json=body, headers=steward)
        assert bad.status_code == 422, body
        assert bad.headers["content-type"].startswith("application/problem+json")
