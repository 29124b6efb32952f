"""Fixed-window rate limits kept in PostgreSQL, written in their own short transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import RateLimitHit

WINDOW = timedelta(minutes=1)


def window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


async def hit(session: AsyncSession, bucket: str, now: datetime) -> int:
    """Count one hit in the current window; returns the window's total."""
    start = window_start(now)
    stmt = (
        insert(RateLimitHit)
        .values(bucket=bucket, window_start=start, hits=1)
        .on_conflict_do_update(
            index_elements=[RateLimitHit.bucket, RateLimitHit.window_start],
            set_={"hits": RateLimitHit.hits + 1},
        )
        .returning(RateLimitHit.hits)
    )
    hits = (await session.execute(stmt)).scalar_one()
    if hits == 1:  # first hit of a window: sweep stale windows so the table stays tiny
        await session.execute(
            delete(RateLimitHit).where(RateLimitHit.window_start < func.now() - WINDOW * 10)
        )
    return hits


def retry_after_s(now: datetime) -> int:
    return max(1, int((window_start(now) + WINDOW - now).total_seconds()) + 1)
