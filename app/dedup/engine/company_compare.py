"""How two company views are compared, field by field (levels strongest first)."""

from __future__ import annotations

from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler

from app.dedup.engine import terms as t
from app.dedup.engine.channels import Address
from app.dedup.engine.compare import Comparison, Level, exact
from app.dedup.engine.names import CompanyName, abbreviates


def trades_compatible(a: CompanyName, b: CompanyName) -> bool:
    """ "Boulangerie Martin" and "Menuiserie Martin" are two businesses; "Martin" may be either."""
    return not a.trades or not b.trades or bool(a.trades & b.trades)


def name_similarity(a: CompanyName, b: CompanyName) -> float:
    """0..1 similarity of the names once legal forms and noise words are gone."""
    return _token_sort(a.fingerprint or a.full, b.fingerprint or b.full)


# Two fuzzy levels and the verdict's note ask for one pair's similarity in turn: the strings'
# hashes are cached by Python, so a lookup here costs less than comparing again.
@lru_cache(maxsize=256)
def _token_sort(a: str, b: str) -> float:
    return fuzz.token_sort_ratio(a, b) / 100.0


def _similar_bases(a: CompanyName, b: CompanyName) -> bool:
    return fuzz.ratio(a.base, b.base) >= 90


def _fuzzy(at_least: float) -> Level[CompanyName]:
    return Level(
        f"similar>={at_least}",
        lambda a, b: trades_compatible(a, b) and name_similarity(a, b) >= at_least,
        lambda a, b: _fingerprints(a, b),
    )


def _acronym_terms(a: CompanyName, b: CompanyName) -> tuple[str, ...]:
    short = a if a.is_acronym_like and abbreviates(a, b) else b
    return (t.ACRONYM + short.base,)


def _fingerprints(a: CompanyName, b: CompanyName) -> tuple[str, ...]:
    return (t.FINGERPRINT + a.fingerprint, t.FINGERPRINT + b.fingerprint)


NAME = Comparison(
    "name",
    (
        Level("exact", lambda a, b: a.compact == b.compact, lambda a, b: (t.NAME + a.compact,)),
        Level("acronym", lambda a, b: abbreviates(a, b) or abbreviates(b, a), _acronym_terms),
        Level(
            "same_base",  # "IBM" and "IBM France": one company and its branch, or two branches
            lambda a, b: a.base == b.base,
            lambda a, b: (t.BASE + a.base,),
        ),
        Level(
            "same_words",  # "Ets Dupont" = "Dupont", "Martin Boulangerie" = "Boulangerie Martin"
            lambda a, b: a.fingerprint != "" and a.fingerprint == b.fingerprint,
            _fingerprints,
        ),
        Level(
            "same_core",  # "Boulangerie Martin" and "Martin": the trade may be left out
            lambda a, b: (
                bool(a.distinctive)
                and set(a.distinctive) == set(b.distinctive)
                and trades_compatible(a, b)
            ),
            _fingerprints,
        ),
        Level(
            "similar_base",  # "IBM France" and "IMB": a typo and a branch
            lambda a, b: a.suffix != b.suffix and _similar_bases(a, b),
            _fingerprints,
        ),
        _fuzzy(0.9),
        _fuzzy(0.8),
    ),
)


def _same_place(a: Address, b: Address) -> bool:
    if a.postcode and b.postcode:
        return a.postcode == b.postcode
    return a.city != "" and a.city == b.city


def _same_postcode(a: Address, b: Address) -> bool:
    return a.postcode != "" and a.postcode == b.postcode


def _place_terms(a: Address, b: Address) -> tuple[str, ...]:
    return (t.POSTCODE + a.postcode,) if _same_postcode(a, b) else (t.CITY + a.city,)


def _streets_alike(a: Address, b: Address) -> bool:
    return JaroWinkler.normalized_similarity(a.street, b.street) >= 0.92


def _streets_differ(a: Address, b: Address) -> bool:
    return bool(a.street and b.street) and not _streets_alike(a, b)


def _same_city(a: Address, b: Address) -> bool:
    return not (a.postcode and b.postcode) and a.city != "" and a.city == b.city


# Each level below belongs to one pattern of missing values (both streets known or not, both
# postcodes known or not), and its m and u are read within that pattern, so a missing street
# neither helps nor hurts. Levels are tested in order, so later tests may omit earlier ones.
ADDRESS = Comparison(
    "address",
    (
        Level(
            "same_street",
            lambda a, b: _same_place(a, b) and bool(a.street and b.street) and _streets_alike(a, b),
            _place_terms,
        ),
        Level(
            "same_postcode_other_street",
            lambda a, b: _same_postcode(a, b) and _streets_differ(a, b),
            _place_terms,
        ),
        Level("same_postcode", _same_postcode, _place_terms),  # a street is missing
        Level(
            "same_city_other_street",
            lambda a, b: _same_city(a, b) and _streets_differ(a, b),
            lambda a, b: (t.CITY + a.city,),
        ),
        Level("same_city", _same_city, lambda a, b: (t.CITY + a.city,)),  # no street pair
        Level(
            "same_city_other_postcode",
            lambda a, b: a.city != "" and a.city == b.city,
            lambda a, b: (t.CITY + a.city,),
        ),
        Level("same_department", lambda a, b: a.department != "" and a.department == b.department),
    ),
    comparable=lambda a, b: bool((a.postcode and b.postcode) or (a.city and b.city)),
)

COMPANY_COMPARISONS: tuple[Comparison, ...] = (
    Comparison("siren", (exact(t.SIREN),)),
    Comparison("siret", (exact(t.SIRET),)),
    NAME,
    Comparison("legal_form", (exact(),)),
    Comparison("domain", (exact(t.DOMAIN),)),
    Comparison("phone", (exact(t.PHONE),)),
    ADDRESS,
    Comparison("country", (exact(),)),
)
