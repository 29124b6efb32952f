"""The serving process's heap and its garbage collector, set up once before requests.

CPython's full collections walk every tracked object, and the service holds a large heap
that can never be garbage (phone numbering metadata, word tables, parsed schemas) next to
caches that fill as lookups come (normalised views, folded names). In a lookup benchmark at
1M contacts, full collections paused one request in a hundred by 35–160 ms, all requests in
flight with it. So, before serving: the tables the matching engine loads on first use are
loaded, the heap as it then is is frozen out of every later collection (anything freed
afterwards is still freed by its refcount), and collections run less often
(`THRESHOLDS`: young collections every 50,000 net allocations instead of 700, a full one
at most every 100 middle ones), which left about half as many full collections in the
same benchmark.
"""

from __future__ import annotations

import gc

from app.dedup import engine
from app.dedup.engine import tables

_SAMPLE_CONTACT = {
    "first_name": "Jean-Pierre",
    "last_name": "de La Fontaine",
    "email": "jp.delafontaine@exemple.fr",
    "phone": "+33 6 12 34 56 78",
    "civility": "M.",
    "job_title": "Directeur achats",
    "country": "FR",
}
_SAMPLE_COMPANY = {
    "name": "Boulangerie Dupont SARL",
    "siren": "732829320",
    "website": "https://www.exemple.fr",
    "phone": "01 42 68 53 00",
    "street": "12 rue de la Paix",
    "postcode": "75002",
    "city": "Paris",
    "country": "FR",
}


# every shipped word table, loaded whether or not the samples below happen to need it
TABLES = (
    tables.noise_words,
    tables.trade_words,
    tables.generic_singulars,
    tables.suffix_words,
    tables.stop_words,
    tables.shared_hosts,
    tables.street_words,
    tables.nicknames,
)
THRESHOLDS = (50_000, 20, 100)  # gc.set_threshold: young, middle, full


def settle() -> None:
    """Load what the matching engine loads on first use, then freeze the heap as it is."""
    for table in TABLES:
        table()
    contact = engine.contact_view(_SAMPLE_CONTACT)
    company = engine.company_view(_SAMPLE_COMPANY)
    engine.score_contacts(contact, contact, engine.CONTACT_MODEL)
    engine.score_companies(company, company, engine.COMPANY_MODEL)
    engine.contact_keys(contact)
    engine.company_keys(company)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
