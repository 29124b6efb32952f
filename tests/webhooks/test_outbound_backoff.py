"""Retry schedule: exponential ceilings, full jitter, Retry-After, about a day in all."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from app.webhooks.backoff import Backoff, parse_retry_after

DEFAULT = Backoff()


@pytest.mark.parametrize(
    ("attempt", "ceiling"),
    [
        pytest.param(1, timedelta(minutes=1), id="first-failure-one-minute"),
        pytest.param(2, timedelta(minutes=2), id="doubles"),
        pytest.param(5, timedelta(minutes=16), id="fifth"),
        pytest.param(9, timedelta(minutes=256), id="ninth-under-cap"),
        pytest.param(10, timedelta(hours=8), id="tenth-capped"),
        pytest.param(14, timedelta(hours=8), id="last-retry-capped"),
        pytest.param(50, timedelta(hours=8), id="max-attempts-setting-no-overflow"),
        pytest.param(10_000, timedelta(hours=8), id="absurd-attempt-no-overflow"),
    ],
)
def test_ceiling_doubles_then_caps(attempt: int, ceiling: timedelta) -> None:
    assert DEFAULT.ceiling(attempt) == ceiling


@pytest.mark.parametrize("attempt", [1, 2, 7, 14, 40])
def test_delay_is_full_jitter_within_zero_and_ceiling(attempt: int) -> None:
    rng = random.Random(attempt)
    delays = [DEFAULT.delay(attempt, rng) for _ in range(2000)]
    assert all(timedelta(0) <= d <= DEFAULT.ceiling(attempt) for d in delays)
    # Full jitter: spread over the whole range, not bunched at the ceiling.
    assert min(delays) < DEFAULT.ceiling(attempt) * 0.05
    assert max(delays) > DEFAULT.ceiling(attempt) * 0.95
    mean = sum(delays, timedelta()) / len(delays)
    assert DEFAULT.ceiling(attempt) * 0.45 < mean < DEFAULT.ceiling(attempt) * 0.55


def test_many_failures_at_once_do_not_come_back_together() -> None:
    rng = random.Random(7)
    delays = {round(DEFAULT.delay(6, rng).total_seconds()) for _ in range(500)}
    assert len(delays) > 300


def test_fifteen_attempts_spread_over_about_a_day() -> None:
    mean = DEFAULT.expected_total(15)
    assert timedelta(hours=20) < mean < timedelta(hours=28)
    rng = random.Random(15)
    totals = [sum((DEFAULT.delay(n, rng) for n in range(1, 15)), timedelta()) for _ in range(300)]
    assert timedelta(hours=14) < sorted(totals)[len(totals) // 2] < timedelta(hours=34)
    assert all(t <= timedelta(hours=49) for t in totals)


@pytest.mark.parametrize(
    ("retry_after", "expected_at_least"),
    [
        pytest.param(timedelta(minutes=30), timedelta(minutes=30), id="honoured"),
        pytest.param(timedelta(days=3), timedelta(hours=8), id="capped"),
        pytest.param(timedelta(0), timedelta(0), id="zero-ignored"),
    ],
)
def test_retry_after_is_a_floor_up_to_the_cap(
    retry_after: timedelta, expected_at_least: timedelta
) -> None:
    delay = DEFAULT.delay(1, random.Random(1), retry_after)
    assert expected_at_least <= delay <= DEFAULT.cap


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        pytest.param("120", timedelta(seconds=120), id="seconds"),
        pytest.param(" 5 ", timedelta(seconds=5), id="spaces"),
        pytest.param("99999999", timedelta(days=1), id="huge-clamped"),
        pytest.param("Wed, 21 Oct 2026 07:28:00 GMT", None, id="http-date-ignored"),
        pytest.param("-5", None, id="negative"),
        pytest.param("", None, id="empty"),
        pytest.param("١٢", None, id="arabic-indic-digits"),
        pytest.param(None, None, id="absent"),
    ],
)
def test_parse_retry_after(raw: str | None, parsed: timedelta | None) -> None:
    assert parse_retry_after(raw) == parsed


@pytest.mark.parametrize(
    ("base", "cap"),
    [
        pytest.param(timedelta(0), timedelta(hours=1), id="zero-base"),
        pytest.param(timedelta(seconds=-1), timedelta(hours=1), id="negative-base"),
        pytest.param(timedelta(hours=2), timedelta(hours=1), id="cap-below-base"),
    ],
)
def test_bad_policies_are_refused(base: timedelta, cap: timedelta) -> None:
    with pytest.raises(ValueError, match="back-off"):
        Backoff(base, cap)


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError, match="from 1"):
        DEFAULT.ceiling(0)
