"""The queue's pure rules: back-off with jitter, schedule periods, progress, payloads."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.jobs.policy import (
    InvalidJobPayload,
    RetryPolicy,
    check_code,
    check_document,
    check_kind,
    check_progress,
    error_message,
    next_due,
    percentage,
    retry_delay,
)

T0 = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
POLICY = RetryPolicy(base=timedelta(seconds=10), cap=timedelta(minutes=5))


@pytest.mark.parametrize(
    ("failed", "low", "high"),
    [
        pytest.param(1, 5, 10, id="first-retry"),
        pytest.param(2, 10, 20, id="doubles"),
        pytest.param(3, 20, 40, id="doubles-again"),
        pytest.param(6, 150, 300, id="capped"),
        pytest.param(500, 150, 300, id="huge-attempt-count-still-capped"),
        pytest.param(0, 5, 10, id="zero-treated-as-first"),
        pytest.param(-3, 5, 10, id="negative-treated-as-first"),
    ],
)
def test_retry_delay_bounds(failed: int, low: float, high: float) -> None:
    rng = random.Random(1)
    delays = [retry_delay(failed, POLICY, rng).total_seconds() for _ in range(200)]
    assert all(low <= d <= high for d in delays)
    # Jitter really spreads retries: not all the same value.
    assert len({round(d, 6) for d in delays}) > 150


def test_retry_delay_is_reproducible_with_a_seeded_rng() -> None:
    first = [retry_delay(n, POLICY, random.Random(42)) for n in range(1, 6)]
    second = [retry_delay(n, POLICY, random.Random(42)) for n in range(1, 6)]
    assert first == second


@pytest.mark.parametrize(
    ("base", "cap"),
    [
        pytest.param(timedelta(0), timedelta(seconds=1), id="zero-base"),
        pytest.param(timedelta(seconds=-1), timedelta(seconds=1), id="negative-base"),
        pytest.param(timedelta(seconds=10), timedelta(seconds=5), id="cap-below-base"),
    ],
)
def test_retry_policy_refuses_nonsense(base: timedelta, cap: timedelta) -> None:
    with pytest.raises(ValueError, match="retry base"):
        RetryPolicy(base=base, cap=cap)


HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("previous", "now", "expected"),
    [
        pytest.param(T0, T0, T0 + HOUR, id="due-exactly-now"),
        pytest.param(T0, T0 + timedelta(minutes=1), T0 + HOUR, id="slightly-late"),
        pytest.param(T0, T0 + HOUR, T0 + 2 * HOUR, id="one-period-late"),
        pytest.param(T0, T0 + timedelta(hours=5, minutes=2), T0 + 6 * HOUR, id="missed-periods"),
        pytest.param(T0 + HOUR, T0, T0 + 2 * HOUR, id="not-yet-due"),
        pytest.param(T0, T0 + timedelta(days=3650), T0 + timedelta(days=3650) + HOUR, id="years"),
    ],
)
def test_next_due_keeps_the_rhythm_and_skips_missed_periods(
    previous: datetime, now: datetime, expected: datetime
) -> None:
    assert next_due(previous, HOUR, now) == expected


@given(
    offset=st.integers(min_value=0, max_value=10**8),
    every=st.integers(min_value=1, max_value=10**6),
)
def test_next_due_is_the_first_period_after_now(offset: int, every: int) -> None:
    now = T0 + timedelta(seconds=offset)
    period = timedelta(seconds=every)
    due = next_due(T0, period, now)
    assert now < due <= now + period
    assert (due - T0) % period == timedelta(0)


def test_next_due_refuses_a_non_positive_period() -> None:
    with pytest.raises(ValueError, match="positive"):
        next_due(T0, timedelta(0), T0)


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        pytest.param(0, None, None, id="total-unknown"),
        pytest.param(0, 0, 100.0, id="nothing-to-do"),
        pytest.param(1, 3, 33.3, id="rounded"),
        pytest.param(999_999, 1_000_000, 100.0, id="rounds-up-near-the-end"),
        pytest.param(420_000, 1_000_000, 42.0, id="million-records"),
        pytest.param(12, 10, 100.0, id="overshoot-clamped"),
    ],
)
def test_percentage(done: int, total: int | None, expected: float | None) -> None:
    assert percentage(done, total) == expected


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("dedup.scan", id="dotted"),
        pytest.param("retention_sweep", id="single-segment"),
        pytest.param("a" * 64, id="max-length"),
    ],
)
def test_check_kind_accepts(kind: str) -> None:
    assert check_kind(kind) == kind


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("", id="empty"),
        pytest.param("Dedup.Scan", id="upper-case"),
        pytest.param("dédup.scan", id="accent"),
        pytest.param("dedup.scаn", id="cyrillic-a-look-alike"),
        pytest.param("dedup..scan", id="empty-segment"),
        pytest.param("dedup.scan ", id="trailing-space"),
        pytest.param("dedup.scan\n", id="trailing-newline"),
        pytest.param("a" * 65, id="too-long"),
        pytest.param(None, id="none"),
        pytest.param(42, id="int"),
    ],
)
def test_check_kind_refuses(kind: object) -> None:
    with pytest.raises(InvalidJobPayload, match="kind"):
        check_kind(kind)


@pytest.mark.parametrize(
    "code", ["", "Scanning…", "dedup scan", "x" * 65, "scan\n", None, "jean.dupont@example.fr"]
)
def test_check_code_refuses_free_text(code: object) -> None:
    with pytest.raises(InvalidJobPayload, match="progress message"):
        check_code(code, "progress message")


@pytest.mark.parametrize(
    ("done", "total"),
    [
        pytest.param(-1, None, id="negative-done"),
        pytest.param(1, -5, id="negative-total"),
        pytest.param(True, 10, id="bool-done"),
        pytest.param(1, False, id="bool-total"),
        pytest.param(1.5, 10, id="float-done"),
        pytest.param("3", 10, id="string-done"),
    ],
)
def test_check_progress_refuses(done: object, total: object) -> None:
    with pytest.raises(InvalidJobPayload, match="progress"):
        check_progress(done, total)


@pytest.mark.parametrize(
    "document",
    [
        pytest.param({}, id="empty"),
        pytest.param({"entity": "contact", "batch": 1000}, id="ids-and-numbers"),
        pytest.param({"société": "Élysée Bâtiment SAS"}, id="accents-survive"),
        pytest.param({"after": {"id": "x", "seq": [1, 2]}}, id="nested"),
    ],
)
def test_check_document_round_trips(document: dict) -> None:
    copy = check_document(document, "params", 1024)
    assert copy == document
    assert copy is not document


@pytest.mark.parametrize(
    ("document", "match"),
    [
        pytest.param([1, 2], "JSON object", id="list"),
        pytest.param("{}", "JSON object", id="string"),
        pytest.param(None, "JSON object", id="none"),
        pytest.param({"when": datetime.now(UTC)}, "JSON values", id="datetime"),
        pytest.param({"ratio": float("nan")}, "JSON values", id="nan"),
        pytest.param({"blob": b"x"}, "JSON values", id="bytes"),
        pytest.param({"x": "é" * 600}, "larger than", id="too-big-in-utf8-bytes"),
        pytest.param({"email": "a@b.fr"}, "personal data: email", id="email-key"),
        pytest.param({"Email ": "a@b.fr"}, "personal data: email", id="email-key-case-space"),
        pytest.param({"rows": [{"phone": "x"}]}, "personal data: phone", id="nested-in-list"),
        pytest.param({"a": {"b": {"last_name": "x"}}}, "personal data", id="deeply-nested"),
    ],
)
def test_check_document_refuses(document: object, match: str) -> None:
    with pytest.raises(InvalidJobPayload, match=match):
        check_document(document, "params", 1024)


def test_refusal_never_echoes_the_value() -> None:
    with pytest.raises(InvalidJobPayload) as caught:
        check_document({"email": "jeanne.dupont@example.fr"}, "params", 1024)
    assert "jeanne" not in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("ValueError", "ValueError", id="class-name"),
        pytest.param("  two\nlines\t", "two lines", id="one-line"),
        pytest.param("x" * 500, "x" * 200, id="bounded"),
        pytest.param("", "", id="empty"),
    ],
)
def test_error_message(raw: str, expected: str) -> None:
    assert error_message(raw) == expected
