"""Events recorded inside `appended_at_end` join the chain together when the block ends."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from app.audit import service
from app.audit.models import AuditEvent
from app.auth.principal import SYSTEM


class Refused(Exception):
    pass


async def refused_in_savepoint(session: AsyncSession, *actions: str) -> None:
    """Records each action in a savepoint nested in the previous one, then fails."""
    if not actions:
        raise Refused
    async with session.begin_nested():
        await service.record(session, SYSTEM, actions[0])
        await refused_in_savepoint(session, *actions[1:])


async def refused_block(session: AsyncSession) -> None:
    async with service.appended_at_end(session):
        await service.record(session, SYSTEM, "contact.created")
        raise Refused


async def actions(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


async def test_events_wait_for_the_end_then_join_in_order(session: AsyncSession) -> None:
    async with service.appended_at_end(session):
        assert await service.record(session, SYSTEM, "contact.created") is None
        await service.record(session, SYSTEM, "contact.updated")
        assert await actions(session) == []  # nothing appended, the chain's lock not taken
    assert await actions(session) == ["contact.created", "contact.updated"]
    assert (await service.verify_chain(session)).ok


async def test_many_events_join_in_order_across_insert_pages(session: AsyncSession) -> None:
    # more than one page of the ORM's multi-row INSERT (1,000 rows a statement)
    recorded = [uuid.UUID(int=i) for i in range(2_345)]
    async with service.appended_at_end(session):
        for entity_id in recorded:
            await service.record(session, SYSTEM, "contact.created", entity_id=entity_id)
    stored = await session.scalars(select(AuditEvent.entity_id).order_by(AuditEvent.seq))
    assert [uuid.UUID(str(e)) for e in stored] == recorded
    assert (await service.verify_chain(session)).ok


@pytest.mark.parametrize("depth", [1, 2], ids=["savepoint", "savepoint-in-savepoint"])
async def test_a_rolled_back_savepoint_takes_its_events_along(
    session: AsyncSession, depth: int
) -> None:
    async with service.appended_at_end(session):
        await service.record(session, SYSTEM, "kept.before")
        with pytest.raises(Refused):
            await refused_in_savepoint(session, *["dropped.outer", "dropped.inner"][:depth])
        async with session.begin_nested():  # a savepoint that commits keeps its events
            await service.record(session, SYSTEM, "kept.after")
    assert await actions(session) == ["kept.before", "kept.after"]
    assert (await service.verify_chain(session)).ok


async def test_an_inner_rollback_keeps_the_outer_savepoints_events(session: AsyncSession) -> None:
    async with service.appended_at_end(session), session.begin_nested():
        await service.record(session, SYSTEM, "kept.row")
        with pytest.raises(Refused):  # a best-effort step that failed
            await refused_in_savepoint(session, "dropped.step")
    assert await actions(session) == ["kept.row"]


async def test_a_block_that_raises_appends_nothing(session: AsyncSession) -> None:
    with pytest.raises(Refused):
        await refused_block(session)
    assert await actions(session) == []
    await service.record(session, SYSTEM, "system.started")  # recorded at once again
    assert await actions(session) == ["system.started"]


async def test_blocks_nest_and_the_outer_one_appends(session: AsyncSession) -> None:
    async with service.appended_at_end(session):
        async with service.appended_at_end(session):
            await service.record(session, SYSTEM, "contact.created")
        assert await actions(session) == []
    assert await actions(session) == ["contact.created"]


@pytest.mark.committed
async def test_other_writers_are_not_held_while_events_wait(committed_url: str) -> None:
    engine = create_async_engine(committed_url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions.begin() as long_write, service.appended_at_end(long_write):
            await service.record(long_write, SYSTEM, "contact.created")
            # A web form's create while the long write goes on: were the chain's lock taken
            # at the long write's first event, this would wait for its commit, here forever.
            async with sessions.begin() as quick:
                await asyncio.wait_for(service.record(quick, SYSTEM, "contact.created_by_form"), 5)
        async with sessions() as check:
            assert await actions(check) == ["contact.created_by_form", "contact.created"]
            assert (await service.verify_chain(check)).ok
    finally:
        await engine.dispose()
