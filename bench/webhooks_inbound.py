"""Inbound webhooks: acknowledgement latency, and how many events a second the worker applies.

The API (no embedded worker) and one `crm-dq worker` run on 127.0.0.1; N contact events,
each signed per Standard Webhooks with the reference library just before sending, are sent
from C keep-alive connections. The acknowledgement (202) means the delivery is stored; the
worker then validates and upserts each record, with the duplicate check of the `crm` channel.
"Applied/s" counts from the first send to the last entry processed, so it is the sustained
rate of the whole path, and the backlog column says how far the worker trailed the senders.

Run: python -m bench.webhooks_inbound [--events 2000] [--connections 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from standardwebhooks import Webhook

from bench.generate import generate
from bench.loadgen import replay, request_bytes
from bench.server import migrated_database, running_server

SECRET = "whsec_" + "QmVuY2hCZW5jaEJlbmNoQmVuY2hCZW5jaA=="
FIELDS = ("civility", "first_name", "last_name", "email", "phone", "job_title")


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def signed_requests(people: list[dict], seed: int) -> list[bytes]:
    hook, now = Webhook(SECRET), datetime.now(UTC)
    requests = []
    for i, person in enumerate(people):
        body = json.dumps({
            "type": "contact.created",
            "data": {"external_id": f"{seed}-{i}",
                     "fields": {f: person[f] for f in FIELDS if person.get(f)}},
        })  # fmt: skip
        mid = f"msg_{uuid.uuid4().hex}"
        headers = {
            "Content-Type": "application/json",
            "webhook-id": mid,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": hook.sign(mid, now, body),
        }
        requests.append(request_bytes("POST", "/v1/webhooks/inbound/bench", body.encode(), headers))
    return requests


async def wait_applied(url: str, total: int) -> tuple[float, dict[str, int]]:
    engine = create_async_engine(url)
    try:
        while True:
            async with engine.connect() as conn:
                rows = await conn.execute(text("SELECT status, count(*) FROM inbox GROUP BY 1"))
                counts = {s: n for s, n in rows.all()}
            if counts.get("pending", 0) == 0 and sum(counts.values()) >= total:
                return time.perf_counter(), counts
            await asyncio.sleep(0.05)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=2_000)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()
    people = generate(max(args.events // 10, 10), args.events, 0.05, 11)[1]
    env = {
        "CRMDQ_EMBEDDED_WORKER": "false",
        "CRMDQ_WEBHOOK_SECRETS": json.dumps({"bench": [SECRET]}),
        "CRMDQ_LOG_LEVEL": "WARNING",
    }
    with migrated_database() as url:
        env["DATABASE_URL"] = url
        with running_server(env) as port:
            worker = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "worker", "--poll-interval", "0.2"],
                env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            try:
                requests = signed_requests(people, 1)
                start = time.perf_counter()
                latencies = asyncio.run(replay(port, requests, args.connections))
                sent = time.perf_counter()
                applied_at, counts = asyncio.run(wait_applied(url, len(requests)))
            finally:
                worker.send_signal(signal.SIGINT)
                worker.wait(timeout=60)
    n = len(latencies)
    print("| events | connections | ack p50 ms | ack p95 ms | ack p99 ms | acks/s "
          "| applied/s (end to end) | worker behind senders by s | outcome |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {n:,} | {args.connections} | {pct(latencies, 50):.1f} | {pct(latencies, 95):.1f} | "
        f"{pct(latencies, 99):.1f} | {n / (sent - start):.0f} | {n / (applied_at - start):.0f} | "
        f"{applied_at - sent:.1f} | {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))} |"
    )


if __name__ == "__main__":
    main()
