"""record() appends a linked event in the caller's transaction; verify_chain walks it all."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.audit import chain, service
from app.audit.facts import InvalidAuditEvent
from app.audit.models import AuditEvent
from app.auth.principal import SYSTEM, Principal
from app.auth.scopes import Scope
from app.core.request_context import client_ip_var, request_id_var

ALICE = Principal(type="user", id=uuid.UUID(int=0xA11CE), scopes=frozenset({Scope.MERGE}))
ROBOT = Principal(type="service_account", id=uuid.UUID(int=0xB07), scopes=frozenset())


@contextmanager
def in_request(request_id: str | None, client_ip: str | None) -> Iterator[None]:
    id_token, ip_token = request_id_var.set(request_id), client_ip_var.set(client_ip)
    try:
        yield
    finally:
        request_id_var.reset(id_token)
        client_ip_var.reset(ip_token)


async def count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(AuditEvent)) or 0


async def all_rows(session: AsyncSession) -> list[chain.ChainRow]:
    result = await session.execute(select(*AuditEvent.__table__.columns).order_by("seq"))
    return [service.to_chain_row(r._mapping) for r in result]


class TestRecord:
    async def test_first_event_links_to_genesis(self, session: AsyncSession) -> None:
        assert await count(session) == 0
        event = await service.record(session, SYSTEM, "system.started")
        assert event.prev_hash == chain.GENESIS_HASH
        assert event.seq is not None

    async def test_writes_every_fact_and_a_verifiable_hash(self, session: AsyncSession) -> None:
        contact_id = uuid.uuid4()
        with in_request("req-42", "203.0.113.7"):
            event = await service.record(
                session,
                ALICE,
                "contact.updated",
                entity_type="contact",
                entity_id=contact_id,
                fields=["phone", "email"],
                details={"changed": 2, "source": "form", "forced": False},
            )
        session.expunge_all()
        (row,) = await all_rows(session)
        assert row.seq == event.seq
        facts = row.facts
        assert (facts.actor_type, facts.actor_id) == ("user", str(ALICE.id))
        assert (facts.action, facts.entity_type, facts.entity_id) == (
            "contact.updated",
            "contact",
            str(contact_id),
        )
        assert facts.fields == ("email", "phone")
        assert facts.details == {"changed": 2, "source": "form", "forced": False}
        assert (facts.request_id, facts.client_ip) == ("req-42", "203.0.113.7")
        assert facts.occurred_at.utcoffset() is not None
        # Recomputed from what PostgreSQL handed back, not from what Python kept.
        assert row.hash == chain.link(row.prev_hash, facts)

    async def test_each_event_links_to_the_previous_one(self, session: AsyncSession) -> None:
        events = [
            await service.record(session, actor, action)
            for actor, action in [
                (ALICE, "auth.login.succeeded"),
                (ROBOT, "contact.created"),
                (SYSTEM, "retention.swept"),
            ]
        ]
        assert [e.seq for e in events] == sorted(e.seq for e in events)
        assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
        assert [e.actor_type for e in events] == ["user", "service_account", "system"]
        assert events[2].actor_id is None
        assert events[0].occurred_at <= events[1].occurred_at <= events[2].occurred_at

    async def test_outside_a_request_has_no_request_facts(self, session: AsyncSession) -> None:
        event = await service.record(session, SYSTEM, "retention.swept")
        assert (event.request_id, event.client_ip) == (None, None)

    async def test_is_undone_with_the_callers_transaction(self, session: AsyncSession) -> None:
        kept = await service.record(session, ALICE, "contact.created")
        savepoint = await session.begin_nested()
        await service.record(session, ALICE, "contact.updated")
        await savepoint.rollback()

        assert await count(session) == 1
        after = await service.record(session, ALICE, "contact.deleted")
        assert after.prev_hash == kept.hash  # the chain continues from what survived
        assert (await service.verify_chain(session)).ok

    async def test_invalid_event_is_refused_and_writes_nothing(self, session: AsyncSession) -> None:
        with pytest.raises(InvalidAuditEvent):
            await service.record(session, ALICE, "contact.updated", fields=["jean@example.fr"])
        with pytest.raises(InvalidAuditEvent):
            await service.record(session, ALICE, "contact.updated", details={"email": ["x"]})
        assert await count(session) == 0

    async def test_a_second_claim_on_the_same_predecessor_is_refused(
        self, session: AsyncSession
    ) -> None:
        # Belt and braces behind the advisory lock: a fork cannot even be stored.
        first = await service.record(session, ALICE, "contact.created")
        insert = text(
            "INSERT INTO audit_events (id, occurred_at, actor_type, action, prev_hash, hash)"
            " VALUES (gen_random_uuid(), now(), 'system', 'x.forked', :prev, :hash)"
        )
        savepoint = await session.begin_nested()
        with pytest.raises(IntegrityError, match="uq_audit_events_prev_hash"):
            await session.execute(insert, {"prev": first.prev_hash, "hash": "a" * 64})
        await savepoint.rollback()
        assert await count(session) == 1


class TestVerifyChain:
    async def test_empty_chain_is_ok(self, session: AsyncSession) -> None:
        report = await service.verify_chain(session)
        assert (report.ok, report.checked, report.first_broken) == (True, 0, None)

    async def test_streams_across_batches(self, session: AsyncSession) -> None:
        for i in range(11):
            await service.record(session, ALICE, "contact.updated", details={"i": i})
        for batch_size in (1, 4, 11, 1000):
            report = await service.verify_chain(session, batch_size=batch_size)
            assert (report.ok, report.checked) == (True, 11), batch_size


# Run through the test's superuser connection with triggers switched off, as an attacker
# with full database access would.
TAMPERING = [
    pytest.param(
        "UPDATE audit_events SET action = 'contact.erased' WHERE seq = :s1",
        1,
        "hash_mismatch",
        id="action-rewritten",
    ),
    pytest.param(
        "UPDATE audit_events SET details = details || '{\"changed\": 0}' WHERE seq = :s1",
        1,
        "hash_mismatch",
        id="details-rewritten",
    ),
    pytest.param(
        "UPDATE audit_events SET fields = '{email}' WHERE seq = :s1",
        1,
        "hash_mismatch",
        id="field-removed",
    ),
    pytest.param(
        "UPDATE audit_events SET occurred_at = occurred_at - interval '1 microsecond'"
        " WHERE seq = :s1",
        1,
        "hash_mismatch",
        id="backdated-1µs",
    ),
    pytest.param(
        "UPDATE audit_events SET actor_id = NULL, actor_type = 'system' WHERE seq = :s1",
        1,
        "hash_mismatch",
        id="actor-hidden",
    ),
    pytest.param(
        "UPDATE audit_events SET hash = repeat('f', 64) WHERE seq = :s2",
        2,
        "hash_mismatch",
        id="stored-hash",
    ),
    pytest.param(
        "DELETE FROM audit_events WHERE seq = :s1", 2, "prev_hash_mismatch", id="row-deleted"
    ),
    pytest.param(
        "DELETE FROM audit_events WHERE seq = :s0", 1, "prev_hash_mismatch", id="genesis-deleted"
    ),
]


@pytest.mark.parametrize(("statement", "broken_index", "reason"), TAMPERING)
async def test_verify_finds_tampering(
    session: AsyncSession, statement: str, broken_index: int, reason: str
) -> None:
    events = [
        await service.record(
            session, ALICE, "contact.updated", fields=["email", "phone"], details={"changed": 2}
        )
        for _ in range(4)
    ]
    seqs = {f"s{i}": e.seq for i, e in enumerate(events)}
    await session.execute(text("SET LOCAL session_replication_role = replica"))
    await session.execute(text(statement), {k: v for k, v in seqs.items() if f":{k}" in statement})
    await session.execute(text("SET LOCAL session_replication_role = origin"))

    report = await service.verify_chain(session, batch_size=2)
    target = events[broken_index]
    assert report.ok is False
    assert report.first_broken is not None
    assert (report.first_broken.seq, report.first_broken.id) == (target.seq, target.id)
    assert report.first_broken.reason == reason


@pytest.mark.committed
async def test_the_event_is_committed_only_by_the_caller(committed_url: str) -> None:
    engine = create_async_engine(committed_url)
    try:
        async with AsyncSession(engine) as writer, AsyncSession(engine) as reader:
            await writer.begin()
            await service.record(writer, ALICE, "contact.created")
            assert await count(reader) == 0  # flushed, not committed
            await reader.rollback()
            await writer.rollback()
            assert await count(reader) == 0
            await reader.rollback()

            async with writer.begin():
                await service.record(writer, ALICE, "contact.created")
            assert await count(reader) == 1
    finally:
        await engine.dispose()
