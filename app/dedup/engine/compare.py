"""Per-field comparisons built from small levels, strongest first (Splink's idea, as data).

A `Comparison` reads one attribute of two views and answers the first `Level` whose test
passes, `ELSE` when both values are there and none passes, or None when a value is missing
(the null level: no evidence either way). A level may name the value both sides agree on
as term-frequency terms, so the scorer can weigh "Kerbrat = Kerbrat" above "Martin = Martin".
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from rapidfuzz.distance import JaroWinkler

T = TypeVar("T")


def _no_terms(left: Any, right: Any) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True, slots=True)
class Level(Generic[T]):
    label: str
    test: Callable[[T, T], bool]
    # terms naming the agreed value(s), looked up in TermFrequencies; () when not applicable
    terms: Callable[[T, T], tuple[str, ...]] = _no_terms


ELSE: Level[Any] = Level("else", lambda left, right: True)


@dataclass(frozen=True, slots=True)
class Comparison(Generic[T]):
    field: str  # attribute of the view
    levels: tuple[Level[T], ...]  # strongest first; ELSE is implicit
    # whether two present values can be compared at all (a workplace known only by its
    # phone on one side and only by its company on the other cannot): else the null level
    comparable: Callable[[T, T], bool] | None = None

    def level_of(self, left: T | None, right: T | None) -> Level[T] | None:
        if left is None or right is None or left == "" or right == "":
            return None
        if self.comparable is not None and not self.comparable(left, right):
            return None
        for level in self.levels:
            if level.test(left, right):
                return level
        return ELSE

    def compare(self, left_view: object, right_view: object) -> Level[T] | None:
        return self.level_of(getattr(left_view, self.field), getattr(right_view, self.field))


def exact(prefix: str | None = None) -> Level[str]:
    """Equal values; with a prefix, the value is weighed by its frequency ("phone:+33…")."""
    if prefix is None:
        return Level("exact", operator.eq)
    return Level("exact", operator.eq, lambda left, right: (prefix + left,))


def jaro_winkler(at_least: float) -> Level[str]:
    return Level(
        f"jaro_winkler>={at_least}",
        lambda left, right: JaroWinkler.normalized_similarity(left, right) >= at_least,
    )
