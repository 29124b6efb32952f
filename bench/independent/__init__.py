"""Independent generator of French B2B CRM companies and contacts, with ground truth.

Written apart from the engine and from bench/generate.py, with its own habits, so the engine
is also measured on data its authors' generator does not shape (`--data independent`).
`generate(companies, contacts, dup_rate, seed)` returns both lists, shuffled, each record
with its `true_entity_id`; one seed always gives the same records.

Duplicates: `dup_rate` of the entities get a second record (15% of those a third), each a
copy passed through 2-4 of ~10 edit kinds (so each kind hits ~30%, some more):
companies -- name upper/title-cased (~50%), legal form added/dropped/moved to its field/re-spelled
"S.A.R.L." (~45%), "Ets"/"Cie"/"Sté"/"St"/"&" or the acronym of a long name (30%), one-letter
typo (24%), SIREN dropped (with SIRET/VAT), spaced, or only SIRET/VAT left (37%), website
www/https/slash or dropped (37%), phone reformatted/dropped/another line (47%: 55/25/20), street
abbreviated av./bd/Gal/St or upper-cased/dropped/moved in the city (37%: 60/25/15), city
accents/St-/postcode dropped/"Paris 8e" (37%); contacts -- last name upper-cased (44%), accents
stripped (34%), nickname/hyphenated first name split or initials/particle re-spelled (25%),
first/last swapped (10%), one-letter typo (25%), married name (2%), whole name in one field (4%),
email re-cased/dropped/other address/whitespace (33%: 35/30/25/10), phone reformatted/dropped/
other (40%: 50/30/20), job title shortened/changed/dropped (40%), company_id -> the duplicate
account, blank or a new employer (31%), civility and country re-spelled (25% each).
Hard negatives: Zipf surnames give namesakes; family businesses put relatives (sometimes father
and son with the same first name) on one switchboard; establishments share a SIREN and website
with their own SIRET and address; subsidiaries "X France"; SCI + SARL of one owner at one
address; generic shop names ("Pharmacie du Centre") in many cities; facebook.com "websites".
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from bench.independent.companies import CompanyMaker
from bench.independent.contacts import ContactMaker
from bench.independent.edits import duplicate_company, duplicate_contact
from bench.independent.source import Source, with_prob

__all__ = ["generate"]

Record = dict[str, Any]


def generate(
    companies: int, contacts: int, dup_rate: float, seed: int
) -> tuple[list[Record], list[Record]]:
    g = Source(seed)
    cm = CompanyMaker(g)
    while len(cm.records) < companies:
        cm.one_family()
    # a group's last establishments may overshoot the count
    del cm.records[companies:], cm.meta[companies:]
    n_src = len(cm.records)
    dup_company_of: dict[str, str] = {}

    def make_co(i: int) -> Record:
        d = duplicate_company(cm, i, dup_company_of)
        cm.records.append(d)  # so ids stay unique
        cm.meta.append(cm.meta[i])
        return d

    _add_dups(cm.records, n_src, dup_rate, g.rng, make_co)
    co_records = cm.records
    # contacts work at the original companies only; their duplicates may point at the copies
    ctm = ContactMaker(g, co_records[:n_src], cm.meta[:n_src])
    ctm.make(contacts)
    del ctm.records[contacts:], ctm.info[contacts:]
    n_ct = len(ctm.records)

    def make_ct(i: int) -> Record:
        d = duplicate_contact(ctm, i, dup_company_of)
        ctm.records.append(d)
        ctm.info.append(ctm.info[i])
        return d

    _add_dups(ctm.records, n_ct, dup_rate, g.rng, make_ct)
    # CRM imports are not sorted by entity
    g.rng.shuffle(co_records)
    g.rng.shuffle(ctm.records)
    return co_records, ctm.records


def _add_dups(
    records: list[Record],
    n_src: int,
    dup_rate: float,
    rng: random.Random,
    make: Callable[[int], Record],
) -> None:
    for i in rng.sample(range(n_src), int(n_src * dup_rate)):
        for _ in range(2 if with_prob(rng, 0.15) else 1):
            make(i)["true_entity_id"] = records[i]["true_entity_id"]
