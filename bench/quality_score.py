"""Record quality score: pure scoring cost, what it adds to a write, and the worst-first query.

1. Pure: `score_record` per record over generated French B2B records (bench/generate.py,
   seed 7, 5 % duplicates), each first validated and normalised as a write stores it, with
   timestamps spread over four years, 0–3 open pairs and the employer's domain. Times the
   scorer alone (what a write adds, since the write already validated; phone-region cache
   cleared before each record, as a write meets its phone for the first time) and
   validate + score (what a rescore does per record).
2. In process: creates and updates through the records service on an embedded PostgreSQL,
   scoring on and off alternately (a busy machine slows both alike), each write its own
   committed transaction; plus the time spent in `score_write` itself.
3. Through the API (skip with --skip-api): one Uvicorn process (`crm-dq serve`), one
   keep-alive connection (bench/loadgen.py), `POST /v1/contacts` and `PATCH` of one contact,
   with `CRMDQ_QUALITY_SCORE_ON_WRITE` true and then false (a fresh server and database each).
4. EXPLAIN ANALYZE of "the 100 worst active contacts of source X" over 200,000 contacts of
   20 sources (scores spread 0–100, one in ten merged).

Run: nice python -m bench.quality_score [--records 3000] [--writes 600] [--seconds 8]"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import json
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from app.quality import record_service
from app.quality.score import Employer, ScoreInput, _region_of, score_record
from app.validation import validate_company, validate_contact
from app.validation.web import domain_of
from bench.generate import generate
from bench.loadgen import HEADER, run_load
from bench.server import client_token, migrated_database, running_server

NOW = datetime(2026, 11, 26, tzinfo=UTC)
CONTACT = {
    "civility": "madame",
    "first_name": "claire",
    "last_name": "MARTIN",
    "email": "claire.martin@dupont.fr",
    "phone": "06 12 34 56 78",
    "job_title": "Directrice achats",
    "country": "France",
}


def _pcts(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return statistics.median(ordered), q[94], q[98]


def pure(records: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    companies, contacts = generate(records // 2, records, 0.05, seed)
    gc.collect()
    gc.freeze()  # the generator's half-million names are not the scorer's garbage to scan
    domains = {c["id"]: domain_of(str(c["website"])) if c.get("website") else None
               for c in companies}  # fmt: skip
    rows = []
    for entity, batch in (("contact", contacts), ("company", companies)):
        score_us: list[float] = []
        both_us: list[float] = []
        validate = validate_contact if entity == "contact" else validate_company
        for raw in batch:
            data = {k: (v or None) for k, v in raw.items() if k not in ("id", "true_entity_id")}
            employer = None
            if entity == "contact":
                employer = Employer(domains.get(data.get("company_id")), "FR")
                data.pop("company_id", None)  # a generator id, not a UUID
            age = timedelta(days=rng.uniform(0, 4 * 365))
            _region_of.cache_clear()  # a write meets its phone for the first time
            started = time.perf_counter_ns()
            report = validate(data)
            validated = time.perf_counter_ns()
            score_record(
                ScoreInput(
                    entity,  # type: ignore[arg-type]
                    dict(report.normalized),
                    report.findings,
                    rng.choice((0, 0, 0, 0, 1, 2, 3)),
                    created_at=NOW - age * 2,
                    updated_at=NOW - age,
                    last_interaction_at=NOW - age / 2 if rng.random() < 0.5 else None,
                    employer=employer,
                ),
                NOW,
            )
            done = time.perf_counter_ns()
            score_us.append((done - validated) / 1000)
            both_us.append((done - started) / 1000)
        for label, samples in (("score_record", score_us), ("validate + score", both_us)):
            median, p95, p99 = _pcts(samples[50:])  # the first ones warm caches up
            rows.append(f"| {label} | {entity} | {len(samples) - 50} | {median:.0f} | "
                        f"{p95:.0f} | {p99:.0f} |")  # fmt: skip
    return rows


def _patches(port: int, headers: dict[str, str], count: int) -> list[float]:
    """PATCH one contact `count` times on one connection, If-Match from each answer."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        made = client.post("/v1/contacts", json=CONTACT | {"email": "p.patch@dupont.fr"})
        made.raise_for_status()
        rid, etag = made.json()["id"], made.headers["etag"]
        latencies = []
        for i in range(count):
            title = "Directrice achats" if i % 2 else "Acheteuse"
            started = time.perf_counter()
            answer = client.patch(
                f"/v1/contacts/{rid}", json={"job_title": title}, headers={"If-Match": etag}
            )
            latencies.append((time.perf_counter() - started) * 1000)
            answer.raise_for_status()
            etag = answer.headers["etag"]
    return latencies[20:]


async def _in_process(url: str, writes: int) -> list[str]:
    """Creates and updates through the records service, scoring on and off alternately
    (so a busy machine slows both alike), each in its own committed transaction."""
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from app.auth.principal import SYSTEM
    from app.core.settings import Settings
    from app.main import validation_policy
    from app.records import service as records
    from app.records.kinds import CONTACTS

    policy = validation_policy(Settings())
    on = record_service.setup()
    off = dataclasses.replace(on, on_write=False)
    spent: dict[str, list[float]] = {"create": [], "update": []}
    scoring_ms: dict[tuple[str, bool], list[float]] = {}
    original, original_setup = record_service.score_write, record_service.setup
    current = {"op": "create"}

    async def timed(*args: object, **kwargs: object) -> None:
        started = time.perf_counter()
        await original(*args, **kwargs)  # type: ignore[arg-type]
        if record_service.setup().on_write:  # the off runs return at once: not a cost
            spent[current["op"]].append((time.perf_counter() - started) * 1000)

    record_service.score_write = timed  # type: ignore[assignment]
    engine = create_async_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        for i in range(writes):
            scoring = i % 2 == 0
            record_service.setup = lambda scoring=scoring: on if scoring else off  # type: ignore[assignment,misc]
            body = CONTACT | {"email": f"claire.martin{i}@dupont{i % 50}.fr"}
            for op in ("create", "update"):
                current["op"] = op
                started = time.perf_counter()
                async with sessions.begin() as session:
                    if op == "create":
                        written = await records.create(session, CONTACTS, SYSTEM, body, policy)
                    else:
                        changes = {"job_title": "Acheteuse", "phone": "01 42 68 53 00"}
                        await records.update(session, CONTACTS, SYSTEM, written.record.id,
                                             changes, policy, expected_version=None)  # fmt: skip
                if i >= 20:
                    elapsed = (time.perf_counter() - started) * 1000
                    scoring_ms.setdefault((op, scoring), []).append(elapsed)
    finally:
        record_service.score_write = original  # type: ignore[assignment]
        record_service.setup = original_setup  # type: ignore[assignment]
        await engine.dispose()
    rows = []
    for op in ("create", "update"):
        for scoring in (True, False):
            median, p95, p99 = _pcts(scoring_ms[(op, scoring)])
            label = f"{op} (records service, scoring {'on' if scoring else 'off'})"
            rows.append(f"| {label} | {len(scoring_ms[(op, scoring)])} | {median:.2f} | "
                        f"{p95:.2f} | {p99:.2f} |")  # fmt: skip
        median, p95, p99 = _pcts(spent[op][10:])
        rows.append(f"| {op}: `score_write` alone | {len(spent[op]) - 10} | {median:.2f} | "
                    f"{p95:.2f} | {p99:.2f} |")  # fmt: skip
    return rows


def api(seconds: float, patches: int) -> list[str]:
    rows = []
    for on in ("true", "false"):
        with (
            migrated_database() as url,
            running_server({"DATABASE_URL": url, "CRMDQ_QUALITY_SCORE_ON_WRITE": on}) as port,
        ):
            token = client_token(port, url, "records:read records:write")
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            scoring = f"1 connection, scoring {'on' if on == 'true' else 'off'}"
            create = asyncio.run(
                run_load(
                    f"POST /v1/contacts ({scoring})",
                    port,
                    "/v1/contacts",
                    method="POST",
                    body=json.dumps(CONTACT).encode(),
                    headers=headers,
                    connections=1,
                    seconds=seconds,
                )
            )
            rows.append(create.row())
            median, p95, p99 = _pcts(_patches(port, headers, patches))
            rows.append(
                f"| PATCH /v1/contacts/{{id}} ({scoring}) | – | {median:.2f} | {p95:.2f} | "
                f"{p99:.2f} | 0 |"
            )
    return rows


async def _explain(url: str, contacts: int) -> list[str]:
    from sqlalchemy import text
    from sqlalchemy.dialects import postgresql
    from sqlalchemy.ext.asyncio import create_async_engine

    from app.quality.record_repository import worst_statement
    from app.records.models import Contact

    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO contacts (id, created_by_type, status, source_system, "
                "quality_score, last_name) SELECT gen_random_uuid(), 'system', "
                "CASE WHEN i % 10 = 0 THEN 'merged' ELSE 'active' END, 'src' || (i % 20), "
                "(i * 7919) % 101, 'Martin' FROM generate_series(1, :n) AS i"
            ),
            {"n": contacts},
        )
        await conn.execute(text("ANALYZE contacts"))
    out = []
    async with engine.connect() as conn:
        conditions = [Contact.status == "active", Contact.source_system == "src7"]
        pages = (("first page", None), ("next page", (37, uuid.UUID(int=0))))
        for label, after in pages:
            stmt = worst_statement(Contact, conditions, limit=101, after=after)
            sql = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
            plan = [r[0] for r in await conn.execute(text(f"EXPLAIN ANALYZE {sql}"))]
            out.append(f"-- {label}")
            out += plan
    await engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=3000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--patches", type=int, default=400)
    parser.add_argument("--explain-contacts", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--writes", type=int, default=600, help="in-process creates+updates")
    parser.add_argument("--skip-api", action="store_true", help="no HTTP server runs")
    args = parser.parse_args()
    print("| function | entity | records | median µs | p95 µs | p99 µs |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for row in pure(args.records, args.seed):
        print(row)
    print()
    with migrated_database() as url:
        print("| operation | writes | median ms | p95 ms | p99 ms |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for row in asyncio.run(_in_process(url, args.writes)):
            print(row)
        print()
        if not args.skip_api:
            print(HEADER)
            for row in api(args.seconds, args.patches):
                print(row)
            print()
        for line in asyncio.run(_explain(url, args.explain_contacts)):
            print(line)


if __name__ == "__main__":
    main()
