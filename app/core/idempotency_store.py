"""SQL for idempotency keys: claim, finish, release, purge (no HTTP here)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.core.idempotency_models import COMPLETED, IN_PROGRESS, IdempotencyKey

log = structlog.get_logger("crm_dq.idempotency")
PURGE_BATCH = 100


@dataclass(frozen=True, slots=True)
class KeyScope:
    """Who used the key and for which operation: two callers never share a key."""

    principal_type: str
    principal_id: str
    method: str
    route: str
    key: str

    def matches(self) -> Any:
        t = IdempotencyKey
        return and_(
            t.principal_type == self.principal_type,
            t.principal_id == self.principal_id,
            t.method == self.method,
            t.route == self.route,
            t.key == self.key,
        )


@dataclass(frozen=True, slots=True)
class Claim:
    """This request holds the key; `token` proves it is still the holder."""

    row_id: uuid.UUID
    token: uuid.UUID


@dataclass(frozen=True, slots=True)
class Holder:
    """What holds the key instead: a request still running, or a stored answer."""

    fingerprint: str
    status: str
    response_status: int | None
    response_body: str | None
    response_headers: Mapping[str, str] | None

    @property
    def completed(self) -> bool:
        return (
            self.status == COMPLETED
            and self.response_status is not None
            and self.response_body is not None
        )


async def purge_expired(session: AsyncSession, now: datetime, limit: int = 1000) -> int:
    """Delete up to `limit` expired keys; rows another transaction holds are left for later."""
    t = IdempotencyKey
    expired = select(t.id).where(t.expires_at <= now).limit(limit).with_for_update(skip_locked=True)
    stmt = delete(t).where(t.id.in_(expired.scalar_subquery()))
    result = await session.execute(stmt.execution_options(synchronize_session=False))
    return result.rowcount or 0


async def claim(
    maker: async_sessionmaker[AsyncSession],
    scope: KeyScope,
    fingerprint: str,
    *,
    now: datetime,
    retention: timedelta,
    lock_timeout: timedelta,
) -> Claim | Holder | None:
    """Insert the in-progress marker, or take over an expired or abandoned one, and commit at
    once so concurrent duplicates see it. Otherwise return what holds the key; None when the
    holder kept vanishing under us (released between our insert and our read)."""
    t = IdempotencyKey
    token = uuid.uuid4()
    fresh = {
        "fingerprint": fingerprint,
        "status": IN_PROGRESS,
        "lock_token": token,
        "locked_at": now,
        "response_status": None,
        "response_body": None,
        "response_headers": None,
        "created_at": now,
        "expires_at": now + retention,
    }
    abandoned = and_(
        t.status == IN_PROGRESS,
        t.locked_at <= now - lock_timeout,
        t.fingerprint == fingerprint,  # a different request stays refused until expiry
    )
    stmt = (
        insert(t)
        .values(id=uuid.uuid4(), **asdict(scope), **fresh)
        .on_conflict_do_update(
            constraint="uq_idempotency_keys_scope",
            set_=fresh,
            where=or_(t.expires_at <= now, abandoned),
        )
        .returning(t.id, t.lock_token)
    )
    for _ in range(3):
        async with maker.begin() as session:
            await purge_expired(session, now, PURGE_BATCH)  # lazy cleanup, bounded
            claimed = (await session.execute(stmt)).first()
            if claimed is not None and claimed.lock_token == token:
                return Claim(claimed.id, token)
            # ON CONFLICT locked the row even though it did not update it: it stays as read.
            row = (await session.execute(select(t).where(scope.matches()))).scalar_one_or_none()
            if row is not None:
                return Holder(
                    row.fingerprint,
                    row.status,
                    row.response_status,
                    row.response_body,
                    row.response_headers,
                )
    return None


async def finish(
    session: AsyncSession, held: Claim, status: int, body: str, headers: Mapping[str, str]
) -> bool:
    """Store the answer in the request's transaction; False if the claim was taken over."""
    t = IdempotencyKey
    stmt = (
        update(t)
        .where(t.id == held.row_id, t.lock_token == held.token, t.status == IN_PROGRESS)
        .values(
            status=COMPLETED,
            response_status=status,
            response_body=body,
            response_headers=dict(headers),
        )
        .execution_options(synchronize_session=False)
    )
    return (await session.execute(stmt)).rowcount == 1


async def release(maker: async_sessionmaker[AsyncSession], held: Claim) -> None:
    """Remove our marker in a short transaction of its own, so a retry can run."""
    t = IdempotencyKey
    mine = and_(t.id == held.row_id, t.lock_token == held.token, t.status == IN_PROGRESS)
    try:
        async with maker.begin() as session:
            stmt = delete(t).where(mine).execution_options(synchronize_session=False)
            await session.execute(stmt)
    except Exception:
        # The claim then ends as abandoned: retries get 409 until the lock timeout passes.
        log.warning("idempotency.release_failed", exc_info=True)
