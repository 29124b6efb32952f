"""Periodic jobs: once per period however many workers run, and never piling up."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.jobs import schedules
from app.jobs.context import JobContext
from app.jobs.registry import Registry
from tests.jobs.conftest import Db, make_worker

pytestmark = pytest.mark.committed

HOUR = timedelta(hours=1)


async def tick(ctx: JobContext) -> dict[str, str]:
    return {"scope": ctx.params["scope"]}


async def count(db: Db, kind: str) -> int:
    return await db.scalar("SELECT count(*) FROM jobs WHERE kind = :kind", kind=kind)


async def one_period_passes(db: Db, name: str) -> None:
    await db.execute(
        "UPDATE job_schedules SET next_run_at = next_run_at - every WHERE name = :name", name=name
    )


async def test_two_workers_enqueue_a_due_schedule_once_per_period(db: Db) -> None:
    handlers = Registry()
    handlers.register("demo.tick")(tick)
    handlers.schedule("demo.tick", HOUR, {"scope": "contacts"})
    workers = [make_worker(db, handlers, name) for name in ("a", "b")]

    async def keep_polling(worker: object) -> None:
        for _ in range(8):
            await worker.run_once()  # type: ignore[attr-defined]

    await asyncio.gather(*(keep_polling(w) for w in workers))
    assert await count(db, "demo.tick") == 1
    first = await db.row("SELECT * FROM job_schedules WHERE name = 'demo.tick'")
    job = await db.row("SELECT * FROM jobs WHERE id = :id", id=first.last_job_id)
    assert (job.status, job.result, job.created_by_type) == (
        "succeeded",
        {"scope": "contacts"},
        "system",
    )
    assert first.every == HOUR
    assert first.next_run_at - first.last_enqueued_at <= HOUR

    await one_period_passes(db, "demo.tick")
    await asyncio.gather(*(keep_polling(w) for w in workers))
    assert await count(db, "demo.tick") == 2
    second = await db.row("SELECT * FROM job_schedules WHERE name = 'demo.tick'")
    # The rhythm is kept: due again exactly one period after the period just run.
    assert second.next_run_at == first.next_run_at
    assert second.last_job_id != first.last_job_id
    audit = await db.scalar(
        "SELECT count(*) FROM audit_events WHERE action = 'job.enqueued' AND actor_type = 'system'"
    )
    assert audit == 2


async def test_a_period_is_skipped_while_the_previous_run_is_still_active(db: Db) -> None:
    handlers = Registry()
    # Scheduled, but this worker has no handler for it: the first job stays queued.
    handlers.schedule("demo.snapshot", HOUR, {"scope": "all"})
    handlers.schedule("demo.pile", HOUR, {"scope": "all"}, skip_if_active=False)
    worker = make_worker(db, handlers, "a")
    assert await worker.run_once() is None
    before = await db.row("SELECT next_run_at FROM job_schedules WHERE name = 'demo.snapshot'")

    await one_period_passes(db, "demo.snapshot")
    await one_period_passes(db, "demo.pile")
    assert await worker.run_once() is None
    assert await count(db, "demo.snapshot") == 1  # skipped: the first one is still queued
    assert await count(db, "demo.pile") == 2  # asked not to skip
    after = await db.row("SELECT next_run_at FROM job_schedules WHERE name = 'demo.snapshot'")
    assert after.next_run_at == before.next_run_at  # the skipped period still moved on


async def test_declaring_schedules_again_is_idempotent_and_a_shorter_period_applies_now(
    db: Db,
) -> None:
    daily = Registry()
    daily.schedule("demo.tick", timedelta(days=1), {"scope": "all"})
    sessions = db.sessions()
    await schedules.sync(sessions, daily.schedules)
    assert await schedules.enqueue_due(sessions, daily.schedules) != []
    tomorrow = await db.scalar("SELECT next_run_at FROM job_schedules")
    assert tomorrow > await db.scalar("SELECT now() + interval '23 hours'")

    await schedules.sync(sessions, daily.schedules)  # a restart: nothing moves
    assert await db.scalar("SELECT next_run_at FROM job_schedules") == tomorrow

    hourly = Registry()
    hourly.schedule("demo.tick", HOUR, {"scope": "all"})
    await schedules.sync(sessions, hourly.schedules)  # a deploy shortened the period
    row = await db.row(
        "SELECT every, next_run_at, now() + interval '1 hour' AS bound FROM job_schedules"
    )
    assert row.every == HOUR
    assert row.next_run_at <= row.bound


async def test_schedules_of_other_deployments_are_left_alone(db: Db) -> None:
    old = Registry()
    old.schedule("demo.retired", HOUR, {"scope": "all"})
    await schedules.sync(db.sessions(), old.schedules)
    await one_period_passes(db, "demo.retired")

    current = Registry()
    current.schedule("demo.tick", HOUR, {"scope": "all"})
    assert len(await schedules.enqueue_due(db.sessions(), current.schedules)) == 0  # not synced
    await schedules.sync(db.sessions(), current.schedules)
    assert len(await schedules.enqueue_due(db.sessions(), current.schedules)) == 1
    assert await count(db, "demo.retired") == 0
