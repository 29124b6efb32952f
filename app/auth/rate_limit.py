"""Per-minute rate limits kept in PostgreSQL, written in their own short transaction.

Counters are kept per calendar minute, but a limit is checked against the last sixty
seconds: this minute's hits plus the previous minute's, weighted by the share of it that
still lies within them. A plain per-minute counter lets a caller spend twice its limit
across a minute boundary, and made "the fourth attempt is refused" depend on the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.models import RateLimitHit

WINDOW = timedelta(minutes=1)


def window_start(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class Tally:
    """A bucket's hits in the previous and the current minute, seen at `now`."""

    previous: int
    current: int
    now: datetime

    @property
    def elapsed(self) -> float:
        """How far into its minute `now` is, from 0 to 1."""
        return (self.now - window_start(self.now)) / WINDOW

    @property
    def last_minute(self) -> float:
        return self.current + self.previous * (1 - self.elapsed)

    def over(self, limit: int) -> bool:
        # The float weighting must not refuse a caller exactly at its limit.
        return self.last_minute > limit + 1e-9

    def retry_after_s(self, limit: int) -> int:
        """Whole seconds until one more hit would be within `limit`, if no other comes."""
        room = limit - 1 - self.current
        if room >= 0:  # this minute suffices once enough of the previous one has slid out
            at = 1 - room / self.previous if self.previous else 0.0
            wait = max(0.0, at - self.elapsed)
        else:  # this minute's hits alone are too many: wait until they have slid out
            at_next = 1 - (limit - 1) / self.current
            wait = (1 - self.elapsed) + at_next
        # Rounded up, less a hair, so 80.00000001 s of float error is not said as 81.
        return max(1, math.ceil(wait * WINDOW.total_seconds() - 1e-6))


async def hit(session: AsyncSession, bucket: str, now: datetime) -> Tally:
    """Count one hit in the current minute; returns the bucket's tally including it."""
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
    current = (await session.execute(stmt)).scalar_one()
    previous = await session.scalar(
        select(RateLimitHit.hits).where(
            RateLimitHit.bucket == bucket, RateLimitHit.window_start == start - WINDOW
        )
    )
    if current == 1:  # first hit of a minute: sweep stale minutes so the table stays tiny
        await session.execute(
            delete(RateLimitHit).where(RateLimitHit.window_start < func.now() - WINDOW * 10)
        )
    return Tally(previous=previous or 0, current=current, now=now)
