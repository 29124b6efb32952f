"""GDPR costs: export and erasure of a subject with 50 records, and a retention sweep.

1. Subjects of 50 records each (50 spellings of one person created, then merged into one):
   time from `POST /v1/gdpr/exports` to a ready bundle (the embedded worker builds it), the
   download, and `POST /v1/gdpr/erasures` in both modes.
2. A retention sweep over N contacts loaded straight into the database (a share of them
   collected more than three years ago): the dry run, then the real sweep (anonymise), run
   by one `crm-dq worker`, with records per second.

Run: python -m bench.gdpr [--subjects 10] [--contacts 100000] [--due-share 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from app.records.models import Contact
from bench.server import api_with_worker, client_token, migrated_database, running_server

SCOPES = "records:read records:write merge gdpr:export gdpr:erase gdpr:manage"


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def row(label: str, samples: list[float]) -> str:
    return (
        f"| {label} | {len(samples)} | {statistics.median(samples):.1f} | "
        f"{pct(samples, 95):.1f} | {max(samples):.1f} |"
    )


def subject(client: httpx.Client, n: int, tag: str) -> str:
    people = [
        {"first_name": "Maëlle" if i % 2 else "M.", "last_name": "Le Bras",
         "email": f"mlb.{tag}.{i}@lebras-conseil.fr", "subscription_status": "subscribed",
         "lawful_basis": "legitimate_interests"}
        for i in range(n)
    ]  # fmt: skip
    made = client.post(
        "/v1/contacts/batch", json={"records": people}, params={"allow_duplicates": "true"}
    )
    made.raise_for_status()
    ids = [r["id"] for r in made.json()["results"]]
    merged = client.post("/v1/merges", json={"entity": "contact", "record_ids": ids})
    merged.raise_for_status()
    return merged.json()["survivor_id"]


def timed(client: httpx.Client, method: str, path: str, **kw: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    response = client.request(method, path, **kw)
    if response.status_code >= 300:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
    return (time.perf_counter() - start) * 1000, response


def subjects_part(count: int) -> list[str]:
    rows = []
    with (
        migrated_database() as url,
        running_server({"DATABASE_URL": url, "CRMDQ_EMBEDDED_WORKER": "true"}) as port,
    ):
        token = client_token(port, url, SCOPES)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                          headers={"Authorization": f"Bearer {token}"}) as c:  # fmt: skip
            ready, download, anonymise, delete = [], [], [], []
            for i in range(count):
                sid = subject(c, 50, f"s{i}")
                start = time.perf_counter()
                export = c.post("/v1/gdpr/exports", json={"contact_id": sid}).json()
                while c.get(f"/v1/gdpr/exports/{export['id']}").json()["status"] != "ready":
                    time.sleep(0.02)
                ready.append((time.perf_counter() - start) * 1000)
                ms, response = timed(c, "GET", f"/v1/gdpr/exports/{export['id']}/download")
                download.append(ms)
                if i == 0:
                    print(f"bundle of a 50-record subject: {len(response.content):,} bytes")
                mode = "anonymize" if i % 2 == 0 else "delete"
                ms, _ = timed(c, "POST", "/v1/gdpr/erasures",
                              json={"contact_id": sid, "mode": mode})  # fmt: skip
                (anonymise if mode == "anonymize" else delete).append(ms)
    rows.append(row("export: request → bundle ready (worker)", ready))
    rows.append(row("export: download", download))
    rows.append(row("erasure, anonymize (50 records)", anonymise))
    rows.append(row("erasure, delete (50 records)", delete))
    return rows


async def load(url: str, n: int, due_share: float) -> int:
    engine = create_async_engine(url)
    now, rng, due = datetime.now(UTC), random.Random(5), 0
    async with engine.begin() as conn:
        for start in range(0, n, 10_000):
            rows = []
            for i in range(start, min(n, start + 10_000)):
                old = rng.random() < due_share
                due += old
                days = rng.randint(3 * 366 + 10, 6 * 365) if old else rng.randint(0, 3 * 365 - 10)
                rows.append({
                    "id": uuid.uuid4(), "status": "active", "version": 1,
                    "created_by_type": "system", "quality_issues": [],
                    "last_name": f"Nom{i}", "email": f"p{i}@exemple{i % 997}.fr",
                    "collected_at": now - timedelta(days=days),
                })  # fmt: skip
            await conn.execute(insert(Contact.__table__), rows)
        await conn.exec_driver_sql("ANALYZE contacts")
    await engine.dispose()
    return due


def follow(client: httpx.Client, job_id: str) -> tuple[dict, float]:
    start = time.perf_counter()
    while True:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job, time.perf_counter() - start
        time.sleep(0.2)


def sweep_part(n: int, due_share: float) -> list[str]:
    with migrated_database() as url:
        started = time.perf_counter()
        due = asyncio.run(load(url, n, due_share))
        print(f"loaded {n:,} contacts ({due:,} due) in {time.perf_counter() - started:.0f} s")
        with api_with_worker(url, SCOPES) as c:
            ms, _ = timed(c, "GET", "/v1/gdpr/retention/due", params={"limit": 100})
            dry = c.post("/v1/gdpr/retention/sweeps", json={}).json()
            dry_job, dry_s = follow(c, dry["job_id"])
            real = c.post(
                "/v1/gdpr/retention/sweeps",
                json={"dry_run": False, "dry_run_job_id": dry["job_id"]},
            ).json()
            real_job, real_s = follow(c, real["job_id"])
    swept = real_job.get("result", {})
    print("dry run result:", {k: v for k, v in dry_job["result"].items() if k != "contact_ids"})
    print("sweep result:", {k: v for k, v in swept.items() if not isinstance(v, list)})
    return [f"| {n:,} | {due:,} | {ms:.0f} | {dry_s:.1f} | {real_s:.1f} | {due / real_s:.0f} |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subjects", type=int, default=10)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--due-share", type=float, default=0.05)
    args = parser.parse_args()
    rows = subjects_part(args.subjects) if args.subjects else []
    sweep = sweep_part(args.contacts, args.due_share) if args.contacts else []
    if rows:
        print("| operation | runs | median ms | p95 ms | max ms |")
        print("|---|---|---|---|---|")
        print("\n".join(rows))
    if sweep:
        print("| contacts | due | due list (first page) ms | dry run s | sweep s | erased/s |")
        print("|---|---|---|---|---|---|")
        print("\n".join(sweep))


if __name__ == "__main__":
    main()
