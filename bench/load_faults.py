"""The faults a load run injects (PostgreSQL restarted, worker killed) and what they did."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench.load_process import start_worker


@dataclass
class FaultLog:
    events: list[str] = field(default_factory=list)
    url: str = ""
    job_id: Any = None
    worker: subprocess.Popen[bytes] | None = None
    killed_at_progress: int | None = None

    def describe(self) -> str:
        return "; ".join(self.events)

    async def kill_worker_at(self, at: float) -> None:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        assert self.worker is not None
        status, self.killed_at_progress = await _progress(self.url, self.job_id)
        self.worker.send_signal(signal.SIGKILL)
        await asyncio.to_thread(self.worker.wait)
        # A fresh worker: it may take the job over only once the dead one's lease runs out.
        self.worker = start_worker(self.url, lease_s=5.0, poll_s=0.2)
        when = (
            f"mid-reindex ({self.killed_at_progress:,} records done)"
            if status == "running"
            else f"with the reindex job {status} (nothing to resume)"
        )
        self.events.append(f"worker SIGKILLed {when}, a new one started")


async def restart_db(
    cluster: Any, at: float, down: float, log: FaultLog, mode: str = "fast"
) -> None:
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    started = time.perf_counter()
    await asyncio.to_thread(cluster.stop, mode)
    await asyncio.sleep(down)
    await asyncio.to_thread(cluster.start)
    outage = time.perf_counter() - started
    log.events.append(f"PostgreSQL stopped ({mode}) and restarted: {outage:.1f} s away")


async def enqueue_reindex(url: str) -> Any:
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from app.auth.principal import SYSTEM
    from app.jobs import enqueue

    engine = create_async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False).begin() as session:
            return (await enqueue(session, "dedup.reindex", {"entity": "contact"}, actor=SYSTEM)).id
    finally:
        await engine.dispose()


def _dsn(url: str) -> str:
    return url.replace("+asyncpg", "")


async def _progress(url: str, job_id: Any) -> tuple[str, int]:
    conn = await asyncpg.connect(_dsn(url))
    try:
        row = await conn.fetchrow("SELECT status, progress_done FROM jobs WHERE id = $1", job_id)
    finally:
        await conn.close()
    return row["status"], int(row["progress_done"] or 0)


async def job_outcome(url: str, log: FaultLog, seconds: float = 180) -> str:
    """Waits for the job to end; its status, attempts and result as one line."""
    conn = await asyncpg.connect(_dsn(url))
    try:
        deadline = time.monotonic() + seconds
        while True:
            row = await conn.fetchrow(
                "SELECT status, attempts, result::text AS result FROM jobs WHERE id = $1",
                log.job_id,
            )
            if row["status"] in {"succeeded", "failed", "cancelled"}:
                break
            if time.monotonic() > deadline:
                return f"still {row['status']} after {seconds:.0f} s"
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
    result = json.loads(row["result"]) if row["result"] else {}
    return (
        f"{row['status']} after {row['attempts']} attempt(s), result {result} "
        f"(killed at {log.killed_at_progress})"
    )
