"""The retention rule (pure): when a contact falls due, and who never does."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.gdpr.retention_policy import (
    RetentionFacts,
    RetentionPolicy,
    add_years,
    clock_start,
    due_at,
    is_due,
)

PARIS = ZoneInfo("Europe/Paris")
DEFAULT = RetentionPolicy()
CUSTOMERS_5Y = RetentionPolicy(customer_years=5, customer_stages=("customer", "Client"))


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def prospect(**changes: object) -> RetentionFacts:
    base = RetentionFacts(
        status="active", legal_hold=False, lifecycle_stage="lead", created_at=utc(2022, 6, 1, 9)
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("moment", "years", "expected"),
    [
        pytest.param(utc(2022, 6, 1, 9), 3, utc(2025, 6, 1, 9), id="plain"),
        pytest.param(utc(2024, 2, 29, 12), 3, utc(2027, 2, 28, 12), id="leap-day-to-28-feb"),
        pytest.param(utc(2024, 2, 29, 12), 4, utc(2028, 2, 29, 12), id="leap-day-to-leap-day"),
        pytest.param(utc(2023, 2, 28), 1, utc(2024, 2, 28), id="28-feb-stays"),
        pytest.param(utc(2027, 2, 28), -3, utc(2024, 2, 28), id="backwards"),
        pytest.param(datetime(2024, 3, 1, 0, 30, tzinfo=PARIS), 3, utc(2027, 2, 28, 23, 30),
                     id="counted-in-utc"),
    ],
)  # fmt: skip
def test_add_years(moment: datetime, years: int, expected: datetime) -> None:
    assert add_years(moment, years) == expected


@pytest.mark.parametrize(
    ("facts", "start"),
    [
        pytest.param(prospect(), utc(2022, 6, 1, 9), id="created-when-collection-unknown"),
        pytest.param(prospect(collected_at=utc(2021, 1, 5)), utc(2021, 1, 5),
                     id="collected-before-import"),
        pytest.param(prospect(collected_at=utc(2021, 1, 5), last_interaction_at=utc(2023, 4, 2)),
                     utc(2023, 4, 2), id="later-interaction-restarts-the-clock"),
        pytest.param(prospect(collected_at=utc(2021, 1, 5), last_interaction_at=utc(2020, 1, 1)),
                     utc(2021, 1, 5), id="older-interaction-changes-nothing"),
        pytest.param(prospect(last_interaction_at=utc(2022, 6, 1, 9)), utc(2022, 6, 1, 9),
                     id="equal-times"),
    ],
)  # fmt: skip
def test_clock_start(facts: RetentionFacts, start: datetime) -> None:
    assert clock_start(facts) == start


@pytest.mark.parametrize(
    ("facts", "policy", "expected"),
    [
        pytest.param(prospect(), DEFAULT, utc(2025, 6, 1, 9), id="prospect-three-years"),
        pytest.param(prospect(collected_at=utc(2024, 2, 29, 8)), DEFAULT, utc(2027, 2, 28, 8),
                     id="collected-on-leap-day"),
        pytest.param(prospect(last_interaction_at=utc(2024, 11, 3)), DEFAULT, utc(2027, 11, 3),
                     id="last-interaction"),
        pytest.param(prospect(lifecycle_stage=None), DEFAULT, utc(2025, 6, 1, 9),
                     id="no-stage-is-a-prospect"),
        pytest.param(prospect(lifecycle_stage=""), DEFAULT, utc(2025, 6, 1, 9),
                     id="empty-stage-is-a-prospect"),
        pytest.param(prospect(legal_hold=True), DEFAULT, None, id="legal-hold"),
        pytest.param(prospect(status="merged"), DEFAULT, None, id="merged-goes-with-survivor"),
        pytest.param(prospect(status="anonymised"), DEFAULT, None, id="already-anonymised"),
        pytest.param(prospect(lifecycle_stage="customer"), DEFAULT, None, id="customer-kept"),
        pytest.param(prospect(lifecycle_stage=" Customer "), DEFAULT, None,
                     id="customer-stage-case-and-spaces"),
        pytest.param(prospect(lifecycle_stage="customer"), CUSTOMERS_5Y, utc(2027, 6, 1, 9),
                     id="customer-five-years"),
        pytest.param(prospect(lifecycle_stage="CLIENT"), CUSTOMERS_5Y, utc(2027, 6, 1, 9),
                     id="configured-stage-any-case"),
        pytest.param(prospect(lifecycle_stage="сustomer"), DEFAULT, utc(2025, 6, 1, 9),
                     id="cyrillic-look-alike-is-not-a-customer"),
        pytest.param(prospect(lifecycle_stage="customer", legal_hold=True), CUSTOMERS_5Y, None,
                     id="hold-beats-customer-period"),
        pytest.param(prospect(), RetentionPolicy(prospect_years=1), utc(2023, 6, 1, 9),
                     id="shorter-policy"),
    ],
)  # fmt: skip
def test_due_at(facts: RetentionFacts, policy: RetentionPolicy, expected: datetime | None) -> None:
    assert due_at(facts, policy) == expected


@pytest.mark.parametrize(
    ("at", "due"),
    [
        pytest.param(utc(2027, 2, 28, 8), True, id="at-the-moment"),
        pytest.param(utc(2027, 2, 28, 7, 59, 59), False, id="a-second-before"),
        pytest.param(utc(2030, 1, 1), True, id="long-after"),
    ],
)
def test_is_due(at: datetime, due: bool) -> None:
    assert is_due(prospect(collected_at=utc(2024, 2, 29, 8)), DEFAULT, at) is due


def test_within_days_is_a_later_moment() -> None:
    facts = prospect()
    now = utc(2025, 5, 25)
    assert not is_due(facts, DEFAULT, now)
    assert not is_due(facts, DEFAULT, now + timedelta(days=7))  # 1 June 00:00, due at 09:00
    assert is_due(facts, DEFAULT, now + timedelta(days=8))


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"prospect_years": 0}, id="zero-years"),
        pytest.param({"prospect_years": -3}, id="negative"),
        pytest.param({"prospect_years": 3.5}, id="fraction"),
        pytest.param({"prospect_years": True}, id="bool"),
        pytest.param({"prospect_years": 101}, id="absurd"),
        pytest.param({"customer_years": 0}, id="customer-zero"),
        pytest.param({"action": "purge"}, id="unknown-action"),
        pytest.param({"customer_stages": ("customer", "  ")}, id="blank-stage"),
    ],
)
def test_policy_refuses_nonsense(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"retention|customer stages"):
        RetentionPolicy(**changes)  # type: ignore[arg-type]


def test_policy_round_trips_through_job_params() -> None:
    policy = RetentionPolicy(prospect_years=2, customer_years=6, customer_stages=("Client",),
                             action="delete")  # fmt: skip
    assert policy.customer_stages == ("client",)
    assert RetentionPolicy.from_params(policy.as_params()) == policy
    assert policy.as_params() != DEFAULT.as_params()
