"""The database itself refuses to change or remove audit events, even for the table owner."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service
from app.auth.principal import SYSTEM

FORBIDDEN = [
    pytest.param("UPDATE audit_events SET action = 'x.y'", "UPDATE", id="update-all"),
    pytest.param("UPDATE audit_events SET action = 'x.y' WHERE false", "UPDATE", id="update-none"),
    pytest.param("DELETE FROM audit_events WHERE seq = :seq", "DELETE", id="delete-one"),
    pytest.param("DELETE FROM audit_events", "DELETE", id="delete-all"),
    pytest.param("TRUNCATE audit_events", "TRUNCATE", id="truncate"),
    pytest.param(
        "TRUNCATE audit_events RESTART IDENTITY CASCADE", "TRUNCATE", id="truncate-cascade"
    ),
    pytest.param(
        "INSERT INTO audit_events (id, occurred_at, actor_type, action, prev_hash, hash)"
        " SELECT gen_random_uuid(), now(), 'system', 'x.y', repeat('1', 64), repeat('2', 64)"
        " ON CONFLICT (prev_hash) DO NOTHING",
        None,
        id="insert-is-allowed",
    ),
]


@pytest.mark.parametrize(("statement", "operation"), FORBIDDEN)
async def test_changes_are_refused(
    session: AsyncSession, statement: str, operation: str | None
) -> None:
    event = await service.record(session, SYSTEM, "system.started")
    params = {"seq": event.seq} if ":seq" in statement else {}
    savepoint = await session.begin_nested()
    if operation is None:
        await session.execute(text(statement), params)
        await savepoint.commit()
        return
    with pytest.raises(DBAPIError, match=f"append-only: {operation} is not allowed") as caught:
        await session.execute(text(statement), params)
    await savepoint.rollback()
    assert getattr(caught.value.orig, "sqlstate", None) == "42501"  # insufficient_privilege
    assert (await service.verify_chain(session)).checked == 1


async def test_the_test_connection_is_a_superuser(session: AsyncSession) -> None:
    # The refusals above therefore bind even the most privileged role.
    assert await session.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))


async def test_public_holds_no_update_delete_or_truncate(session: AsyncSession) -> None:
    acl = text(
        "SELECT relacl IS NOT NULL,"
        " (SELECT count(*) FROM aclexplode(relacl) a WHERE a.grantee = 0"
        "  AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE'))"
        " FROM pg_class WHERE oid = 'audit_events'::regclass"
    )
    revoked_explicitly, public_grants = (await session.execute(acl)).one()
    assert revoked_explicitly  # the REVOKE ran, so the ACL is no longer the implicit default
    assert public_grants == 0


async def test_a_role_granted_everything_still_cannot_change_events(
    session: AsyncSession,
) -> None:
    event = await service.record(session, SYSTEM, "system.started")
    await session.execute(text("CREATE ROLE audit_probe_writer NOLOGIN"))
    await session.execute(text("GRANT ALL ON audit_events TO audit_probe_writer"))
    await session.execute(text("SET LOCAL ROLE audit_probe_writer"))
    savepoint = await session.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        await session.execute(text("DELETE FROM audit_events WHERE seq = :s"), {"s": event.seq})
    await savepoint.rollback()
    await session.execute(text("RESET ROLE"))


async def test_nobody_chooses_their_own_seq(session: AsyncSession) -> None:
    savepoint = await session.begin_nested()
    with pytest.raises(DBAPIError, match="seq"):
        await session.execute(
            text(
                "INSERT INTO audit_events (seq, id, occurred_at, actor_type, action, prev_hash,"
                " hash) VALUES (1, gen_random_uuid(), now(), 'system', 'x.y', repeat('0', 64),"
                " repeat('3', 64))"
            )
        )
    await savepoint.rollback()
