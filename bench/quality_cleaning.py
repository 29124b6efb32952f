"""Cleaning job throughput: dry run and apply over N messy contacts.

Contacts are loaded straight into the database, as a legacy import would (no validation);
a share of them needs cleaning (capitals, spaced phones, upper-case email domains, long-form
civility, lower-case country), a smaller share holds phones no rule can fix. One
`crm-dq worker` runs the dry run, then the apply step (every change through the records'
update use case: audit, outbox, matching keys, score), then a second dry run that must plan
nothing. Each size is loaded under its own `source_system` and the runs filter on it, so a
reused DATABASE_URL does not mix sizes.

Run: nice python -m bench.quality_cleaning [--sizes 10000 100000] [--messy-shares 0.3 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from app.records.models import Contact
from bench.server import api_with_worker, migrated_database

SCOPES = "records:read records:write quality:read quality:manage"
FIRST = ["Jean", "Marie", "Pierre", "Hélène", "Luc", "Anaïs", "Jean-Pierre", "Léa", "Noé", "Inès"]
LAST = ["Martin", "Bernard", "Dubois", "Lefèvre", "Le Goff", "Durand", "Moreau", "Fontaine",
        "Girard", "Mercier", "Faure", "Chevalier"]  # fmt: skip


def _contact(i: int, rng: random.Random, messy: bool, broken: bool, source: str) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    digits = f"{i:08d}"
    phone = f"+336{digits}"
    row: dict[str, Any] = {
        "id": uuid.uuid4(), "status": "active", "version": 1, "created_by_type": "system",
        "quality_issues": [], "source_system": source, "civility": "M.", "first_name": first,
        "last_name": last, "email": f"p{i}@exemple{i % 997}.fr", "email_domain":
        f"exemple{i % 997}.fr", "phone": phone, "country": "FR",
    }  # fmt: skip
    if messy:
        spaced = " ".join(digits[k : k + 2] for k in range(0, 8, 2))
        row |= {
            "civility": "monsieur", "first_name": f"  {first.upper()} ", "last_name": last.upper(),
            "email": f"P{i}@EXEMPLE{i % 997}.FR", "phone": f"06 {spaced}", "country": "fr",
        }  # fmt: skip
    if broken:
        row["phone"] = "12"
    return row


async def load(url: str, n: int, messy_share: float, source: str) -> tuple[int, int]:
    engine = create_async_engine(url)
    rng, messy_count, broken_count = random.Random(9), 0, 0
    async with engine.begin() as conn:
        for start in range(0, n, 10_000):
            rows = []
            for i in range(start, min(n, start + 10_000)):
                messy = rng.random() < messy_share
                broken = rng.random() < 0.02
                messy_count += messy
                broken_count += broken
                rows.append(_contact(i, rng, messy, broken, source))
            await conn.execute(insert(Contact.__table__), rows)
        await conn.exec_driver_sql("ANALYZE contacts")
    await engine.dispose()
    return messy_count, broken_count


def follow(client: httpx.Client, job_id: str) -> tuple[dict, float]:
    start = time.perf_counter()
    while True:
        job = client.get(f"/v1/jobs/{job_id}").json()
        if job["status"] in ("succeeded", "failed", "cancelled"):
            if job["status"] != "succeeded":
                raise RuntimeError(f"job {job_id}: {job['status']} {job.get('error_code')}")
            return job, time.perf_counter() - start
        time.sleep(0.2)


def dry_run(client: httpx.Client, source: str) -> tuple[dict, float]:
    started = client.post("/v1/quality/cleanings", json={"entity": "contact", "source": source})
    started.raise_for_status()
    _, seconds = follow(client, started.json()["job_id"])
    return client.get(f"/v1/quality/cleanings/{started.json()['id']}").json(), seconds


def measure(url: str, n: int, messy_share: float) -> str:
    source = f"bench-{n}-{uuid.uuid4().hex[:6]}"
    started = time.perf_counter()
    messy, broken = asyncio.run(load(url, n, messy_share, source))
    print(f"loaded {n:,} contacts ({messy:,} messy, {broken:,} bad phones) "
          f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
    with api_with_worker(url, SCOPES) as c:
        run, plan_s = dry_run(c, source)
        print("dry run:", {k: run[k] for k in ("records_scanned", "records_to_change",
              "changes_per_field", "unresolved_per_field", "blocked")})  # fmt: skip
        applied = c.post(f"/v1/quality/cleanings/{run['id']}/apply")
        applied.raise_for_status()
        _, apply_s = follow(c, applied.json()["job_id"])
        result = c.get(f"/v1/quality/cleanings/{run['id']}").json()["applied"]
        print("apply:", result)
        rerun, rerun_s = dry_run(c, source)
    changed = run["records_to_change"]
    return (
        f"| {n:,} | {changed:,} | {plan_s:.1f} | {n / plan_s:,.0f} | {apply_s:.1f} | "
        f"{changed / apply_s:,.0f} | {result.get('applied', 0):,} | "
        f"{rerun['records_to_change']} ({rerun_s:.1f} s) |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument(
        "--messy-shares",
        type=float,
        nargs="+",
        default=[0.3],
        help="share of contacts needing changes, per size (the last one repeats)",
    )
    args = parser.parse_args()
    rows = []
    with migrated_database() as url:
        for i, n in enumerate(args.sizes):
            share = args.messy_shares[min(i, len(args.messy_shares) - 1)]
            rows.append(measure(url, n, share))
    print("| contacts | to change | dry run s | scanned/s | apply s | applied/s | applied | "
          "re-run plans |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
