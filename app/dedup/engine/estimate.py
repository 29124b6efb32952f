"""How often a base's duplicates keep a field's value, read from the base itself.

A level's m (how often two records of one entity show it) is judgement in the model, and
for some fields no single judgement fits every base: a CRM fed once by an import re-keys a
duplicate's job title as it was, one fed by three systems over the years holds another
title, a new mobile, a second mailbox. So the base is asked, as Splink's training asks it:
among the pairs the other fields settle on their own (without the field, their evidence
gives a probability of at least `SETTLED`), how often does each level of the field turn
up? Those shares, drawn towards the model's judgement by `PRIOR_PAIRS` pseudo-pairs so that
a base with few settled pairs keeps it, become the field's m. Nothing here reads the truth.
On our generator the shares read this way were within 0.02 of the true ones; on the
independent one a different title read 0.364 against 0.309 true and a different civility
0.031 against none: some pairs read as settled are two people (the README has the table).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import replace
from types import MappingProxyType

from app.dedup.engine import terms as t
from app.dedup.engine.model import MatchModel
from app.dedup.engine.result import Evidence

SETTLED = 0.999
PRIOR_PAIRS = 50.0
# the fields whose m a base may set: those duplicates keep or not depending on how the base
# was fed, never the names or identifiers that find the pairs in the first place
ESTIMATED: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"contact": ("job_title", "mobile", "personal_email", "civility"), "company": ()}
)
# The kinds of blocking key that bring together nearly every pair the other fields settle:
# settling takes an agreeing personal email or mobile. A pass that only counts (a base's
# first full scan) reads these blocks alone. On 100k generated contacts they hold 16 % of
# the candidate pairs (7 % on the independent data) and 97 % of the settled pairs' levels
# (99 %), and the m read from them gave the same F1 within 0.001.
SETTLED_AMONG: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"contact": (t.EMAIL, t.PHONE), "company": ()}
)
_SETTLED_WEIGHT = math.log2(SETTLED / (1.0 - SETTLED))


def settled_levels(
    evidence: Iterable[Evidence], model: MatchModel, fields: Collection[str]
) -> Iterator[tuple[str, str]]:
    """The (field, level) of each of `fields` compared in a pair that the other fields
    settle without it."""
    evidence = tuple(evidence)
    total = model.prior_weight + sum(e.weight for e in evidence)
    for e in evidence:
        if e.level is not None and e.field in fields and total - e.weight >= _SETTLED_WEIGHT:
            yield e.field, e.level


def with_estimates(
    model: MatchModel,
    counts: Mapping[tuple[str, str], int],
    *,
    prior_pairs: float = PRIOR_PAIRS,
) -> MatchModel:
    """`model` with the m of each field of `ESTIMATED` that has settled pairs in `counts`
    (by field and level) read from them; other fields keep the judgement. The m of a
    field's levels keep their sum (the judged share of pairs where both values are known,
    against which its u are set); a level no settled pair showed keeps a share of the
    judgement's pseudo-pairs, so its weight is low but finite."""
    estimated_fields = ESTIMATED.get(model.entity, ())
    by_field: dict[str, Counter[str]] = {}
    for (field, level), count in counts.items():
        # a bool is an int too
        if field in estimated_fields and type(count) is int and count > 0:
            by_field.setdefault(field, Counter())[level] += count
    fields = []
    for field_model in model.fields:
        seen = by_field.get(field_model.comparison.field)
        levels = field_model.levels
        mass = sum(w.m for w in levels.values())
        settled = sum(seen[label] for label in levels) if seen else 0
        if not settled or mass <= 0:
            fields.append(field_model)
            continue
        estimated = {
            label: replace(
                weight,
                m=mass * (seen[label] + prior_pairs * weight.m / mass) / (settled + prior_pairs),
            )
            for label, weight in levels.items()
        }
        fields.append(replace(field_model, levels=MappingProxyType(estimated)))
    return replace(model, fields=tuple(fields))
