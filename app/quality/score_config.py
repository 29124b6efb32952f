"""How the record score weighs things: data passed to the scorer, built once from settings.

Defaults hold without any setting; `CRMDQ_QUALITY_*` settings override parts of them and
are checked when the settings load, so a typo in a field name stops the service at start-up
rather than silently scoring with a weight of zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Literal

from app.validation.company import COMPANY_FIELDS
from app.validation.contact import CONTACT_FIELDS

Entity = Literal["contact", "company"]
DIMENSIONS: Final = ("completeness", "validity", "uniqueness", "timeliness", "consistency")

# Key fields and how much each one's absence costs, relative to the others of its entity.
DEFAULT_COMPLETENESS: Final[Mapping[str, Mapping[str, float]]] = MappingProxyType(
    {
        "contact": MappingProxyType(
            {
                "email": 3.0,
                "last_name": 2.0,
                "first_name": 2.0,
                "phone": 2.0,
                "company_id": 2.0,
                "job_title": 2.0,
                "civility": 1.0,
                "country": 1.0,
                "lifecycle_stage": 1.0,
                "lawful_basis": 1.0,
            }
        ),
        "company": MappingProxyType(
            {
                "name": 3.0,
                "siren": 3.0,
                "siret": 2.0,
                "website": 2.0,
                "phone": 2.0,
                "street": 1.0,
                "postcode": 1.0,
                "city": 1.0,
                "country": 1.0,
                "legal_form": 1.0,
                "sector": 1.0,
                "vat_number": 1.0,
            }
        ),
    }
)
DEFAULT_DIMENSION_WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "completeness": 0.30,
        "validity": 0.25,
        "uniqueness": 0.15,
        "timeliness": 0.15,
        "consistency": 0.15,
    }
)
DEFAULT_DECAY_PER_YEAR: Final = 0.40  # a year untouched keeps 60 % (the 30–70 % range)
# Fields a completeness weight may name besides the validated ones.
EXTRA_FIELDS: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(
    {
        "contact": ("additional_emails", "additional_phones", "owner_id"),
        "company": ("size", "owner_id", "domain"),
    }
)
MAX_WEIGHT: Final = 1_000.0


def scoreable_fields(entity: Entity) -> tuple[str, ...]:
    validated = CONTACT_FIELDS if entity == "contact" else COMPANY_FIELDS
    return validated + EXTRA_FIELDS[entity]


@dataclass(frozen=True, slots=True)
class QualityConfig:
    """Everything the pure scorer reads besides the record itself.

    `error_points` / `warning_points` are what one validator finding costs the validity
    dimension; the consistency checks cost the points in `consistency_points`.
    """

    completeness: Mapping[str, Mapping[str, float]] = field(
        default_factory=lambda: DEFAULT_COMPLETENESS
    )
    dimension_weights: Mapping[str, float] = field(
        default_factory=lambda: DEFAULT_DIMENSION_WEIGHTS
    )
    decay_per_year: float = DEFAULT_DECAY_PER_YEAR
    error_points: float = 50.0
    warning_points: float = 20.0
    not_e164_points: float = 20.0
    consistency_points: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                "siret.siren_mismatch": 60.0,
                "vat.siren_mismatch": 40.0,
                "phone.country_mismatch": 30.0,
                "email.domain_mismatch": 30.0,
                "postcode.city_mismatch": 25.0,
                "postcode.country_mismatch": 25.0,
                "legal_form.mismatch": 15.0,
            }
        )
    )

    @property
    def yearly_keep(self) -> float:
        return 1.0 - self.decay_per_year


def build_config(
    *,
    completeness: Mapping[str, Mapping[str, float]] | None = None,
    dimension_weights: Mapping[str, float] | None = None,
    decay_per_year: float | None = None,
) -> QualityConfig:
    """Defaults overridden by the given parts; ValueError (with the setting's name) when a
    part names an unknown field or dimension, or a weight is negative or not finite."""
    merged: dict[str, Mapping[str, float]] = {}
    for entity in ("contact", "company"):
        weights = dict(DEFAULT_COMPLETENESS[entity])
        overrides = dict((completeness or {}).get(entity, {}))
        unknown = set(overrides) - set(scoreable_fields(entity))
        if unknown:
            raise ValueError(
                f"CRMDQ_QUALITY_COMPLETENESS_WEIGHTS: {entity} has no field {sorted(unknown)}"
            )
        weights.update(_checked(overrides, "CRMDQ_QUALITY_COMPLETENESS_WEIGHTS"))
        weights = {k: v for k, v in weights.items() if v > 0}
        if not weights:
            raise ValueError(f"CRMDQ_QUALITY_COMPLETENESS_WEIGHTS: {entity} weighs no field")
        merged[entity] = MappingProxyType(weights)
    if extra := set(completeness or {}) - {"contact", "company"}:
        raise ValueError(f"CRMDQ_QUALITY_COMPLETENESS_WEIGHTS: unknown entity {sorted(extra)}")

    dims = dict(DEFAULT_DIMENSION_WEIGHTS)
    overrides = dict(dimension_weights or {})
    if unknown := set(overrides) - set(DIMENSIONS):
        raise ValueError(f"CRMDQ_QUALITY_DIMENSION_WEIGHTS: unknown dimension {sorted(unknown)}")
    dims.update(_checked(overrides, "CRMDQ_QUALITY_DIMENSION_WEIGHTS"))
    if sum(dims.values()) <= 0:
        raise ValueError("CRMDQ_QUALITY_DIMENSION_WEIGHTS: at least one weight must be > 0")

    decay = DEFAULT_DECAY_PER_YEAR if decay_per_year is None else decay_per_year
    if not (isinstance(decay, int | float) and 0.0 <= decay < 1.0 and math.isfinite(decay)):
        raise ValueError("CRMDQ_QUALITY_DECAY_PER_YEAR must be at least 0 and below 1")
    return QualityConfig(MappingProxyType(merged), MappingProxyType(dims), float(decay))


def _checked(weights: Mapping[str, object], setting: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ValueError(f"{setting}: the weight of {name} is not a number")
        if not (math.isfinite(weight) and 0.0 <= weight <= MAX_WEIGHT):
            raise ValueError(f"{setting}: the weight of {name} must be between 0 and {MAX_WEIGHT}")
        out[name] = float(weight)
    return out


DEFAULT_CONFIG: Final = build_config()
