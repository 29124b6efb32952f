"""One worker against a committed database: run, report, retry, fail, cancel, stop."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app import jobs
from app.auth.principal import SYSTEM
from app.jobs import service
from app.jobs.context import JobContext
from app.jobs.errors import JobFailed
from app.jobs.policy import RetryPolicy
from app.jobs.registry import Registry
from tests.jobs.conftest import ACTOR, Db, make_worker

pytestmark = pytest.mark.committed


async def enqueue(db: Db, kind: str, params: dict[str, Any] | None = None, **options: Any) -> Any:
    async with db.sessions().begin() as session:
        job = await jobs.enqueue(session, kind, params or {}, actor=ACTOR, **options)
        return job.id


async def job_row(db: Db, job_id: Any) -> Any:
    return await db.row("SELECT * FROM jobs WHERE id = :id", id=job_id)


async def test_a_handler_runs_and_its_progress_is_visible_while_it_runs(db: Db) -> None:
    handlers = Registry()
    halfway = asyncio.Event()
    release = asyncio.Event()
    seen: dict[str, Any] = {}

    @handlers.register("demo.count")
    async def count(ctx: JobContext) -> dict[str, int]:
        seen.update(params=ctx.params, checkpoint=ctx.checkpoint, attempt=ctx.attempt)
        await ctx.report(5, 10, message="demo.halfway")
        halfway.set()
        await release.wait()
        return {"counted": 10}

    job_id = await enqueue(db, "demo.count", {"entity": "contact"})
    worker = make_worker(db, handlers, "worker-a")
    running = asyncio.create_task(worker.run_once())

    async with asyncio.timeout(10):
        await halfway.wait()
    live = await job_row(db, job_id)  # another connection: only committed state is visible
    assert (live.status, live.progress_done, live.progress_total) == ("running", 5, 10)
    assert (live.progress_message, live.locked_by, live.attempts) == ("demo.halfway", "worker-a", 1)
    assert live.started_at is not None and live.heartbeat_at is not None
    assert live.locked_until > live.heartbeat_at
    assert live.finished_at is None

    release.set()
    assert await running == job_id
    done = await job_row(db, job_id)
    assert (done.status, done.result, done.attempts) == ("succeeded", {"counted": 10}, 1)
    assert done.finished_at >= done.started_at
    assert (done.locked_by, done.locked_until, done.error_code) == (None, None, None)
    assert seen == {"params": {"entity": "contact"}, "checkpoint": None, "attempt": 1}


async def test_an_idle_worker_runs_nothing(db: Db) -> None:
    handlers = Registry()
    handlers.register("demo.noop")(_noop)
    worker = make_worker(db, handlers, "worker-a")
    assert await worker.run_once() is None


async def _noop(ctx: JobContext) -> None:
    return None


async def test_a_handler_returning_nothing_succeeds_with_an_empty_result(db: Db) -> None:
    handlers = Registry()
    handlers.register("demo.noop")(_noop)
    job_id = await enqueue(db, "demo.noop")
    assert await make_worker(db, handlers, "w").run_once() == job_id
    row = await job_row(db, job_id)
    assert (row.status, row.result) == ("succeeded", {})


async def test_jobs_not_yet_due_or_of_unknown_kinds_stay_queued(db: Db) -> None:
    handlers = Registry()
    handlers.register("demo.noop")(_noop)
    later = await enqueue(db, "demo.noop", run_after=datetime.now(UTC) + timedelta(hours=1))
    foreign = await enqueue(db, "other.kind")
    worker = make_worker(db, handlers, "w")
    assert await worker.run_once() is None
    for job_id in (later, foreign):
        row = await job_row(db, job_id)
        assert (row.status, row.attempts) == ("queued", 0)


async def test_jobs_run_in_due_order(db: Db) -> None:
    handlers = Registry()
    order: list[int] = []

    @handlers.register("demo.order")
    async def record(ctx: JobContext) -> None:
        order.append(ctx.params["n"])

    now = datetime.now(UTC)
    for n, minutes_ago in ((1, 1), (2, 3), (3, 2)):
        await enqueue(db, "demo.order", {"n": n}, run_after=now - timedelta(minutes=minutes_ago))
    worker = make_worker(db, handlers, "w")
    while await worker.run_once():
        pass
    assert order == [2, 3, 1]


async def test_failures_retry_with_back_off_then_fail_without_the_exception_text(db: Db) -> None:
    handlers = Registry()

    @handlers.register("demo.flaky")
    async def flaky(ctx: JobContext) -> None:
        raise ValueError("cannot parse jeanne.dupont@example.fr")

    job_id = await enqueue(db, "demo.flaky", max_attempts=3)
    retry = RetryPolicy(base=timedelta(seconds=60), cap=timedelta(hours=1))
    worker = make_worker(db, handlers, "w", retry=retry)

    for attempt, (low, high) in enumerate([(30, 60), (60, 120)], start=1):
        assert await worker.run_once() == job_id
        row = await job_row(db, job_id)
        assert (row.status, row.attempts) == ("queued", attempt)
        assert (row.error_code, row.error_message) == ("job.exception", "ValueError")
        assert (row.locked_by, row.finished_at) == (None, None)
        wait = (row.run_after - await db.scalar("SELECT now()")).total_seconds()
        assert low - 2 <= wait <= high
        assert await worker.run_once() is None  # backing off: not due yet
        await db.execute("UPDATE jobs SET run_after = now() WHERE id = :id", id=job_id)

    assert await worker.run_once() == job_id
    row = await job_row(db, job_id)
    assert (row.status, row.attempts, row.error_code) == ("failed", 3, "job.exception")
    assert row.finished_at is not None
    assert await db.scalar("SELECT count(*) FROM jobs WHERE jobs::text ILIKE '%dupont%'") == 0


async def test_a_retry_that_succeeds_clears_the_error(db: Db) -> None:
    handlers = Registry()

    @handlers.register("demo.second_time")
    async def second_time(ctx: JobContext) -> dict[str, int]:
        if ctx.attempt == 1:
            raise ConnectionError()
        return {"attempt": ctx.attempt}

    job_id = await enqueue(db, "demo.second_time")
    retry = RetryPolicy(base=timedelta(milliseconds=10), cap=timedelta(milliseconds=10))
    worker = make_worker(db, handlers, "w", retry=retry)
    assert await worker.run_once() == job_id
    await asyncio.sleep(0.05)
    assert await worker.run_once() == job_id
    row = await job_row(db, job_id)
    assert (row.status, row.attempts, row.result, row.error_code) == (
        "succeeded",
        2,
        {"attempt": 2},
        None,
    )


@pytest.mark.parametrize(
    ("outcome", "code", "message"),
    [
        pytest.param(
            JobFailed("demo.bad_params", "entity must be contact or company", retry=False),
            "demo.bad_params",
            "entity must be contact or company",
            id="job-failed-no-retry",
        ),
        pytest.param(["not", "a", "dict"], "job.invalid_result", None, id="list-result"),
        pytest.param({"email": "jeanne@example.fr"}, "job.invalid_result", None, id="personal"),
        pytest.param({"when": datetime.now(UTC)}, "job.invalid_result", None, id="not-json"),
    ],
)
async def test_permanent_failures_fail_at_once(
    db: Db, outcome: Any, code: str, message: str | None
) -> None:
    handlers = Registry()

    @handlers.register("demo.permanent")
    async def permanent(ctx: JobContext) -> Any:
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    job_id = await enqueue(db, "demo.permanent", max_attempts=5)
    assert await make_worker(db, handlers, "w").run_once() == job_id
    row = await job_row(db, job_id)
    assert (row.status, row.attempts, row.error_code, row.error_message) == (
        "failed",
        1,
        code,
        message,
    )
    assert row.result is None


async def test_a_running_job_stops_at_its_next_unit_when_cancelled(db: Db) -> None:
    handlers = Registry()
    started = asyncio.Event()

    @handlers.register("demo.long")
    async def long(ctx: JobContext) -> dict[str, int]:
        for done in range(1, 1001):
            await ctx.report(done, 1000)
            started.set()
            ctx.stop_point()
            await asyncio.sleep(0.01)
        return {"done": 1000}

    job_id = await enqueue(db, "demo.long")
    running = asyncio.create_task(make_worker(db, handlers, "w").run_once())
    async with asyncio.timeout(10):
        await started.wait()
    async with db.sessions().begin() as session:
        asked = await service.request_cancel(session, SYSTEM, job_id)
        assert (asked.status, asked.cancel_requested) == ("running", True)
    assert await running == job_id

    row = await job_row(db, job_id)
    assert (row.status, row.cancel_requested, row.result) == ("cancelled", True, None)
    assert 0 < row.progress_done < 1000
    assert row.finished_at is not None and row.locked_by is None


async def test_cancel_is_also_seen_by_a_handler_that_only_heartbeats(db: Db) -> None:
    handlers = Registry()
    started = asyncio.Event()

    @handlers.register("demo.quiet")
    async def quiet(ctx: JobContext) -> None:
        started.set()
        while True:
            ctx.stop_point()  # no report: only the heartbeat brings the news
            await asyncio.sleep(0.02)

    job_id = await enqueue(db, "demo.quiet")
    worker = make_worker(db, handlers, "w", lease=timedelta(seconds=0.6))
    running = asyncio.create_task(worker.run_once())
    async with asyncio.timeout(10):
        await started.wait()
    async with db.sessions().begin() as session:
        await service.request_cancel(session, SYSTEM, job_id)
    async with asyncio.timeout(10):
        assert await running == job_id
    assert (await job_row(db, job_id)).status == "cancelled"


async def test_a_slow_handler_keeps_its_lease_through_heartbeats(db: Db) -> None:
    handlers = Registry()

    @handlers.register("demo.slow")
    async def slow(ctx: JobContext) -> dict[str, bool]:
        await asyncio.sleep(1.5)  # three times the lease, without reporting
        return {"ok": True}

    job_id = await enqueue(db, "demo.slow")
    worker = make_worker(db, handlers, "a", lease=timedelta(seconds=0.5))
    other = make_worker(db, handlers, "b", lease=timedelta(seconds=0.5))
    running = asyncio.create_task(worker.run_once())
    for _ in range(10):  # meanwhile another worker never sees an expired lease
        await asyncio.sleep(0.1)
        assert await other.run_once() is None
    assert await running == job_id
    row = await job_row(db, job_id)
    assert (row.status, row.attempts) == ("succeeded", 1)
