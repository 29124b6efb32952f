"""A real `crm-dq worker` process killed (SIGKILL) in the middle of a checkpointed job: once
its lease runs out, another worker process takes the job over, resumes at the checkpoint and
ends with the same result as a run that was never interrupted.

tests/jobs/test_concurrency.py proves the same inside one process with a test handler; this
one kills an operating-system process running the real `dedup.reindex` over 4,000 contacts.
"""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

import asyncpg
import pytest

import app.dedup.reindex  # noqa: F401 (registers the handler run_jobs uses)
from app.auth.principal import SYSTEM
from app.jobs import enqueue
from bench.dedup_lookup import load
from bench.load_process import start_worker, stop
from tests.reliability.faults_support import libpq_url
from tests.support.jobs import run_jobs

pytestmark = pytest.mark.committed
CONTACTS = 4_000  # four batches of the job's 1,000: the kill lands between two of them
LEASE_S = 1.5


async def job_row(conn: asyncpg.Connection, job_id: Any) -> asyncpg.Record:
    return await conn.fetchrow(
        "SELECT status, attempts, locked_by, checkpoint::text AS checkpoint, result::text "
        "AS result, progress_done FROM jobs WHERE id = $1",
        job_id,
    )


async def keys_of(conn: asyncpg.Connection) -> set[tuple[Any, str, bool]]:
    rows = await conn.fetch(
        "SELECT record_id, key, blocking FROM match_keys WHERE entity = 'contact'"
    )
    return {(r["record_id"], r["key"], r["blocking"]) for r in rows}


async def enqueue_reindex(url: str) -> Any:
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    engine = create_async_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False).begin() as session:
            job = await enqueue(session, "dedup.reindex", {"entity": "contact"}, actor=SYSTEM)
            return job.id
    finally:
        await engine.dispose()


async def until(conn: asyncpg.Connection, job_id: Any, test: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    for _ in range(100_000):
        row = await job_row(conn, job_id)
        if test(row):
            return row
        assert time.monotonic() < deadline, dict(row)
        await asyncio.sleep(0.02)
    raise AssertionError("unreachable")


async def test_a_killed_worker_s_reindex_is_resumed_by_another_process(
    committed_url: str,
) -> None:
    await load(committed_url, CONTACTS, seed=11)
    conn = await asyncpg.connect(libpq_url(committed_url))
    try:
        # Only the job can put the keys back: what it leaves is all its own work.
        await conn.execute("DELETE FROM match_keys WHERE entity = 'contact'")
        job_id = await enqueue_reindex(committed_url)

        doomed = start_worker(committed_url, lease_s=LEASE_S, poll_s=0.1)
        try:
            mid = await until(
                conn, job_id, lambda r: r["status"] == "running" and r["progress_done"], 120
            )
            doomed.send_signal(signal.SIGKILL)  # no shutdown path runs, nothing is released
            doomed.wait(timeout=10)
        finally:
            stop(doomed)
        killed = await job_row(conn, job_id)
        assert doomed.returncode == -signal.SIGKILL
        assert killed["status"] == "running" and str(doomed.pid) in killed["locked_by"]
        assert 0 < killed["progress_done"] < CONTACTS, "the kill must land mid-job"
        assert mid["progress_done"] <= killed["progress_done"]
        assert '"after"' in killed["checkpoint"]

        survivor = start_worker(committed_url, lease_s=LEASE_S, poll_s=0.1)
        try:
            done = await until(
                conn, job_id, lambda r: r["status"] in {"succeeded", "failed", "cancelled"}, 180
            )
        finally:
            assert stop(survivor) == 0  # and a worker stopped with SIGTERM exits cleanly
        assert done["status"] == "succeeded", dict(done)
        assert done["attempts"] == 2 and done["locked_by"] is None
        assert done["result"] == f'{{"entity": "contact", "records": {CONTACTS}}}'
        resumed = await keys_of(conn)

        # The reference: the same job run once, start to end, without any interruption.
        await conn.execute("DELETE FROM match_keys WHERE entity = 'contact'")
        await enqueue_reindex(committed_url)
        await run_jobs(committed_url)
        reference = await keys_of(conn)
        active = await conn.fetchval("SELECT count(*) FROM contacts WHERE status = 'active'")
    finally:
        await conn.close()
    assert resumed == reference
    assert len({record_id for record_id, _, _ in resumed}) == active == CONTACTS
