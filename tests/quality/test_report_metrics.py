"""The metric catalogue and goal rules (pure): names, values from counts, met or not."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.quality import goal_rules, report_metrics
from app.quality.report_metrics import CATALOGUE, counted, metric, share, values

LOOKUPS = [
    pytest.param("contact", "civility_missing", "share", id="contact-only-metric"),
    pytest.param("contact", "fill.email", "share", id="fill-rate"),
    pytest.param("company", "fill.siren", "share", id="company-fill"),
    pytest.param("company", "score_average", "average", id="average"),
    pytest.param("contact", "records", "count", id="count"),
    pytest.param("company", "civility_missing", None, id="contact-metric-on-company"),
    pytest.param("company", "email_valid", None, id="companies-have-no-email"),
    pytest.param("contact", "", None, id="empty"),
    pytest.param("contact", "Civility_Missing", None, id="case-matters"),
    pytest.param("contact", "civility_missing ", None, id="trailing-space"),
    pytest.param("contact", "fill.\u0435mail", None, id="cyrillic-e-look-alike"),
    pytest.param("contact", "fill.e\u0301mail", None, id="combining-accent"),
    pytest.param("contact", "x" * 10_000, None, id="huge"),
    pytest.param("lead", "records", None, id="unknown-entity"),
]


@pytest.mark.parametrize(("entity", "name", "kind"), LOOKUPS)
def test_metric_lookup(entity: str, name: str, kind: str | None) -> None:
    found = metric(entity, name)
    assert (found.kind if found else None) == kind


def test_every_metric_name_fits_the_goal_column_and_audit_token() -> None:
    for entity, metrics in CATALOGUE.items():
        for name in metrics:
            assert len(name) <= 64 and name.isascii(), name
            assert all(c.isalnum() or c in "._" for c in name), name
        assert counted(entity)[0] == "unscored"


SHARES = [
    pytest.param(3, 10, 0.3, id="three-of-ten"),
    pytest.param(0, 10, 0.0, id="none"),
    pytest.param(10, 10, 1.0, id="all"),
    pytest.param(1, 3, 0.3333, id="rounded-to-four-places"),
    pytest.param(2, 3, 0.6667, id="rounded-up"),
    pytest.param(0, 0, None, id="empty-dataset"),
    pytest.param(1, 1_000_000, 0.0, id="one-in-a-million-rounds-to-zero"),
    pytest.param(999_999, 1_000_000, 1.0, id="almost-all-rounds-to-one"),
]


@pytest.mark.parametrize(("count", "records", "expected"), SHARES)
def test_share(count: int, records: int, expected: float | None) -> None:
    assert share(count, records) == expected


def _row(entity: str, records: int, score_sum: int, scored: int, count: int) -> dict[str, Any]:
    counters = {"records": records, "score_sum": score_sum, "scored": scored}
    return counters | {n: count for n in counted(entity)}


def test_values_turn_counters_into_every_metric() -> None:
    got = values("contact", _row("contact", 8, 491, 7, 2))
    assert set(got) == set(CATALOGUE["contact"])
    assert got["records"] == {"value": 8, "count": 8}
    assert got["score_average"] == {"value": 70.14, "count": None}
    assert got["duplicate"] == {"value": 0.25, "count": 2}


def test_values_of_an_empty_dataset_have_no_value_but_zero_counts() -> None:
    got = values("company", _row("company", 0, None, None, None))  # type: ignore[arg-type]
    assert got["score_average"]["value"] is None
    assert all(v == {"value": None, "count": 0} for k, v in got.items() if k.startswith("fill."))


def test_nothing_scored_has_no_average() -> None:
    assert values("contact", _row("contact", 5, 0, 0, 1))["score_average"]["value"] is None


def test_add_up_sums_groups_and_ignores_keys_and_nulls() -> None:
    groups = [
        _row("company", 3, 150, 2, 1) | {"source_system": "hubspot"},
        _row("company", 5, 400, 5, 2) | {"source_system": None},
        _row("company", 0, None, None, None),  # type: ignore[arg-type]
    ]
    totals = report_metrics.add_up(groups, "company")
    assert totals["records"] == 8 and totals["scored"] == 7 and totals["score_sum"] == 550
    assert totals["duplicate"] == 3 and "source_system" not in totals
    assert values("company", totals)["score_average"]["value"] == 78.57


def test_add_up_of_nothing_is_zero() -> None:
    assert set(report_metrics.add_up([], "contact").values()) == {0}


MET = [
    pytest.param(0.3, 0.3, "at_most", True, id="at-most-equal"),
    pytest.param(0.3001, 0.3, "at_most", False, id="at-most-over"),
    pytest.param(0.8, 0.8, "at_least", True, id="at-least-equal"),
    pytest.param(0.7999, 0.8, "at_least", False, id="at-least-under"),
    pytest.param(None, 0.8, "at_least", None, id="no-value"),
    pytest.param(0.0, 0.0, "at_most", True, id="zero-target"),
]


@pytest.mark.parametrize(("value", "target", "direction", "met"), MET)
def test_is_met(value: float | None, target: float, direction: str, met: bool | None) -> None:
    assert goal_rules.is_met(value, target, direction) is met


def test_unknown_direction_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="direction"):
        goal_rules.is_met(0.5, 0.5, "around")


TARGETS = [
    pytest.param("duplicate", 0.05, None, id="share-ok"),
    pytest.param("duplicate", 0, None, id="share-zero"),
    pytest.param("duplicate", 1, None, id="share-one"),
    pytest.param("duplicate", 1.0001, "quality.goal.target_out_of_range", id="share-over-one"),
    pytest.param("duplicate", -0.0001, "quality.goal.target_out_of_range", id="negative"),
    pytest.param("score_average", 85, None, id="score-ok"),
    pytest.param("score_average", 100.5, "quality.goal.target_out_of_range", id="score-over"),
    pytest.param("records", 10**12, None, id="count-unbounded"),
    pytest.param("duplicate", math.nan, "quality.goal.target_not_a_number", id="nan"),
    pytest.param("duplicate", math.inf, "quality.goal.target_not_a_number", id="infinity"),
    pytest.param("duplicate", True, "quality.goal.target_not_a_number", id="bool"),
    pytest.param("duplicate", "0.1", "quality.goal.target_not_a_number", id="string"),
    pytest.param("duplicate", None, "quality.goal.target_not_a_number", id="none"),
]


@pytest.mark.parametrize(("name", "target", "problem"), TARGETS)
def test_target_problem(name: str, target: object, problem: str | None) -> None:
    found = metric("contact", name)
    assert found is not None
    assert goal_rules.target_problem(found, target) == problem


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=10**9))
def test_a_share_is_always_between_zero_and_one(count: int, extra: int) -> None:
    value = share(count, count + extra)
    assert value is not None and 0.0 <= value <= 1.0


@given(st.floats(allow_nan=False), st.floats(allow_nan=False))
def test_at_least_and_at_most_agree_on_the_boundary(value: float, target: float) -> None:
    at_least = goal_rules.is_met(value, target, "at_least")
    at_most = goal_rules.is_met(value, target, "at_most")
    assert at_least or at_most
    assert (at_least and at_most) == (value == target)


def test_stale_bands_match_the_scorer_flags() -> None:
    from app.quality import flags

    assert [report_metrics.STALE_DAYS[f"stale_{m}m"] for m, _ in flags.STALE] == [
        flags.DAYS_PER_MONTH_STEP[m] for m, _ in flags.STALE
    ]
