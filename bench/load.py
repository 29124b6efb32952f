"""Open-loop load on a real `crm-dq serve` at a target rate, with faults, then a consistency
check of everything the service acknowledged.

Requests start on a fixed schedule (`--rate` a second for `--duration` seconds) whatever the
answers take, so a slow or failing service meets the same demand (latency is counted from
the scheduled start: no coordinated omission). The mix: validate 30 %, duplicate lookup 15 %,
create 20 % (with Idempotency-Key), update 20 % (If-Match), read 15 %.

Faults: `--restart-db-at S` stops PostgreSQL S seconds in (fast shutdown: sessions end with
"terminating connection due to administrator command") and starts it again `--db-down` seconds
later; `--kill-worker-at S` SIGKILLs a `crm-dq worker` running a `dedup.reindex` over the seeded
contacts and starts another, which must resume the job once the lease runs out.

The PostgreSQL is a private throwaway cluster on 127.0.0.1 (it gets restarted).
Run: nice python -m bench.load --rate 40 --duration 60 --restart-db-at 20 --kill-worker-at 25
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.load_faults import FaultLog, enqueue_reindex, job_outcome, restart_db
from bench.load_ledger import EMAIL_DOMAIN, Ledger, check
from bench.load_process import free_port, start_server, start_worker, stop
from bench.load_report import TRANSPORT_ERROR, OpStats, consistency_table, operations_table

MIX = (("validate", 30), ("lookup", 15), ("create", 20), ("update", 20), ("read", 15))
PROBE_FIELDS = ("civility", "first_name", "last_name", "email", "phone", "job_title", "country")
SCOPES = "records:read records:write validate duplicates:read"


@dataclass
class Run:
    client: httpx.AsyncClient
    probes: list[dict[str, Any]]
    rng: random.Random
    ledger: Ledger = field(default_factory=Ledger)
    stats: dict[str, OpStats] = field(default_factory=lambda: {n: OpStats() for n, _ in MIX})
    busy: set[str] = field(default_factory=set)  # records with an update in flight
    serial: itertools.count = field(default_factory=itertools.count)
    lag_ms: float = 0.0  # how late the generator itself started a request, at worst

    async def send(self, op: str, scheduled: float, method: str, path: str, **kw: Any):
        try:
            response: httpx.Response | None = await self.client.request(method, path, **kw)
        except httpx.HTTPError:
            response = None
        self.stats[op].add(_status(response), (time.perf_counter() - scheduled) * 1000)
        return response

    def probe(self) -> dict[str, Any]:
        record = self.rng.choice(self.probes)
        return {f: record[f] for f in PROBE_FIELDS if record.get(f)}


def _status(response: httpx.Response | None) -> str:
    """The status, with the problem's code for server errors (which fault it was)."""
    if response is None:
        return TRANSPORT_ERROR
    if response.status_code < 500:
        return str(response.status_code)
    try:
        return f"{response.status_code} {response.json().get('code', '')}".strip()
    except ValueError:
        return f"{response.status_code} (not a problem)"


async def validate(run: Run, at: float) -> None:
    await run.send("validate", at, "POST", "/v1/validate/contact", json=run.probe())


async def lookup(run: Run, at: float) -> None:
    body = {"entity": "contact", "record": run.probe()}
    await run.send("lookup", at, "POST", "/v1/duplicates/lookup", json=body)


async def create(run: Run, at: float) -> None:
    email = f"c{next(run.serial)}.{uuid.uuid4().hex[:8]}@{EMAIL_DOMAIN}"
    body = run.probe() | {"email": email}
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    response = await run.send("create", at, "POST", "/v1/contacts", json=body, headers=headers)
    if response is not None and response.status_code == 201:
        stored = response.json()
        run.ledger.created(stored["id"], stored["version"], stored["job_title"])
    elif response is None or response.status_code >= 500:
        run.ledger.uncertain_creates.add(email)  # may or may not have committed


async def update(run: Run, at: float) -> None:
    idle = [rid for rid in run.ledger.records if rid not in run.busy]
    if not idle:
        return await read(run, at)
    record_id = run.rng.choice(idle)
    run.busy.add(record_id)
    try:
        record = run.ledger.records[record_id]
        if record.uncertain:  # an earlier update got no answer: learn its outcome first
            await reconcile(run, record_id)
        title = f"Responsable achats {next(run.serial)}"
        response = await run.send(
            "update",
            at,
            "PATCH",
            f"/v1/contacts/{record_id}",
            json={"job_title": title},
            headers={"If-Match": f'"{record.version}"'},
        )
        if response is not None and response.status_code == 200:
            run.ledger.updated(record_id, response.json()["version"], response.json()["job_title"])
        elif response is None or response.status_code >= 500:
            run.ledger.update_unanswered(record_id, title)
    finally:
        run.busy.discard(record_id)
    return None


async def reconcile(run: Run, record_id: str) -> None:
    response = await run.send("read", time.perf_counter(), "GET", f"/v1/contacts/{record_id}")
    if response is None or response.status_code != 200:
        return
    record, body = run.ledger.records[record_id], response.json()
    if body["version"] > record.version and body["job_title"] in record.uncertain:
        record.version, record.job_title, record.uncertain = body["version"], body["job_title"], []


async def read(run: Run, at: float) -> None:
    if not run.ledger.records:
        return await validate(run, at)
    record_id = run.rng.choice(list(run.ledger.records))
    await run.send("read", at, "GET", f"/v1/contacts/{record_id}")
    return None


OPERATIONS = {
    "validate": validate,
    "lookup": lookup,
    "create": create,
    "update": update,
    "read": read,
}


async def drive(run: Run, rate: float, duration: float, t0: float) -> None:
    names = [name for name, _ in MIX]
    weights = [weight for _, weight in MIX]
    tasks: set[asyncio.Task[None]] = set()
    for i in range(int(rate * duration)):
        at = t0 + i / rate
        if (delay := at - time.perf_counter()) > 0:
            await asyncio.sleep(delay)
        run.lag_ms = max(run.lag_ms, (time.perf_counter() - at) * 1000)
        op = run.rng.choices(names, weights)[0]
        task = asyncio.create_task(OPERATIONS[op](run, at))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    await asyncio.gather(*tasks)


async def load_phase(args: argparse.Namespace, port: int, token: str, faults: FaultLog, cluster):
    from bench.generate import generate

    _, probes = generate(max(args.seed_contacts // 10, 50), max(args.seed_contacts, 500), 0.05, 7)
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=50)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {token}"},
        limits=limits,
        timeout=30,
    ) as client:
        run = Run(client, probes, random.Random(args.seed))
        t0 = time.perf_counter() + 0.5
        background = []
        if args.restart_db_at is not None:
            background.append(
                restart_db(
                    cluster, t0 + args.restart_db_at, args.db_down, faults, args.db_stop_mode
                )
            )
        if args.kill_worker_at is not None:
            background.append(faults.kill_worker_at(t0 + args.kill_worker_at))
        await asyncio.gather(drive(run, args.rate, args.duration, t0), *background)
        elapsed = time.perf_counter() - t0
        # Reconcile unanswered updates now the database is back, as a client would.
        for record_id, record in list(run.ledger.records.items()):
            if record.uncertain:
                await reconcile(run, record_id)
    return run, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rate", type=float, default=40.0, help="requests a second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--restart-db-at", type=float, help="seconds into the run")
    parser.add_argument("--db-down", type=float, default=3.0, help="seconds PostgreSQL stays down")
    parser.add_argument(
        "--db-stop-mode",
        choices=("fast", "immediate"),
        default="fast",
        help="fast: an orderly restart; immediate: a crash (recovery replays the WAL)",
    )
    parser.add_argument("--kill-worker-at", type=float, help="seconds into the run")
    parser.add_argument("--seed-contacts", type=int, default=2_000, help="stored before the run")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from app.core import migrations
    from app.core.embedded_db import DisposableCluster
    from bench.dedup_lookup import load
    from bench.server import client_token

    with tempfile.TemporaryDirectory(prefix="crmdq-load-") as tmp:
        cluster = DisposableCluster(Path(tmp) / "data", free_port())
        cluster.init()
        cluster.start()
        server: subprocess.Popen[bytes] | None = None
        faults = FaultLog()
        try:
            url = cluster.create_database("crmdq")
            migrations.upgrade(url)
            if args.seed_contacts:
                asyncio.run(load(url, args.seed_contacts, args.seed))
            port = free_port()
            server = start_server(url, port)
            token = client_token(port, url, SCOPES)
            if args.kill_worker_at is not None:
                faults.job_id = asyncio.run(enqueue_reindex(url))
                faults.worker = start_worker(url, lease_s=5.0, poll_s=0.2)
                faults.url = url
            run, elapsed = asyncio.run(load_phase(args, port, token, faults, cluster))
            job = asyncio.run(job_outcome(url, faults)) if faults.job_id else None
            result = asyncio.run(check(cluster.url("crmdq").replace("+asyncpg", ""), run.ledger))
        finally:
            if faults.worker is not None:
                stop(faults.worker)
            exit_code = stop(server) if server is not None else None
            cluster.stop("fast")

    faults_text = faults.describe() or "none"
    print(f"\nrate {args.rate:g}/s for {args.duration:g} s, seed contacts {args.seed_contacts:,}")
    print(f"faults: {faults_text}; generator lag at worst {run.lag_ms:.0f} ms\n")
    print(operations_table(run.stats, elapsed))
    print()
    print(consistency_table(result))
    if job is not None:
        print(f"\nreindex job: {job}")
    print(f"\nserver stopped with SIGTERM: exit code {exit_code}")
    acknowledged = result.acknowledged_creates + result.acknowledged_updates
    print("\n| inputs | faults injected | writes acknowledged | acknowledged writes lost |")
    print("|---|---|---|---|")
    print(
        f"| {args.rate:g} req/s × {args.duration:g} s, mix {'/'.join(n for n, _ in MIX)} | "
        f"{faults_text} | {acknowledged:,} | {result.lost} |"
    )
    if result.lost or not result.counts_match:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
