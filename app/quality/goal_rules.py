"""Whether a goal is met, and which targets make sense for a metric (pure)."""

from __future__ import annotations

import math
from typing import Literal, get_args

from app.quality.report_metrics import Metric

Direction = Literal["at_least", "at_most"]
DIRECTIONS: tuple[str, ...] = get_args(Direction)


def target_problem(metric: Metric, target: object) -> str | None:
    """An error code when `target` cannot be a target of `metric`, else None."""
    if isinstance(target, bool) or not isinstance(target, int | float):
        return "quality.goal.target_not_a_number"
    if not math.isfinite(target):
        return "quality.goal.target_not_a_number"
    if target < metric.low or (metric.high is not None and target > metric.high):
        return "quality.goal.target_out_of_range"
    return None


def is_met(value: float | None, target: float, direction: str) -> bool | None:
    """None when there is no value to judge (an empty dataset, nothing scored yet)."""
    if value is None:
        return None
    if direction == "at_least":
        return value >= target
    if direction == "at_most":
        return value <= target
    raise ValueError(f"unknown goal direction {direction!r}")
