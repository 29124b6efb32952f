"""Scoring a pair: per-field evidence → match probability → verdict, with the reasons.

`score_companies` / `score_contacts` are the public entry points; both are symmetric in
their two records and cost a few tens of microseconds on precomputed views.
"""

from __future__ import annotations

import math

from app.dedup.engine.model import MatchModel
from app.dedup.engine.normalise import CompanyView, ContactView
from app.dedup.engine.result import Evidence, MatchResult
from app.dedup.engine.terms import TermFrequencies
from app.dedup.engine.verdicts import company_result, contact_result, orient


def weigh(
    left: object, right: object, model: MatchModel, frequencies: TermFrequencies | None
) -> tuple[Evidence, ...]:
    """Per-field evidence of a pair under `model`, term frequencies applied."""
    frequency = frequencies.frequency if frequencies is not None else model.default_frequency
    found: list[tuple[str, str | None, float, float]] = []  # field, level, m, u
    for field in model.fields:
        comparison = field.comparison
        name = comparison.field
        a, b = getattr(left, name), getattr(right, name)
        level = comparison.level_of(a, b)
        if level is None:
            found.append((name, None, 1.0, 1.0))
            continue
        weight = field.levels[level.label]
        u = weight.u
        if weight.tf_scale:
            agreed = [frequency(term) for term in level.terms(a, b)]
            if agreed:
                u = max(u, weight.tf_scale * (min(agreed) if weight.rarest else max(agreed)))
        found.append((name, level.label, weight.m, u))
    if model.dependencies:
        _apply_dependencies(model, found)
    return tuple(
        Evidence(name, label, math.log2(m / min(u, 1.0)) if label else 0.0)
        for name, label, m, u in found
    )


def _apply_dependencies(
    model: MatchModel, found: list[tuple[str, str | None, float, float]]
) -> None:
    index = {name: i for i, (name, *_) in enumerate(found)}
    for dep in model.dependencies:
        _, given_level, _, given_u = found[index[dep.given]]
        name, label, m, u = found[index[dep.field]]
        if given_level not in dep.given_levels or label not in dep.levels:
            continue
        if dep.given_group_at_most and given_u * model.base_size > dep.given_group_at_most:
            continue
        found[index[dep.field]] = (name, label, m, max(u, dep.u_at_least))


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
    return contact_result(left, right, evidence, p, model, swapped=swapped)
