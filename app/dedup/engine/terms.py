"""Term-frequency terms: the values whose rarity the scorer weighs, as prefixed strings.

A term names one field value ("ln:kerbrat", "phone:+33123456789"). The caller counts, over
the stored base, how many records carry each term (most terms are also blocking keys, so
counting `match_keys` rows gives them) and passes the counts as `TermFrequencies`.
Comparisons and these builders share the prefixes below, so a term a level looks up is
always one a record produces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from app.dedup.engine.names import acronym_variants
from app.dedup.engine.normalise import CompanyView, ContactView

# contacts
EMAIL, LOCAL_PART, PHONE, FIRST_NAME, LAST_NAME, COMPANY, EMAIL_DOMAIN, JOB_TITLE = (
    "email:", "local:", "phone:", "fn:", "ln:", "co:", "ed:", "jt:",
)  # fmt: skip
# companies
SIREN, SIRET, DOMAIN, NAME, BASE, FINGERPRINT, ACRONYM, POSTCODE, CITY = (
    "siren:", "siret:", "domain:", "cn:", "cb:", "fp:", "acr:", "pc:", "city:",
)  # fmt: skip


def contact_terms(view: ContactView) -> frozenset[str]:
    terms: set[str] = set()
    if view.personal_email:
        terms.add(EMAIL + view.personal_email.address)
        terms.add(LOCAL_PART + view.personal_email.local)
        terms.add(EMAIL_DOMAIN + view.personal_email.domain)  # free-mail ones too
    if view.mobile:
        terms.add(PHONE + view.mobile)
    if view.first_name:
        terms.add(FIRST_NAME + view.first_name.compact)
    if view.last_name:
        terms.add(LAST_NAME + view.last_name.compact)
    if view.job_title:
        terms.add(JOB_TITLE + view.job_title)
    if view.workplace:
        work = view.workplace
        terms.update(
            prefix + value
            for prefix, value in ((PHONE, work.landline), (COMPANY, work.company_id),
                                  (EMAIL_DOMAIN, work.domain))
            if value
        )  # fmt: skip
    return frozenset(terms)


def company_terms(view: CompanyView) -> frozenset[str]:
    terms: set[str] = set()
    if view.name:
        terms.add(NAME + view.name.compact)
        terms.add(BASE + view.name.base)
        terms.add(FINGERPRINT + view.name.fingerprint)
        if view.name.is_acronym_like:
            terms.add(ACRONYM + view.name.base)
        terms.update(ACRONYM + a for a in acronym_variants(view.name))
    for prefix, value in ((SIREN, view.siren), (SIRET, view.siret), (DOMAIN, view.domain),
                          (PHONE, view.phone)):  # fmt: skip
        if value:
            terms.add(prefix + value)
    if view.address:
        if view.address.postcode:
            terms.add(POSTCODE + view.address.postcode)
        if view.address.city:
            terms.add(CITY + view.address.city)
    return frozenset(terms)


@dataclass(frozen=True, slots=True)
class TermFrequencies:
    """How many of `total` stored records carry each term."""

    counts: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    total: int = 1

    def count(self, term: str) -> int:
        return self.counts.get(term, 0)

    def frequency(self, term: str) -> float:
        # a value being compared exists at least once, so it is never rarer than 1 / total
        return max(self.counts.get(term, 0), 1) / max(self.total, 1)

    @classmethod
    def of(cls, term_sets: Iterable[frozenset[str]]) -> TermFrequencies:
        """Count terms over records held in memory (benchmarks, tests, small bases)."""
        counts: Counter[str] = Counter()
        total = 0
        for terms in term_sets:
            counts.update(terms)
            total += 1
        return cls(MappingProxyType(dict(counts)), total)
