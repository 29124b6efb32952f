"""Fellegi–Sunter match models as data: m and u per (field, level), a prior, thresholds.

m is how often a level is seen between two records of the same entity, u how often between
two records of different ones; a level weighs log2(m / u). For identifiers and names, u is
the frequency of the agreed value in the base times `tf_scale`, so "Kerbrat = Kerbrat"
outweighs "Martin = Martin", and a switchboard shared by 40 colleagues is weak. `tf_scale`
is the share of a value's repeats that belong to different entities: 1 for names and
switchboards (repeats are other people), small for identifiers (a repeated personal email
is mostly the same person keyed twice).

Levels of one comparison may belong to different patterns of missing values (a street
known on both sides or not, a first name typed as an initial): their m and u are read
within that pattern, so a missing value neither helps nor hurts.

Why one model holds at 10k and at 1M records: the prior odds that two random records match
are `match_rate / (N - 1)` and shrink with N, while the u of a rare value (count / N) shrinks
with N too, so evidence from identifiers keeps its meaning and evidence from common values
(first names, cities, fuzzy names) is worth less in a bigger base, as it should be.
`for_base_size(model, n)` sets that prior; the probability thresholds then stay put.

The m and u values are judgement from how CRM duplicates arise (re-keyed by hand, imported
twice, a second address), not fitted to a benchmark's truth.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from app.dedup.engine import terms as t
from app.dedup.engine.company_compare import COMPANY_COMPARISONS
from app.dedup.engine.compare import Comparison
from app.dedup.engine.contact_compare import CONTACT_COMPARISONS


@dataclass(frozen=True, slots=True)
class LevelWeight:
    m: float
    u: float  # fixed u, or the floor under the term-frequency u
    tf_scale: float = 0.0  # > 0: u = max(u, tf_scale × frequency of the agreed value)
    # for levels between two different spellings ("Nath" / "Nathalie"), the rarer spelling
    # says how often such a pair turns up by chance; for agreement on one value, the commoner
    rarest: bool = False


@dataclass(frozen=True, slots=True)
class FieldModel:
    comparison: Comparison
    levels: Mapping[str, LevelWeight]  # by level label, "else" included


@dataclass(frozen=True, slots=True)
class Dependency:
    """Agreement on `given` makes agreement on `field` more common among non-matches.

    Family members share a surname *and* a workplace; namesakes' email names come from their
    names. Fellegi–Sunter assumes fields independent; this floors u where they are not.
    """

    given: str
    given_levels: frozenset[str]
    field: str
    levels: frozenset[str]
    u_at_least: float
    # only when the agreed `given` value is shared by at most this many records (a small firm)
    given_group_at_most: int | None = None


@dataclass(frozen=True, slots=True)
class MatchModel:
    entity: str
    fields: tuple[FieldModel, ...]
    dependencies: tuple[Dependency, ...]
    # term prefix → (frequency, count): a term's frequency when no TermFrequencies are given
    # is max(frequency, count / base_size)
    default_terms: Mapping[str, tuple[float, float]]
    match_rate: float = 0.1  # expected duplicate partners per record (5–10 % duplicates)
    base_size: int = 100_000
    duplicate_at: float = 0.99
    possible_at: float = 0.5
    # log2 of the prior odds; set from the two above (read for every pair scored)
    prior_weight: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        rate = min(self.match_rate / max(self.base_size - 1, 1), 0.5)
        object.__setattr__(self, "prior_weight", math.log2(rate / (1.0 - rate)))

    def default_frequency(self, term: str) -> float:
        frequency, count = self.default_terms.get(term[: term.find(":") + 1], (0.0, 1.0))
        return max(frequency, count / max(self.base_size, 1))


def for_base_size(
    model: MatchModel,
    n: int,
    *,
    match_rate: float | None = None,
    duplicate_at: float | None = None,
    possible_at: float | None = None,
) -> MatchModel:
    """The model for a base of `n` records (the prior shrinks as n grows)."""
    return replace(
        model,
        base_size=max(int(n), 2),
        match_rate=model.match_rate if match_rate is None else match_rate,
        duplicate_at=model.duplicate_at if duplicate_at is None else duplicate_at,
        possible_at=model.possible_at if possible_at is None else possible_at,
    )


def _field(comparison: Comparison, **levels: LevelWeight) -> FieldModel:
    labels = {level.label for level in comparison.levels} | {"else"}
    assert set(levels) == labels, (comparison.field, labels ^ set(levels))
    return FieldModel(comparison, MappingProxyType(levels))


def _by_field(comparisons: tuple[Comparison, ...]) -> dict[str, Comparison]:
    return {c.field: c for c in comparisons}


W = LevelWeight
_co = _by_field(COMPANY_COMPARISONS)
COMPANY_MODEL = MatchModel(
    entity="company",
    fields=(
        _field(_co["siren"], exact=W(0.97, 0.0, 0.1), **{"else": W(0.03, 1.0)}),
        _field(_co["siret"], exact=W(0.9, 0.0, 0.02), **{"else": W(0.1, 1.0)}),
        _field(
            _co["name"],
            exact=W(0.5, 0.0, 0.25),
            acronym=W(0.03, 0.0, 1.0),
            same_base=W(0.02, 0.0, 1.0),
            same_words=W(0.12, 0.0, 0.5),
            same_core=W(0.05, 0.0, 2.0),
            similar_base=W(0.01, 0.0, 5.0),
            **{"similar>=0.9": W(0.15, 0.0, 2.0), "similar>=0.8": W(0.07, 0.0, 10.0)},
            **{"else": W(0.06, 1.0)},
        ),
        _field(_co["legal_form"], exact=W(0.9, 0.35), **{"else": W(0.1, 0.65)}),
        _field(_co["domain"], exact=W(0.75, 0.0, 0.5), **{"else": W(0.25, 1.0)}),
        _field(_co["phone"], exact=W(0.7, 0.0, 0.1), **{"else": W(0.3, 1.0)}),
        _field(
            _co["address"],
            same_street=W(0.85, 0.0, 0.05),
            same_postcode_other_street=W(0.04, 0.0, 0.95),
            same_postcode=W(0.9, 0.0, 1.0),
            same_city_other_street=W(0.04, 0.0, 0.95),
            same_city=W(0.85, 0.0, 1.0),
            same_city_other_postcode=W(0.04, 0.0, 1.0),
            same_department=W(0.02, 0.02),
            **{"else": W(0.06, 1.0)},
        ),
        _field(_co["country"], exact=W(0.99, 0.9), **{"else": W(0.01, 0.1)}),
    ),
    dependencies=(),
    default_terms=MappingProxyType(
        {
            t.POSTCODE: (0.002, 1.0),
            t.CITY: (0.005, 1.0),
            t.PHONE: (0.0, 2.0),
            t.DOMAIN: (0.0, 2.0),
            t.FINGERPRINT: (0.0, 2.0),
            t.NAME: (0.0, 2.0),
            t.BASE: (0.0, 3.0),
            t.ACRONYM: (0.0, 5.0),
        }
    ),
)

_ct = _by_field(CONTACT_COMPARISONS)
_WORKPLACE_AGREES = frozenset({"same_line", "same_company", "same_domain"})
CONTACT_MODEL = MatchModel(
    entity="contact",
    fields=(
        _field(
            _ct["first_name"],
            exact=W(0.84, 0.0, 1.0),
            nickname=W(0.05, 0.001, 1.0, rarest=True),
            # read within the pattern "one side typed initials": the initial agrees for
            # nearly every match and for one random pair in fifteen
            initials=W(0.95, 0.07),
            shortened=W(0.02, 0.003),
            similar=W(0.06, 0.003),
            part=W(0.01, 0.003),
            **{"else": W(0.02, 1.0)},
        ),
        _field(
            _ct["last_name"],
            exact=W(0.865, 0.0, 1.0),
            same_core=W(0.02, 0.0, 2.0),
            similar=W(0.07, 5e-5, 1.0),
            # real surnames two edits apart are about as many as those one edit apart
            # ("Bernard" / "Renard", "Perrin" / "Perrot"), and two slips are rarer than one
            two_typos=W(0.015, 5e-5, 5.0),
            **{"else": W(0.03, 1.0)},  # married names mostly
        ),
        _field(
            _ct["personal_email"],
            exact=W(0.7, 0.0, 0.02),
            same_local=W(0.06, 0.0, 0.5),
            follows_names=W(0.005, 0.005),  # no evidence either way
            similar_local=W(0.04, 0.0, 0.02),
            # read among pairs that already agree on the name, as the mail server's numbering
            # depends on it: most same-name pairs at one domain are told apart this way
            numbered_apart=W(0.003, 0.5),
            **{"else": W(0.2, 1.0)},
        ),
        _field(_ct["mobile"], exact=W(0.8, 0.0, 0.05), **{"else": W(0.2, 1.0)}),
        _field(
            _ct["workplace"],
            same_line=W(0.45, 0.0, 1.0),
            same_company=W(0.3, 0.0, 1.0),
            same_domain=W(0.1, 0.0, 1.0),
            **{"else": W(0.15, 1.0)},
        ),
        _field(_ct["civility"], exact=W(0.97, 0.5), **{"else": W(0.03, 0.5)}),
        _field(
            _ct["job_title"],
            exact=W(0.5, 0.05, 1.0),
            similar=W(0.15, 0.05),
            **{"else": W(0.3, 0.93)},
        ),
    ),
    dependencies=(
        # relatives in a small firm: 1 colleague pair in 50 shares a surname
        Dependency(
            "workplace",
            _WORKPLACE_AGREES,
            "last_name",
            frozenset({"exact", "same_core"}),
            0.02,
            given_group_at_most=30,
        ),
        # "jean.martin@" is what any Jean Martin gets: a shared email name follows the name
        Dependency(
            "last_name",
            frozenset({"exact", "same_core", "similar"}),
            "personal_email",
            frozenset({"same_local"}),
            0.2,
        ),
    ),
    default_terms=MappingProxyType(
        {
            t.FIRST_NAME: (0.01, 1.0),
            t.LAST_NAME: (0.001, 1.0),
            t.PHONE: (0.0, 2.0),
            t.COMPANY: (0.0, 5.0),
            t.EMAIL_DOMAIN: (0.0, 5.0),
            t.LOCAL_PART: (0.0, 2.0),
            t.JOB_TITLE: (0.05, 1.0),
        }
    ),
    # same name at the same firm with nothing personal agreeing is where the independence
    # assumption fails (relatives, father and son): below 0.8 such pairs are more often
    # namesakes than duplicates, so they are not worth a reviewer's time
    possible_at=0.8,
)
