"""The limit applies to the last sixty seconds, not to the calendar minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import rate_limit
from app.auth.rate_limit import Tally

MINUTE = datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return MINUTE + timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("previous", "current", "seconds", "last_minute"),
    [
        (0, 1, 0, 1.0),
        (0, 3, 59.9, 3.0),
        (4, 0, 0, 4.0),  # the whole previous minute is still within the last sixty seconds
        (4, 1, 15, 4.0),  # three quarters of it is
        (4, 1, 30, 3.0),
        (10, 2, 54, 3.0),
        (1000, 0, 59.999, pytest.approx(0.0167, abs=1e-3)),
    ],
)
def test_the_previous_minute_counts_for_the_share_still_within_the_last_sixty_seconds(
    previous: int, current: int, seconds: float, last_minute: float
) -> None:
    assert Tally(previous, current, at(seconds)).last_minute == pytest.approx(last_minute)


@pytest.mark.parametrize(
    ("previous", "current", "seconds", "limit", "over"),
    [
        (0, 3, 10, 3, False),  # exactly at the limit
        (0, 4, 10, 3, True),
        (1, 3, 0.2, 3, True),  # one hit at 10:14:59.9 and three at 10:15:00.x
        (3, 1, 0.5, 3, True),
        (3, 1, 40, 3, False),
        (2, 2, 30, 3, False),  # 2 × 0.5 + 2 = 3: at the limit, float rounding must not refuse
        (0, 1, 0, 1, False),
    ],
)
def test_over_the_limit(
    previous: int, current: int, seconds: float, limit: int, over: bool
) -> None:
    assert Tally(previous, current, at(seconds)).over(limit) is over


@pytest.mark.parametrize(
    ("previous", "current", "seconds", "limit", "retry_after"),
    [
        (0, 4, 10, 3, 50 + 30),  # this minute slides out; at 10:16:30 4 × 0.5 + 1 = 3
        (0, 30, 59, 30, 1 + 2),  # 30 × (1 - 2/60) + 1 = 30 at 10:16:02
        (6, 1, 0, 3, 50),  # room for one more once 6 × (1 - f) ≤ 1: f = 5/6, at 10:15:50
        (6, 1, 50, 3, 1),  # that moment has come: never less than one second
        # A limit of one: the estimate spreads a minute's hits over it, so the one hit of
        # 10:15:00 has slid out entirely only at 10:17:00.
        (0, 1, 0, 1, 120),
    ],
)
def test_retry_after_is_when_one_more_hit_fits(
    previous: int, current: int, seconds: float, limit: int, retry_after: int
) -> None:
    tally = Tally(previous, current, at(seconds))
    assert tally.retry_after_s(limit) == retry_after
    later = at(seconds + retry_after)
    minutes_on = (rate_limit.window_start(later) - MINUTE) // rate_limit.WINDOW
    was = {-1: previous, 0: current}  # hits by minute, counted from 10:15
    after = Tally(was.get(minutes_on - 1, 0), was.get(minutes_on, 0) + 1, later)
    assert not after.over(limit)


async def test_hits_either_side_of_a_minute_boundary_count_together(
    session: AsyncSession,
) -> None:
    # Near the database's clock: the first hit of a minute sweeps minutes ten minutes old.
    base = rate_limit.window_start(datetime.now(UTC)) + timedelta(hours=1)
    bucket = "test-bucket:boundary"
    before = await rate_limit.hit(session, bucket, base - timedelta(seconds=0.1))
    after = [
        await rate_limit.hit(session, bucket, base + timedelta(seconds=0.1 + i / 10))
        for i in range(3)
    ]
    assert (before.previous, before.current) == (0, 1)
    assert [(t.previous, t.current) for t in after] == [(1, 1), (1, 2), (1, 3)]
    assert [t.over(3) for t in after] == [False, False, True]
