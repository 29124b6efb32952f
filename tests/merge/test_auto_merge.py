"""Auto-merge: off by default, dry run first, then merging the confident clusters."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import live_app
from tests.merge.helpers import create
from tests.support.jobs import run_jobs

TWINS = [
    {"first_name": "Jean-Pierre", "last_name": "Kerbrat", "email": "jp.kerbrat@acme.fr",
     "phone": "06 12 34 56 78"},
    {"first_name": "jean pierre", "last_name": "KERBRAT", "email": "JP.Kerbrat@acme.fr",
     "phone": "+33612345678", "subscription_status": "unsubscribed"},
    {"first_name": "Alice", "last_name": "Durand", "email": "alice.durand@exemple.fr"},
]  # fmt: skip


async def _job(client, headers, job_id: str) -> dict:  # type: ignore[no-untyped-def]
    job = (await client.get(f"/v1/jobs/{job_id}", headers=headers)).json()
    assert job["status"] == "succeeded", job
    return job["result"]


@pytest.mark.committed
async def test_auto_merge_is_off_then_dry_runs_then_merges(committed_url: str) -> None:
    async with live_app(committed_url) as (client, app, headers):
        ids = [(await create(client, headers, "contacts", p, channel="crm"))["id"] for p in TWINS]
        queued = (await client.get("/v1/duplicate-pairs", headers=headers)).json()["items"]
        assert [p["verdict"] for p in queued] == ["duplicate"]
        refused = await client.post(
            "/v1/merges/auto", json={"entity": "contact", "dry_run": False}, headers=headers
        )
        assert refused.status_code == 409 and refused.json()["code"] == "merge.auto_disabled"
        dry = await client.post("/v1/merges/auto", json={"entity": "contact"}, headers=headers)
        assert dry.status_code == 202, dry.text
        await run_jobs(committed_url)
        report = await _job(client, headers, dry.json()["job_id"])
        assert (report["dry_run"], report["would_merge"], report["records"]) == (True, 1, 2)
        assert sorted([report["clusters_listed"][0]["survivor_id"],
                       *report["clusters_listed"][0]["merged_ids"]]) == sorted(ids[:2])  # fmt: skip
        async with app.state.sessionmaker() as session:
            assert await session.scalar(text("SELECT count(*) FROM merges")) == 0

    async with live_app(committed_url, auto_merge_enabled=True) as (client, app, headers):
        started = await client.post(
            "/v1/merges/auto", json={"entity": "contact", "dry_run": False}, headers=headers
        )
        assert started.status_code == 202, started.text
        await run_jobs(committed_url)
        report = await _job(client, headers, started.json()["job_id"])
        assert (report["merged"], report["records"], report["skipped"]) == (1, 2, 0)
        merged = report["clusters_listed"][0]
        survivor = await client.get(f"/v1/contacts/{merged['survivor_id']}", headers=headers)
        assert survivor.json()["subscription_status"] == "unsubscribed"
        closed = await client.get(
            "/v1/duplicate-pairs", params={"status": "merged"}, headers=headers
        )
        assert len(closed.json()["items"]) == 1
        async with app.state.sessionmaker() as session:
            job_id = await session.scalar(text("SELECT job_id::text FROM merges"))
        assert job_id == started.json()["job_id"]
        # A second run finds nothing left to merge.
        again = await client.post(
            "/v1/merges/auto", json={"entity": "contact", "dry_run": False}, headers=headers
        )
        await run_jobs(committed_url)
        assert (await _job(client, headers, again.json()["job_id"]))["merged"] == 0
