"""Writers racing on separate connections still leave one unforked chain."""

from __future__ import annotations

import asyncio
import itertools
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from app.audit import chain, service
from app.audit.models import AuditEvent
from app.audit.repository import AuditRepository
from app.auth.principal import Principal

EVENTS_PER_WRITER = 20


async def write(engine: AsyncEngine, actor: Principal, *, hold: bool) -> None:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    for i in range(EVENTS_PER_WRITER):
        async with sessions.begin() as session:
            # Some work before the event, as a real use case has, so transactions overlap.
            await session.execute(text("SELECT pg_sleep(0.001)"))
            await service.record(session, actor, "contact.updated", details={"i": i})
            if hold:
                await asyncio.sleep(0.002)  # keep the lock across an await: others queue


@pytest.mark.committed
async def test_concurrent_writers_never_fork_the_chain(committed_url: str) -> None:
    engines = [create_async_engine(committed_url, pool_size=1) for _ in range(2)]
    actors = [
        Principal(type="service_account", id=uuid.uuid4(), scopes=frozenset()) for _ in engines
    ]
    try:
        await asyncio.gather(
            *(
                write(e, a, hold=n == 0)
                for n, (e, a) in enumerate(zip(engines, actors, strict=True))
            )
        )
        async with async_sessionmaker(engines[0])() as session:
            report = await service.verify_chain(session, batch_size=7)
            rows = (
                await session.execute(
                    select(AuditEvent.actor_id, AuditEvent.prev_hash, AuditEvent.hash).order_by(
                        AuditEvent.seq
                    )
                )
            ).all()
    finally:
        for engine in engines:
            await engine.dispose()

    assert (report.ok, report.checked) == (True, 2 * EVENTS_PER_WRITER)
    assert rows[0].prev_hash == chain.GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert len({r.prev_hash for r in rows}) == len(rows)  # no two events share a predecessor
    writers = [r.actor_id for r in rows]
    assert sorted(set(writers)) == sorted(str(a.id) for a in actors)
    # The writers really raced: the chain alternates between them (typically 30+ times).
    switches = sum(x != y for x, y in itertools.pairwise(writers))
    assert switches >= 2


@pytest.mark.committed
async def test_without_the_lock_the_race_would_fork_and_the_database_refuses(
    committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Negative control: proves the race above is real and the unique prev_hash backs the lock.
    async def no_lock(self: AuditRepository) -> None:
        return None

    monkeypatch.setattr(AuditRepository, "lock_chain", no_lock)
    engines = [create_async_engine(committed_url, pool_size=1) for _ in range(2)]
    actor = Principal(type="system", id=None, scopes=frozenset())
    try:
        results = await asyncio.gather(
            *(write(e, actor, hold=True) for e in engines), return_exceptions=True
        )
        async with async_sessionmaker(engines[0])() as session:
            report = await service.verify_chain(session)
    finally:
        for engine in engines:
            await engine.dispose()

    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures, "two unlocked writers never collided"
    assert all(
        isinstance(f, IntegrityError) and "uq_audit_events_prev_hash" in str(f) for f in failures
    )
    assert report.ok  # what was stored is still one chain
