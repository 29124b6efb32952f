"""Entry-time duplicate lookup through the HTTP API, with N generated contacts stored.

Loads N contacts (and N/10 companies) from the seeded generator straight into an embedded
PostgreSQL (records and their blocking keys, as a write would store them), recounts term
frequencies as a scan does, then times `POST /v1/duplicates/lookup` for probes drawn from
the generated records (so most have a stored twin) from 1 and 4 concurrent callers.
`--entity company` looks companies up instead, among the N/10 stored.

Run: python -m bench.dedup_lookup --contacts 100000 [--probes 500] [--entity company]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from app.dedup import service as dedup
from app.dedup.models import MatchKey
from app.records.models import Company, Contact
from bench.generate import generate
from bench.loadgen import replay, request_bytes
from bench.server import client_token, migrated_database, running_server

CHUNK = 2_000
CONTACT_FIELDS = ("civility", "first_name", "last_name", "email", "phone", "job_title", "country")
COMPANY_FIELDS = ("name", "siren", "siret", "website", "phone", "street", "postcode", "city")


def companies_beside(contacts: int) -> int:
    """How many companies are stored beside N contacts."""
    return max(contacts // 10, 100)


async def load(url: str, n: int, seed: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    companies, contacts = generate(companies_beside(n), n, 0.05, seed)
    engine = create_async_engine(url)
    company_ids = {c["id"]: uuid.uuid4() for c in companies}
    started = time.perf_counter()
    async with engine.begin() as conn:
        for entity, table, records, fields in (
            ("company", Company.__table__, companies, COMPANY_FIELDS),
            ("contact", Contact.__table__, contacts, CONTACT_FIELDS),
        ):
            for i in range(0, len(records), CHUNK):
                rows, keys = [], []
                for record in records[i : i + CHUNK]:
                    rid = company_ids[record["id"]] if entity == "company" else uuid.uuid4()
                    values = {f: (record.get(f) or None) for f in fields}
                    if entity == "contact":
                        values["company_id"] = company_ids.get(str(record.get("company_id")))
                        values["country"] = "FR"
                    row = {
                        "id": rid,
                        "status": "active",
                        "version": 1,
                        "created_by_type": "system",
                        "quality_issues": [],
                    } | values
                    rows.append(row)
                    blocking, terms = dedup.index_strings(entity, values)
                    keys += [(entity, k, rid, k in blocking) for k in blocking | terms]
                await conn.execute(insert(table), rows)
                # COPY: about fifteen keys a record, too many for INSERT at a million records
                raw = (await conn.get_raw_connection()).driver_connection
                await raw.copy_records_to_table(
                    MatchKey.__tablename__,
                    records=keys,
                    columns=["entity", "key", "record_id", "blocking"],
                )
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")
    from sqlalchemy.ext.asyncio import async_sessionmaker

    async with async_sessionmaker(engine).begin() as session:
        await dedup.refresh_terms(session, "contact")
        await dedup.refresh_terms(session, "company")
    await engine.dispose()
    print(
        f"loaded {len(contacts):,} contacts and {len(companies):,} companies "
        f"in {time.perf_counter() - started:.0f} s"
    )
    return companies, contacts


async def load_once(
    url: str, n: int, seed: int, *, probes: bool = True, entity: str = "contact"
) -> list[dict[str, Any]]:
    """Load N contacts unless the database already holds them (DATABASE_URL reused between
    benchmarks: a million records take minutes to load). The generated records of `entity`
    are returned to draw probes from; `probes=False` (a scan) skips generating them again
    when reused."""
    pick = 0 if entity == "company" else 1
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        stored = (await conn.exec_driver_sql("SELECT count(*) FROM contacts")).scalar_one()
    await engine.dispose()
    if stored == 0:
        return (await load(url, n, seed))[pick]
    if stored != n:
        raise SystemExit(f"the database holds {stored:,} contacts, not {n:,}")
    print(f"reusing the {stored:,} contacts already loaded")
    return generate(companies_beside(n), n, 0.05, seed)[pick] if probes else []


async def timed(
    port: int, token: str, probes: list[dict[str, Any]], callers: int, entity: str = "contact"
) -> list[float]:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    fields = COMPANY_FIELDS if entity == "company" else CONTACT_FIELDS
    requests = [
        request_bytes(
            "POST",
            "/v1/duplicates/lookup",
            json.dumps({"entity": entity, "record": {f: probe.get(f) for f in fields}}).encode(),
            headers,
        )
        for probe in probes
    ]
    return await replay(port, requests, callers)


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--entity", choices=("contact", "company"), default="contact")
    args = parser.parse_args()
    entity = args.entity
    with migrated_database() as url:
        records = asyncio.run(load_once(url, args.contacts, args.seed, entity=entity))
        probes = random.Random(args.seed).sample(records, min(args.probes, len(records)))
        with running_server({"DATABASE_URL": url, "CRMDQ_EMBEDDED_WORKER": "false"}) as port:
            token = client_token(port, url, "duplicates:read")
            asyncio.run(timed(port, token, probes[:50], 1, entity))  # warm-up
            rows = []
            for callers in (1, 4):
                samples = asyncio.run(timed(port, token, probes, callers, entity))
                rows.append((callers, samples))
    stored = len(records) if entity == "company" else args.contacts
    print(f"| {entity} records stored | callers | lookups | median ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    for callers, samples in rows:
        print(
            f"| {stored:,} | {callers} | {len(samples)} | {pct(samples, 50):.1f} | "
            f"{pct(samples, 95):.1f} | {pct(samples, 99):.1f} |"
        )


if __name__ == "__main__":
    main()
