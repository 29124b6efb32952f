"""The dataset report's metrics: names, kinds, and how raw counts become values (pure).

A metric name is a contract (goals and snapshots store it): add names, never rename.

- `share` metrics count active records with a property; their value is count / records
  (0 to 1, rounded to 4 decimals; None on an empty dataset).
- `average` metrics are a mean over the records that have the input (the score average
  over scored records).
- `count` metrics are a plain count (`records`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

Entity = Literal["contact", "company"]
ENTITIES: tuple[str, ...] = get_args(Entity)
Kind = Literal["share", "average", "count"]
Better = Literal["higher", "lower"] | None

# Fields whose fill rate is reported, per entity (column names).
FILL_FIELDS: Mapping[str, tuple[str, ...]] = {
    "contact": (
        "civility",
        "first_name",
        "last_name",
        "email",
        "phone",
        "job_title",
        "job_function",
        "company_id",
        "country",
        "lifecycle_stage",
    ),
    "company": (
        "name",
        "legal_form",
        "siren",
        "siret",
        "vat_number",
        "website",
        "domain",
        "phone",
        "street",
        "postcode",
        "city",
        "country",
        "sector",
        "size",
    ),
}
STALE_DAYS: Mapping[str, int] = {"stale_12m": 365, "stale_24m": 730, "stale_36m": 1_095}
ROUND = 4


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    kind: Kind
    better: Better
    # The bounds a goal's target must lie within.
    low: float
    high: float | None


def _share(name: str, better: Better) -> Metric:
    return Metric(name, "share", better, 0.0, 1.0)


def _catalogue(entity: str) -> tuple[Metric, ...]:
    common_head = (
        Metric("records", "count", None, 0.0, None),
        Metric("score_average", "average", "higher", 0.0, 100.0),
        _share("unscored", "lower"),
        *(_share(f"fill.{f}", "higher") for f in FILL_FIELDS[entity]),
    )
    email = (
        _share("email_valid", "higher"),
        _share("email_invalid", "lower"),
        _share("email_suspicious", "lower"),
    )
    phone = (
        _share("phone_valid", "higher"),
        _share("phone_invalid", "lower"),
        _share("phone_suspicious", "lower"),
        _share("phone_not_e164", "lower"),
    )
    tail = (_share("duplicate", "lower"), *(_share(n, "lower") for n in STALE_DAYS))
    if entity == "company":
        return (*common_head, *phone, *tail)
    contact_only = (
        _share("civility_missing", "lower"),
        _share("retention_due", "lower"),
        _share("unsubscribed", None),
        _share("bounced", "lower"),
    )
    return (*common_head, *email, *phone, *tail, *contact_only)


CATALOGUE: Mapping[str, Mapping[str, Metric]] = {
    entity: {m.name: m for m in _catalogue(entity)} for entity in ENTITIES
}


def metric(entity: str, name: str) -> Metric | None:
    """The metric called `name` for `entity`, or None when there is none."""
    return CATALOGUE.get(entity, {}).get(name)


def counted(entity: str) -> tuple[str, ...]:
    """Share metrics, in catalogue order: what the aggregate query counts."""
    return tuple(m.name for m in CATALOGUE[entity].values() if m.kind == "share")


def share(count: int, records: int) -> float | None:
    return round(count / records, ROUND) if records else None


def add_up(rows: Iterable[Mapping[str, Any]], entity: str) -> dict[str, int]:
    """The counters of several groups of records, summed (groups never overlap)."""
    names = ("records", "score_sum", "scored", *counted(entity))
    totals = dict.fromkeys(names, 0)
    for row in rows:
        for name in names:
            totals[name] += int(row[name] or 0)
    return totals


def values(entity: str, row: Mapping[str, Any]) -> dict[str, dict[str, float | int | None]]:
    """`{metric: {"value", "count"}}` from counters: `records`, `score_sum` and `scored`
    (the scores' sum and how many there are) and one count per share metric."""
    records = int(row["records"] or 0)
    scored = int(row["scored"] or 0)
    out: dict[str, dict[str, float | int | None]] = {
        "records": {"value": records, "count": records},
        "score_average": {
            "value": round(int(row["score_sum"] or 0) / scored, 2) if scored else None,
            "count": None,
        },
    }
    for name in counted(entity):
        count = int(row[name] or 0)
        out[name] = {"value": share(count, records), "count": count}
    return out
