"""Enqueue is part of the caller's transaction: the job, its audit event and its wake-up."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.audit.models import AuditEvent
from app.auth.principal import SYSTEM, Principal
from app.jobs.models import Job
from app.jobs.policy import InvalidJobPayload
from app.jobs.repository import CHANNEL
from tests.jobs.conftest import ACTOR, Db

USER = Principal(type="user", id=uuid.uuid4(), scopes=frozenset())


async def count_jobs(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Job))


async def test_enqueue_inserts_a_queued_job_and_an_audit_event(session: AsyncSession) -> None:
    params = {"entity": "contact", "société": "Élysée"}
    job = await jobs.enqueue(session, "dedup.scan", params, actor=USER, max_attempts=3)
    params["entity"] = "changed after enqueue"

    stored = await session.get(Job, job.id, populate_existing=True)
    assert stored is not None
    assert (stored.kind, stored.status, stored.attempts, stored.max_attempts) == (
        "dedup.scan",
        "queued",
        0,
        3,
    )
    assert stored.params == {"entity": "contact", "société": "Élysée"}
    assert (stored.created_by_type, stored.created_by_id) == ("user", USER.id)
    assert stored.run_after <= await session.scalar(select(func.now()))
    assert (stored.cancel_requested, stored.checkpoint, stored.result) == (False, None, None)
    assert (stored.progress_done, stored.progress_total) == (0, None)

    event = await session.scalar(select(AuditEvent).where(AuditEvent.entity_id == str(job.id)))
    assert event is not None
    assert (event.action, event.entity_type, event.actor_type, event.actor_id) == (
        "job.enqueued",
        "job",
        "user",
        str(USER.id),
    )
    assert event.details == {"kind": "dedup.scan"}


async def test_a_rolled_back_request_leaves_no_job(session: AsyncSession) -> None:
    before = await count_jobs(session)

    async def failing_request() -> None:
        async with session.begin_nested():
            await jobs.enqueue(session, "dedup.scan", {}, actor=USER)
            raise RuntimeError("the request failed after enqueueing")

    with pytest.raises(RuntimeError):
        await failing_request()
    assert await count_jobs(session) == before


async def test_run_after_delays_the_job(session: AsyncSession) -> None:
    later = datetime.now(UTC) + timedelta(days=2)
    job = await jobs.enqueue(session, "snapshots.take", {}, actor=SYSTEM, run_after=later)
    stored = await session.get(Job, job.id, populate_existing=True)
    assert stored is not None and stored.run_after == later
    assert (stored.created_by_type, stored.created_by_id) == ("system", None)


@pytest.mark.parametrize(
    ("kind", "params", "options", "match"),
    [
        pytest.param("Dedup Scan", {}, {}, "kind", id="bad-kind"),
        pytest.param("dedup.scan", {"email": "a@b.fr"}, {}, "personal", id="personal-params"),
        pytest.param("dedup.scan", ["not", "a", "dict"], {}, "JSON object", id="list-params"),
        pytest.param("dedup.scan", {"x": "y" * 9000}, {}, "larger", id="huge-params"),
        pytest.param("dedup.scan", {}, {"max_attempts": 0}, "max_attempts", id="zero-attempts"),
        pytest.param("dedup.scan", {}, {"max_attempts": 101}, "max_attempts", id="101-attempts"),
        pytest.param("dedup.scan", {}, {"max_attempts": True}, "max_attempts", id="bool-attempts"),
        pytest.param(
            "dedup.scan",
            {},
            {"run_after": datetime(2030, 1, 1)},  # naive: the point of the test
            "timezone",
            id="naive-run-after",
        ),
    ],
)
async def test_enqueue_refuses_bad_input_and_writes_nothing(
    session: AsyncSession, kind: str, params: Any, options: dict[str, Any], match: str
) -> None:
    before = await count_jobs(session)
    with pytest.raises(InvalidJobPayload, match=match):
        await jobs.enqueue(session, kind, params, actor=USER, **options)
    assert await count_jobs(session) == before


@pytest.mark.committed
async def test_job_and_wakeup_exist_only_once_the_transaction_commits(db: Db) -> None:
    heard: asyncio.Queue[str] = asyncio.Queue()
    async with db.engine().connect() as listener:
        raw = (await listener.get_raw_connection()).driver_connection
        await raw.add_listener(CHANNEL, lambda *args: heard.put_nowait(args[-1]))  # type: ignore[union-attr]
        sessions = db.sessions()

        async with sessions() as session, session.begin():
            rolled_back = await jobs.enqueue(session, "dedup.scan", {}, actor=ACTOR)
            rolled_back_id = rolled_back.id
            await session.rollback()
        await asyncio.sleep(0.2)
        assert heard.empty()
        assert await db.scalar("SELECT count(*) FROM jobs") == 0
        assert (
            await db.scalar(
                "SELECT count(*) FROM audit_events WHERE entity_id = :id", id=str(rolled_back_id)
            )
            == 0
        )

        async with sessions.begin() as session:
            job = await jobs.enqueue(session, "dedup.scan", {"entity": "company"}, actor=ACTOR)
            job_id = job.id
            # Not visible, not announced, until the commit.
            assert await db.scalar("SELECT count(*) FROM jobs") == 0
        async with asyncio.timeout(5):
            assert await heard.get() == "dedup.scan"
        row = await db.row("SELECT id, status FROM jobs")
        assert (row.id, row.status) == (job_id, "queued")
