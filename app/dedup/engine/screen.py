"""Company pairs that can only be `distinct`, told apart before they are weighed in full.

Most pairs a scan compares come from the fuzzy name keys (acronym, name sound, word prefixes
and suffixes): two firms whose names share a few letters and nothing else. Such a pair has no
identifier or channel in common and names that agree at no level; every rule that could make
it `duplicate` or `related` needs one of those, so its verdict is `distinct` unless its weight
could still reach the `possible` threshold. `plainly_distinct` checks exactly that, with every
remaining field counted at its best possible level, so it never hides a pair the full score
would keep: a scan and the accuracy benchmark skip the full score of about half their company
pairs, and lose none (tested pair by pair against the full score).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.dedup.engine.company_compare import NAME
from app.dedup.engine.compare import ELSE
from app.dedup.engine.model import LevelWeight, MatchModel
from app.dedup.engine.normalise import CompanyView
from app.dedup.engine.terms import TermFrequencies

# Fields whose agreement can decide a verdict by rule (see `verdicts.company_result`): a pair
# agreeing on any of them is always weighed in full.
_DECIDING = ("siren", "siret", "domain", "phone")


@dataclass(frozen=True, slots=True)
class _Bound:
    # log2-odds the pair can reach at most, before the deciding fields' disagreements
    ceiling: float
    # the weight of each deciding field's "else" level, taken when both values are there
    disagree: tuple[float, ...]


# by the model's fields and dependencies, its prior and the base's size: a lookup makes its
# model anew for every call (`for_base_size`), with the same fields and, mostly, base
_bounds: dict[tuple[int, int, float, int], tuple[object, object, _Bound | None]] = {}


def plainly_distinct(
    left: CompanyView,
    right: CompanyView,
    model: MatchModel,
    frequencies: TermFrequencies | None,
) -> bool:
    """Whether the pair's verdict is certainly `distinct` (False when unsure: then score it).

    Without term frequencies (a base whose counts were never refreshed) the model's default
    frequencies apply, which this bound does not cover: every pair is then weighed."""
    if frequencies is None:
        return False
    bound = _bound(model, frequencies.total)
    if bound is None:
        return False
    ceiling = bound.ceiling
    for field, weight in zip(_DECIDING, bound.disagree, strict=True):
        a, b = getattr(left, field), getattr(right, field)
        if a and b:
            if a == b:
                return False
            ceiling += weight
    if ceiling >= _needed(model) - 1e-9:  # cheap, before the names are compared
        return False
    if left.name is None or right.name is None:
        return False
    return NAME.level_of(left.name, right.name) is ELSE


def never_plain(left: object, right: object, model: MatchModel, frequencies: object) -> bool:
    """Contacts: colleagues and namesakes share so much by design that every candidate pair
    is weighed in full."""
    return False


def _needed(model: MatchModel) -> float:
    """The log2-odds of the lowest threshold: a pair below it is `distinct`."""
    p = min(model.possible_at, model.duplicate_at)
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log2(p / (1.0 - p))


def _bound(model: MatchModel, total: int) -> _Bound | None:
    key = (id(model.fields), id(model.dependencies), model.prior_weight, total)
    known = _bounds.get(key)
    if known is not None and known[0] is model.fields and known[1] is model.dependencies:
        return known[2]
    bound = _compute(model, total)
    if len(_bounds) > 256:  # bases grow a record at a time: never let this grow with them
        _bounds.clear()
    _bounds[key] = (model.fields, model.dependencies, bound)
    return bound


def _compute(model: MatchModel, total: int) -> _Bound | None:
    fields = {f.comparison.field: f for f in model.fields}
    if model.entity != "company" or model.dependencies or not {*_DECIDING, "name"} <= set(fields):
        return None  # only the company model's shape is known to follow the rules above
    ceiling = model.prior_weight + _weight(fields["name"].levels["else"], total)
    for name, field in fields.items():
        if name in _DECIDING or name == "name":
            continue
        ceiling += max(0.0, *(_weight(w, total) for w in field.levels.values()))
    disagree = tuple(_weight(fields[name].levels["else"], total) for name in _DECIDING)
    return _Bound(ceiling, disagree)


def _weight(level: LevelWeight, total: int) -> float:
    """The highest weight a level can carry: term frequencies only ever raise its u, to no
    less than `tf_scale / total` (a value is carried by at least one record)."""
    u = max(level.u, level.tf_scale / max(total, 1)) if level.tf_scale else level.u
    return math.log2(level.m / min(u, 1.0)) if u > 0 else math.inf
