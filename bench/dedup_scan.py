"""A full duplicate scan of the stored contacts or companies, as a user starts it: through
the API, run by a `crm-dq worker` process.

Loads N generated contacts (and N/10 companies) with their keys as `bench.dedup_lookup`
does, starts the API (no embedded worker) and one worker process, posts
`POST /v1/duplicates/scans {"entity": …}`, follows the job until it ends, and reports the
time from the job's start to its end, the throughput, the pairs stored and the peak RSS
(VmHWM) of the worker and its scoring processes, summed (the worker's is its peak since it
started). `--entity company` scans the N/10 companies of the same base.
`--scans 2` runs a second full scan after the first, one row each: the first weighs with
the judgement and counts what the base's duplicates keep, the second weighs with those
counts (`app/dedup/level_counts.py`); the settled pairs each scan counted are printed after.

Run: python -m bench.dedup_scan --contacts 100000 (DATABASE_URL: reuse a loaded database)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx

from bench.dedup_lookup import companies_beside, load_once
from bench.server import client_token, migrated_database, running_server


def peak_rss_mb(pid: int) -> float:
    """Peak RSS of a process plus its children (the scan's scoring processes)."""
    total = 0.0
    for proc in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{proc}/status").read_text()
        except OSError:  # it ended meanwhile
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return [c for child in found for c in (child, *_children(child))]


def follow(
    port: int,
    token: str,
    worker: subprocess.Popen[bytes],
    path: str = "/v1/duplicates/scans",
    entity: str = "contact",
) -> tuple[dict, float, float]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        started = time.perf_counter()
        answer = client.post(path, json={"entity": entity})
        answer.raise_for_status()
        job_id = answer.json()["job_id"]
        peak = 0.0
        while True:
            time.sleep(1)
            peak = max(peak, peak_rss_mb(worker.pid))
            job = client.get(f"/v1/jobs/{job_id}").json()
            progress = job["progress"]
            print(
                f"\r{time.perf_counter() - started:6.0f} s  {progress['done'] or 0:>9,} / "
                f"{progress['total'] or 0:,}  {progress['message'] or ''}",
                end="" if sys.stderr.isatty() else "\n",
                file=sys.stderr,
            )
            if job["status"] in ("succeeded", "failed", "cancelled"):
                print(file=sys.stderr)
                return job, _running_seconds(job, time.perf_counter() - started), peak


def _running_seconds(job: dict, waited: float) -> float:
    """From the job's start to its end: not the time it sat queued behind another job (the
    worker's scheduled quality jobs run first when they fall due)."""
    if not (job.get("started_at") and job.get("finished_at")):
        return waited
    began, ended = (datetime.fromisoformat(job[k]) for k in ("started_at", "finished_at"))
    return (ended - began).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--entity", choices=("contact", "company"), default="contact")
    parser.add_argument("--scans", type=int, default=1, help="full scans, one after the other")
    parser.add_argument(
        "--rescore-first",
        action="store_true",
        help="run the quality rescore job first (records loaded in bulk have no stored "
        "score, which a scan would compute in full) and report its time",
    )
    args = parser.parse_args()
    scanned = args.contacts if args.entity == "contact" else companies_beside(args.contacts)
    with migrated_database() as url:
        asyncio.run(load_once(url, args.contacts, args.seed, probes=False))
        # a scan of a million records can outlast the default 15-minute token
        env = {
            "DATABASE_URL": url,
            "CRMDQ_EMBEDDED_WORKER": "false",
            "CRMDQ_ACCESS_TOKEN_TTL_S": "7200",
        }
        with running_server(env) as port:
            token = client_token(port, url, "duplicates:review records:read quality:manage")
            worker = subprocess.Popen(
                [sys.executable, "-m", "app.cli", "worker", "--poll-interval", "0.5"],
                env=os.environ | env,
                stdout=subprocess.DEVNULL,
            )
            try:
                if args.rescore_first:  # the records of the entity scanned
                    rescored, took, _ = follow(
                        port, token, worker, "/v1/quality/rescore", entity=args.entity
                    )
                    print(f"rescore {rescored['status']}: {scanned:,} {args.entity} records in "
                          f"{took:.0f} s ({scanned / took:,.0f}/s)")  # fmt: skip
                scans = [follow(port, token, worker, entity=args.entity)
                         for _ in range(args.scans)]  # fmt: skip
            finally:
                worker.send_signal(signal.SIGINT)
                worker.wait(timeout=60)
    for job, _, _ in scans:
        if job["status"] != "succeeded":
            raise SystemExit(f"scan {job['status']}: {job.get('error')}")
    print(
        f"| {args.entity} records stored | scan | scan s | records/s | pairs stored | duplicate "
        "| possible | related | peak RSS MB, worker + scoring processes |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for number, (job, seconds, peak) in enumerate(scans, 1):
        result = job["result"]
        verdicts = result["by_verdict"]
        print(
            f"| {scanned:,} | {number} | {seconds:.0f} | {scanned / seconds:,.0f} | "
            f"{result['pairs_stored']:,} | {verdicts.get('duplicate', 0):,} | "
            f"{verdicts.get('possible', 0):,} | {verdicts.get('related', 0):,} | {peak:.0f} |"
        )
    for number, (job, _, _) in enumerate(scans, 1):
        counted = ", ".join(f"{r['field']} {r['level']} {r['pairs']:,}"
                            for r in job["result"]["settled_levels"])  # fmt: skip
        print(f"scan {number} counted in its settled pairs: {counted or 'none'}")


if __name__ == "__main__":
    main()
