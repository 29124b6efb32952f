"""The register's deadlines and transitions (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from app.gdpr import dsr_policy as policy

PARIS = ZoneInfo("Europe/Paris")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        pytest.param(utc(2025, 3, 10, 9, 30), 1, utc(2025, 4, 10, 9, 30), id="plain"),
        pytest.param(utc(2025, 1, 31), 1, utc(2025, 2, 28), id="31-jan-to-end-of-feb"),
        pytest.param(utc(2024, 1, 31), 1, utc(2024, 2, 29), id="31-jan-leap-year"),
        pytest.param(utc(2024, 1, 30), 1, utc(2024, 2, 29), id="30-jan-leap-year"),
        pytest.param(utc(2025, 3, 31), 1, utc(2025, 4, 30), id="31-mar-to-30-apr"),
        pytest.param(utc(2025, 12, 15), 1, utc(2026, 1, 15), id="over-new-year"),
        pytest.param(utc(2025, 11, 30), 3, utc(2026, 2, 28), id="three-months-to-feb"),
        pytest.param(utc(2024, 2, 29), 12, utc(2025, 2, 28), id="leap-day-plus-a-year"),
        pytest.param(utc(2025, 2, 28), 1, utc(2025, 3, 28), id="end-of-feb-is-not-end-of-mar"),
        pytest.param(utc(2025, 6, 1), 0, utc(2025, 6, 1), id="zero-months"),
        pytest.param(
            datetime(2025, 1, 31, 23, 30, tzinfo=PARIS),
            1,
            datetime(2025, 2, 28, 23, 30, tzinfo=PARIS),
            id="time-zone-and-time-kept",
        ),
    ],
)
def test_add_months(moment: datetime, months: int, expected: datetime) -> None:
    assert policy.add_months(moment, months) == expected


def test_add_months_refuses_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        policy.add_months(utc(2025, 1, 1), -1)


@pytest.mark.parametrize(
    ("extended", "expected"),
    [
        pytest.param(0, utc(2025, 2, 28, 8), id="one-month"),
        pytest.param(1, utc(2025, 3, 31, 8), id="extended-one"),
        pytest.param(2, utc(2025, 4, 30, 8), id="extended-two"),
    ],
)
def test_due_at(extended: int, expected: datetime) -> None:
    assert policy.due_at(utc(2025, 1, 31, 8), extended) == expected


@pytest.mark.parametrize("extended", [-1, 3, 12])
def test_due_at_refuses_extensions_out_of_range(extended: int) -> None:
    with pytest.raises(ValueError, match="extension"):
        policy.due_at(utc(2025, 1, 1), extended)


@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        pytest.param("received", "in_progress", True, id="start"),
        pytest.param("received", "completed", True, id="answer-at-once"),
        pytest.param("received", "refused", True, id="refuse-at-once"),
        pytest.param("in_progress", "completed", True, id="complete"),
        pytest.param("in_progress", "refused", True, id="refuse"),
        pytest.param("in_progress", "received", False, id="no-going-back"),
        pytest.param("completed", "in_progress", False, id="completed-is-final"),
        pytest.param("refused", "completed", False, id="refused-is-final"),
        pytest.param("completed", "completed", True, id="same-status"),
    ],
)
def test_can_move(current: str, new: str, allowed: bool) -> None:
    assert policy.can_move(current, new) is allowed


RECEIVED = utc(2025, 1, 31, 10)


@pytest.mark.parametrize(
    ("status", "current", "months", "now", "refusal"),
    [
        pytest.param("received", 0, 2, utc(2025, 2, 10), None, id="within-first-month"),
        pytest.param("in_progress", 1, 2, utc(2025, 2, 28, 10), None, id="on-the-deadline"),
        pytest.param("received", 0, 1, utc(2025, 2, 28, 10, 1), "too_late", id="a-minute-late"),
        pytest.param("received", 0, 3, utc(2025, 2, 1), "out_of_range", id="three-months"),
        pytest.param("received", 0, 0, utc(2025, 2, 1), "out_of_range", id="zero-months"),
        pytest.param("received", 2, 1, utc(2025, 2, 1), "shorter_than_current", id="shorter"),
        pytest.param("completed", 0, 1, utc(2025, 2, 1), "closed", id="closed"),
        pytest.param("refused", 0, 1, utc(2025, 2, 1), "closed", id="refused"),
    ],
)
def test_extension_refusal(
    status: str, current: int, months: int, now: datetime, refusal: str | None
) -> None:
    assert policy.extension_refusal(RECEIVED, status, current, months, now) == refusal


@pytest.mark.parametrize(
    ("status", "due", "now", "overdue", "days"),
    [
        pytest.param("received", utc(2025, 3, 1), utc(2025, 3, 1, 1), True, 0, id="an-hour-late"),
        pytest.param("in_progress", utc(2025, 3, 10), utc(2025, 3, 1), False, 9, id="nine-days"),
        pytest.param("completed", utc(2025, 3, 1), utc(2025, 6, 1), False, -92, id="closed-late"),
        pytest.param("received", utc(2025, 3, 1), utc(2025, 3, 1), False, 0, id="exactly-due"),
    ],
)
def test_overdue_and_days_left(
    status: str, due: datetime, now: datetime, overdue: bool, days: int
) -> None:
    assert policy.is_overdue(status, due, now) is overdue
    assert policy.days_left(due, now) == days


@pytest.mark.parametrize(
    ("due", "now", "days"),
    [
        pytest.param(utc(2025, 3, 4, 11), utc(2025, 3, 1, 12), 3, id="calendar-days"),
        pytest.param(utc(2025, 3, 2, 0, 30), utc(2025, 3, 1, 23, 59), 1, id="tomorrow"),
        pytest.param(utc(2025, 2, 28, 23), utc(2025, 3, 1, 0, 1), -1, id="yesterday"),
        pytest.param(datetime(2025, 3, 2, 0, 30, tzinfo=PARIS), utc(2025, 3, 1, 12), 0,
                     id="counted-in-utc"),
    ],
)  # fmt: skip
def test_days_left_counts_calendar_days(due: datetime, now: datetime, days: int) -> None:
    assert policy.days_left(due, now) == days
