"""Running a contact scan through the API and a real worker, for the scan tests."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from tests.support.jobs import run_jobs


async def scan_once(client: AsyncClient, headers: dict, url: str) -> dict[str, Any]:
    """The scan's report (records, verdicts, keys) and the review queue it leaves."""
    started = await client.post("/v1/duplicates/scans", json={"entity": "contact"}, headers=headers)
    await run_jobs(url)
    job = (await client.get(f"/v1/jobs/{started.json()['job_id']}", headers=headers)).json()
    assert job["status"] == "succeeded", job
    queue = (await client.get("/v1/duplicate-pairs", headers=headers)).json()["items"]
    return {
        "result": {
            k: job["result"][k] for k in ("records", "by_verdict", "keys", "settled_levels")
        },
        "pairs": sorted((p["left_id"], p["right_id"], p["probability"]) for p in queue),
    }
