"""Several workers, one database: no job runs twice at once, and no unit of work is lost or
repeated when a worker is killed, stalls past its lease, or is asked to stop."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from app import jobs
from app.jobs.context import JobContext
from app.jobs.registry import Registry
from tests.jobs.conftest import ACTOR, Db, eventually, make_worker

pytestmark = pytest.mark.committed

UNITS_DDL = "CREATE TABLE test_units (job_id uuid NOT NULL, n int NOT NULL, worker text NOT NULL)"
Gate = Callable[[JobContext, int], Awaitable[None]]


async def no_gate(ctx: JobContext, n: int) -> None:
    return None


def units_handlers(gate: Gate = no_gate) -> Registry:
    """A resumable handler: each unit writes a row and its checkpoint in one transaction."""
    handlers = Registry()

    @handlers.register("demo.units")
    async def units(ctx: JobContext) -> dict[str, Any]:
        total = ctx.params["units"]
        start = (ctx.checkpoint or {}).get("next", 0)
        for n in range(start, total):
            async with ctx.unit() as session:
                await session.execute(
                    text("INSERT INTO test_units VALUES (:job, :n, :worker)"),
                    {"job": ctx.job_id, "n": n, "worker": ctx.lease.worker_id},
                )
                await gate(ctx, n)
                await ctx.save_checkpoint({"next": n + 1}, session=session)
            await ctx.report(n + 1, total)
            ctx.stop_point()
        return {"units": total, "resumed_at": start}

    return handlers


async def enqueue_units(db: Db, units: int, count: int = 1) -> list[Any]:
    ids = []
    async with db.sessions().begin() as session:
        for _ in range(count):
            ids.append(
                (await jobs.enqueue(session, "demo.units", {"units": units}, actor=ACTOR)).id
            )
    return ids


async def units_of(db: Db, job_id: Any) -> list[tuple[int, str]]:
    async with db.engine().connect() as conn:
        rows = await conn.execute(
            text("SELECT n, worker FROM test_units WHERE job_id = :id ORDER BY n, worker"),
            {"id": job_id},
        )
        return [(r.n, r.worker) for r in rows]


@pytest.fixture
async def units_db(db: Db) -> Db:
    await db.execute(UNITS_DDL)
    return db


async def test_two_workers_never_run_the_same_job(units_db: Db) -> None:
    db = units_db
    runs: collections.Counter[Any] = collections.Counter()
    by_worker: collections.Counter[str] = collections.Counter()
    active: set[Any] = set()
    overlaps: list[Any] = []

    async def gate(ctx: JobContext, n: int) -> None:
        if n == 0:
            runs[ctx.job_id] += 1
            by_worker[ctx.lease.worker_id] += 1
            if ctx.job_id in active:
                overlaps.append(ctx.job_id)
            active.add(ctx.job_id)
        await asyncio.sleep(0.005)  # make the workers' transactions overlap
        if n == 2:
            active.discard(ctx.job_id)

    handlers = units_handlers(gate)
    job_ids = await enqueue_units(db, units=3, count=24)
    workers = [make_worker(db, handlers, name) for name in ("worker-a", "worker-b")]
    stop = asyncio.Event()
    loops = [asyncio.create_task(w.run(stop)) for w in workers]

    async def all_done() -> bool:
        return await db.scalar("SELECT count(*) FROM jobs WHERE status = 'succeeded'") == 24

    await eventually(all_done, seconds=60)
    stop.set()
    await asyncio.gather(*loops)

    assert overlaps == []
    assert runs == dict.fromkeys(job_ids, 1)
    assert set(by_worker) == {"worker-a", "worker-b"}  # both really took part
    assert await db.scalar("SELECT count(*) FROM test_units") == 24 * 3
    assert await db.scalar("SELECT count(DISTINCT (job_id, n)) FROM test_units") == 24 * 3
    assert await db.scalar("SELECT max(attempts) FROM jobs") == 1


async def test_a_killed_worker_s_job_resumes_from_its_checkpoint_elsewhere(units_db: Db) -> None:
    db = units_db
    stuck = asyncio.Event()

    async def gate(ctx: JobContext, n: int) -> None:
        if ctx.lease.worker_id == "doomed" and n == 4:
            stuck.set()
            await asyncio.Event().wait()  # killed mid-unit: unit 4 is never committed

    handlers = units_handlers(gate)
    (job_id,) = await enqueue_units(db, units=10)
    lease = timedelta(seconds=0.6)
    doomed = make_worker(db, handlers, "doomed", lease=lease)
    survivor = make_worker(db, handlers, "survivor", lease=lease)

    killed = asyncio.create_task(doomed.run(asyncio.Event()))
    async with asyncio.timeout(10):
        await stuck.wait()
    killed.cancel()  # like kill -9: the worker writes nothing on its way out
    with pytest.raises(asyncio.CancelledError):
        await killed

    row = await db.row("SELECT status, locked_by, checkpoint FROM jobs WHERE id = :id", id=job_id)
    assert (row.status, row.locked_by, row.checkpoint) == ("running", "doomed", {"next": 4})
    assert await survivor.run_once() is None  # the lease still holds: nobody may take it yet

    async def lease_expired() -> bool:
        return bool(
            await db.scalar("SELECT locked_until < now() FROM jobs WHERE id = :id", id=job_id)
        )

    await eventually(lease_expired)
    assert await survivor.run_once() == job_id

    done = await db.row("SELECT * FROM jobs WHERE id = :id", id=job_id)
    assert (done.status, done.attempts, done.locked_by) == ("succeeded", 2, None)
    assert done.result == {"units": 10, "resumed_at": 4}
    assert (done.progress_done, done.progress_total) == (10, 10)
    assert await units_of(db, job_id) == [(n, "doomed") for n in range(4)] + [
        (n, "survivor") for n in range(4, 10)
    ]


async def test_a_stalled_worker_that_lost_its_lease_changes_nothing(units_db: Db) -> None:
    db = units_db
    stalled = asyncio.Event()
    resume = asyncio.Event()
    failures: list[type[BaseException]] = []

    async def gate(ctx: JobContext, n: int) -> None:
        if ctx.lease.worker_id == "stalled" and n == 1:
            stalled.set()
            await resume.wait()  # e.g. a long GC pause or a network partition

    handlers = units_handlers(gate)
    (job_id,) = await enqueue_units(db, units=5)
    # A long lease: its heartbeat will not beat during the test, so only the fence acts.
    slow = make_worker(db, handlers, "stalled", lease=timedelta(seconds=60))
    fresh = make_worker(db, handlers, "fresh")

    async def run_slow() -> None:
        try:
            await slow.run_once()
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(type(exc))
            raise

    first = asyncio.create_task(run_slow())
    async with asyncio.timeout(10):
        await stalled.wait()
    # Time passes beyond the lease while the worker is stalled.
    await db.execute(
        "UPDATE jobs SET locked_until = now() - interval '1 second' WHERE id = :id", id=job_id
    )
    assert await fresh.run_once() == job_id  # requeued, claimed, resumed at unit 1, finished

    resume.set()  # the stalled worker wakes up and tries to commit unit 1 and go on
    await first
    assert failures == []
    row = await db.row(
        "SELECT status, attempts, locked_by, result FROM jobs WHERE id = :id", id=job_id
    )
    assert (row.status, row.attempts, row.locked_by) == ("succeeded", 2, None)
    assert row.result == {"units": 5, "resumed_at": 1}
    assert await units_of(db, job_id) == [(0, "stalled")] + [(n, "fresh") for n in range(1, 5)]


async def test_graceful_stop_hands_the_job_back_at_a_unit_boundary(units_db: Db) -> None:
    db = units_db
    reached = asyncio.Event()
    stop = asyncio.Event()

    async def gate(ctx: JobContext, n: int) -> None:
        if ctx.lease.worker_id == "leaving" and n == 2:
            reached.set()
            await asyncio.sleep(0.2)  # the signal arrives mid-unit: the unit still finishes

    handlers = units_handlers(gate)
    (job_id,) = await enqueue_units(db, units=6)
    leaving = make_worker(db, handlers, "leaving")
    loop = asyncio.create_task(leaving.run(stop))
    async with asyncio.timeout(10):
        await reached.wait()
    stop.set()  # what SIGTERM does in `crm-dq worker`
    async with asyncio.timeout(10):
        await loop

    row = await db.row("SELECT * FROM jobs WHERE id = :id", id=job_id)
    # Back in the queue, due now; the interrupted run does not count as a failed attempt.
    assert (row.status, row.attempts, row.locked_by, row.finished_at) == ("queued", 0, None, None)
    assert row.checkpoint == {"next": 3}
    assert await units_of(db, job_id) == [(n, "leaving") for n in range(3)]

    assert await make_worker(db, handlers, "next").run_once() == job_id
    done = await db.row("SELECT status, attempts, result FROM jobs WHERE id = :id", id=job_id)
    assert (done.status, done.attempts, done.result) == (
        "succeeded",
        1,
        {"units": 6, "resumed_at": 3},
    )
    assert len(await units_of(db, job_id)) == 6


async def test_a_handler_ignoring_the_stop_is_cut_off_after_the_grace_period(db: Db) -> None:
    handlers = Registry()
    started = asyncio.Event()
    cut: list[type[BaseException]] = []

    @handlers.register("demo.stubborn")
    async def stubborn(ctx: JobContext) -> None:
        started.set()
        try:
            await asyncio.sleep(3600)  # never reaches a stop point
        except asyncio.CancelledError:
            cut.append(asyncio.CancelledError)
            raise

    async with db.sessions().begin() as session:
        job_id = (await jobs.enqueue(session, "demo.stubborn", {}, actor=ACTOR)).id
    stop = asyncio.Event()
    loop = asyncio.create_task(make_worker(db, handlers, "w", stop_grace=0.2).run(stop))
    async with asyncio.timeout(10):
        await started.wait()
    stop.set()
    async with asyncio.timeout(5):
        await loop
    assert cut == [asyncio.CancelledError]
    row = await db.row("SELECT status, attempts, locked_by FROM jobs WHERE id = :id", id=job_id)
    assert (row.status, row.attempts, row.locked_by) == ("queued", 0, None)


async def test_an_idle_worker_is_woken_by_notify_long_before_its_poll(db: Db) -> None:
    handlers = Registry()
    ran = asyncio.Event()

    @handlers.register("demo.ping")
    async def ping(ctx: JobContext) -> None:
        ran.set()

    worker = make_worker(db, handlers, "w", poll_interval=60, listen_engine=db.engine())
    stop = asyncio.Event()
    loop = asyncio.create_task(worker.run(stop))
    try:
        await eventually(_listening(worker))
        await asyncio.sleep(0.1)  # the worker is idle now, in a 60 s poll wait
        async with db.sessions().begin() as session:
            await jobs.enqueue(session, "demo.ping", {}, actor=ACTOR)
        async with asyncio.timeout(5):
            await ran.wait()
    finally:
        stop.set()
        await loop


def _listening(worker: Any) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return worker.wakeups is not None and worker.wakeups.listening.is_set()

    return check


async def test_a_worker_whose_job_was_taken_over_stops_it_at_the_next_heartbeat(db: Db) -> None:
    handlers = Registry()
    started = asyncio.Event()
    stopped: list[type[BaseException]] = []

    @handlers.register("demo.quiet")
    async def quiet(ctx: JobContext) -> dict[str, bool]:
        started.set()
        try:
            await asyncio.sleep(30)  # long work with no report and no stop point
        except asyncio.CancelledError:
            stopped.append(asyncio.CancelledError)
            raise
        return {"finished": True}

    async with db.sessions().begin() as session:
        job_id = (await jobs.enqueue(session, "demo.quiet", {}, actor=ACTOR)).id
    worker = make_worker(db, handlers, "first", lease=timedelta(seconds=0.6))
    running = asyncio.create_task(worker.run_once())
    async with asyncio.timeout(10):
        await started.wait()
    # Another worker took the job over (as after an expired lease): the fence no longer matches.
    await db.execute(
        "UPDATE jobs SET locked_by = 'second', attempts = attempts + 1 WHERE id = :id", id=job_id
    )
    async with asyncio.timeout(5):
        assert await running == job_id
    assert stopped == [asyncio.CancelledError]
    row = await db.row("SELECT status, locked_by, result FROM jobs WHERE id = :id", id=job_id)
    assert (row.status, row.locked_by, row.result) == ("running", "second", None)
