"""Scoring a pair: per-field evidence → match probability → verdict, with the reasons.

`score_companies` / `score_contacts` are the public entry points; both are symmetric in
their two records and cost a few tens of microseconds on precomputed views.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from app.dedup.engine.compare import Level
from app.dedup.engine.model import MatchModel
from app.dedup.engine.normalise import CompanyView, ContactView
from app.dedup.engine.result import Evidence, MatchResult
from app.dedup.engine.terms import TermFrequencies
from app.dedup.engine.verdicts import company_result, contact_result, orient


@dataclass(frozen=True, slots=True)
class _FieldPlan:
    name: str
    level_of: Callable[[Any, Any], Level[Any] | None]
    # by level label: (m, u, tf_scale, rarest, the weight when no term frequency applies;
    # 0 when u is only a floor under the term frequency, which always applies then)
    levels: Mapping[str, tuple[float, float, float, bool, float]]


@dataclass(frozen=True, slots=True)
class _Plan:
    """A model's fields and dependencies laid out for the scoring loop, with the weight of
    every level that needs no term frequency worked out: a scan weighs millions of pairs
    under one model, so this is done once, not per pair."""

    fields: tuple[_FieldPlan, ...]
    # (given index, given levels, field index, field levels, u floor, group limit)
    dependencies: tuple[tuple[int, frozenset[str], int, frozenset[str], float, int | None], ...]


_plans: dict[int, tuple[object, _Plan]] = {}
# A base's counts give a model of their own after each full scan: the oldest layouts go.
_PLANS_KEPT = 32


def _plan(model: MatchModel) -> _Plan:
    """The plan of a model's fields; `for_base_size` copies share it (same fields)."""
    known = _plans.get(id(model.fields))
    if known is not None and known[0] is model.fields:
        return known[1]
    fields = tuple(
        _FieldPlan(
            field.comparison.field,
            field.comparison.level_of,
            {
                label: (w.m, w.u, w.tf_scale, w.rarest, _weight(w.m, w.u) if w.u else 0.0)
                for label, w in field.levels.items()
            },
        )
        for field in model.fields
    )
    index = {f.name: i for i, f in enumerate(fields)}
    dependencies = tuple(
        (index[d.given], d.given_levels, index[d.field], d.levels, d.u_at_least,
         d.given_group_at_most)
        for d in model.dependencies
    )  # fmt: skip
    plan = _Plan(fields, dependencies)
    _plans[id(model.fields)] = (model.fields, plan)
    if len(_plans) > _PLANS_KEPT:
        del _plans[next(iter(_plans))]
    return plan


def weigh(
    left: object, right: object, model: MatchModel, frequencies: TermFrequencies | None
) -> tuple[Evidence, ...]:
    """Per-field evidence of a pair under `model`, term frequencies applied."""
    frequency = frequencies.frequency if frequencies is not None else model.default_frequency
    plan = _plan(model)
    found: list[Evidence] = []
    us: list[float] = []  # the u of each level, for the dependencies
    for field in plan.fields:
        name = field.name
        a, b = getattr(left, name), getattr(right, name)
        level = field.level_of(a, b)
        if level is None:
            found.append(Evidence(name, None, 0.0))
            us.append(1.0)
            continue
        label = level.label
        m, u, tf_scale, rarest, weight = field.levels[label]
        if tf_scale:
            agreed = [frequency(term) for term in level.terms(a, b)]
            if agreed:
                tf_u = tf_scale * (min(agreed) if rarest else max(agreed))
                if tf_u > u:
                    u = tf_u
                    weight = _weight(m, u)
        found.append(Evidence(name, label, weight))
        us.append(u)
    for given, given_levels, at, levels, u_at_least, group_at_most in plan.dependencies:
        if found[given].level not in given_levels or found[at].level not in levels:
            continue
        if group_at_most and us[given] * model.base_size > group_at_most:
            continue
        if u_at_least > us[at]:
            name, label, _ = found[at]
            m = plan.fields[at].levels[label][0]  # type: ignore[index]
            found[at] = Evidence(name, label, _weight(m, u_at_least))
    return tuple(found)


def _weight(m: float, u: float) -> float:
    return math.log2(m / min(u, 1.0))


def probability(evidence: tuple[Evidence, ...], model: MatchModel) -> float:
    total = model.prior_weight + sum(e.weight for e in evidence)
    if total > 60:  # 2**-60 is below float resolution next to 1
        return 1.0
    return 1.0 / (1.0 + 2.0**-total)


def score_companies(
    left: CompanyView,
    right: CompanyView,
    model: MatchModel,
    frequencies: TermFrequencies | None = None,
) -> MatchResult:
    evidence = weigh(left, right, model, frequencies)
    return company_result(left, right, evidence, probability(evidence, model), model)


def score_contacts(
    left: ContactView,
    right: ContactView,
    model: MatchModel,
    frequencies: TermFrequencies | None = None,
) -> MatchResult:
    frequency = frequencies.frequency if frequencies is not None else model.default_frequency
    left, right, swapped = orient(left, right, frequency)
    evidence = weigh(left, right, model, frequencies)
    p = probability(evidence, model)
    return contact_result(left, right, evidence, p, model, swapped=swapped, frequencies=frequencies)
