"""The screen sets aside only pairs whose full score is `distinct`, never one it would keep."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dedup.engine import (
    COMPANY_MODEL,
    CONTACT_MODEL,
    TermFrequencies,
    Verdict,
    company_keys,
    company_terms,
    company_view,
    contact_view,
    for_base_size,
    score_companies,
)
from app.dedup.engine.screen import never_plain, plainly_distinct
from tests.dedup.engine.test_score import COMPANY_CASES, COMPANY_FIELDS, SNCF, SWITCHBOARD

MODEL = for_base_size(COMPANY_MODEL, 100_000)
BASE = TermFrequencies({}, 100_000)  # every value seen once: the strongest evidence there is

OTHER_PHONE = "04 72 10 30 30"
KEPT = [
    pytest.param({"name": "Dupont Négoce", "siren": "732829320"},
                 {"name": "Lefebvre Travaux", "siren": "732829320"}, id="same-siren-renamed"),
    pytest.param({"name": "Dupont", "siret": "73282932000074"},
                 {"name": "Garage Martin", "siret": "73282932000074"}, id="same-siret"),
    pytest.param({"name": "Dupont", "website": "acme.fr"},
                 {"name": "Garage Martin", "website": "www.acme.fr"}, id="same-website"),
    pytest.param({"name": "Dupont", "phone": SWITCHBOARD},
                 {"name": "Garage Martin", "phone": "+33142685300"}, id="same-phone"),
    pytest.param({"name": "SNCF"}, {"name": SNCF}, id="acronym"),
    pytest.param({"name": "IBM"}, {"name": "IBM France"}, id="branch"),
    pytest.param({"name": "Boulangerie Martin"}, {"name": "Martin"}, id="trade-left-out"),
    pytest.param({"name": "Transports Kerbrat"}, {"name": "Transports Kerbra"}, id="typo"),
    pytest.param({"name": "Dupont", "siren": "732829320"},
                 {"name": "Dupont", "siren": "552100554"}, id="one-name-two-sirens"),
    pytest.param({"name": "", "postcode": "69003", "street": "3 rue Garibaldi"},
                 {"name": "Dupont", "postcode": "69003", "street": "3 rue Garibaldi"},
                 id="a-name-missing"),
]  # fmt: skip
SET_ASIDE = [
    pytest.param({"name": "Boulangerie Martin", "phone": SWITCHBOARD},
                 {"name": "Menuiserie Lefebvre", "phone": OTHER_PHONE}, id="two-trades"),
    pytest.param({"name": "Kerbrat Conseil", "postcode": "69003", "street": "3 rue Garibaldi"},
                 {"name": "Ozanam Logistique", "postcode": "69003", "street": "3 rue Garibaldi"},
                 id="same-street-other-name"),
    pytest.param({"name": "Banque Nationale de Paris", "siren": "732829320"},
                 {"name": "Bureau National de la Presse", "siren": "552100554"},
                 id="same-initials-two-sirens"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b"), KEPT)
def test_pairs_that_agree_on_anything_deciding_are_weighed(a: dict, b: dict) -> None:
    left, right = company_view(a), company_view(b)
    assert not plainly_distinct(left, right, MODEL, BASE)
    assert not plainly_distinct(right, left, MODEL, BASE)


@pytest.mark.parametrize(("a", "b"), SET_ASIDE)
def test_pairs_with_nothing_in_common_are_set_aside_and_are_distinct(a: dict, b: dict) -> None:
    left, right = company_view(a), company_view(b)
    assert plainly_distinct(left, right, MODEL, BASE)
    assert plainly_distinct(right, left, MODEL, BASE)
    assert score_companies(left, right, MODEL, BASE).verdict is Verdict.DISTINCT


@pytest.mark.parametrize(("a", "b"), [p.values[:2] for p in COMPANY_CASES])
def test_no_matching_case_is_set_aside_unless_distinct(a: dict, b: dict) -> None:
    left, right = company_view(a), company_view(b)
    if plainly_distinct(left, right, MODEL, BASE):
        assert score_companies(left, right, MODEL, BASE).verdict is Verdict.DISTINCT


def test_without_term_counts_or_for_contacts_every_pair_is_weighed() -> None:
    a, b = SET_ASIDE[0].values[:2]
    assert not plainly_distinct(company_view(a), company_view(b), MODEL, None)
    people = contact_view({"first_name": "Jean"}), contact_view({"first_name": "Paul"})
    assert not plainly_distinct(*people, CONTACT_MODEL, BASE)  # type: ignore[arg-type]
    assert not never_plain(*people, CONTACT_MODEL, BASE)


def test_a_threshold_set_low_enough_turns_the_screen_off() -> None:
    a, b = SET_ASIDE[1].values[:2]
    left, right = company_view(a), company_view(b)
    anything = for_base_size(COMPANY_MODEL, 100_000, possible_at=1e-9, duplicate_at=1e-9)
    assert not plainly_distinct(left, right, anything, BASE)


def _generated_companies(n: int, seed: int) -> list[dict]:
    """Firms whose names share words and letters, in few towns: fuzzy keys meet often."""
    rnd = random.Random(seed)
    words = ["Dupont", "Martin", "Kerbrat", "Lefebvre", "Durand", "Bernard", "Duval", "Ozanam"]
    trades = ["Boulangerie", "Garage", "Transports", "Conseil", "Négoce", "Groupe", ""]
    forms = ["SAS", "SARL", "SA", ""]
    out = []
    for _ in range(n):
        parts = (rnd.choice(trades), rnd.choice(words), rnd.choice(words)[:6], rnd.choice(forms))
        name = " ".join(w for w in parts if w)
        out.append({
            "name": name,
            "phone": rnd.choice([SWITCHBOARD, OTHER_PHONE, ""]),
            "website": rnd.choice(["acme.fr", "dupont.fr", ""]),
            "postcode": rnd.choice(["69003", "75009", ""]),
            "street": rnd.choice(["3 rue Garibaldi", "12 avenue Foch", ""]),
            "city": rnd.choice(["Lyon", "Paris", ""]),
        })  # fmt: skip
    return out


def test_every_pair_of_a_small_base_set_aside_is_distinct_in_full() -> None:
    views = [company_view(r) for r in _generated_companies(400, seed=5)]
    base = TermFrequencies.of(company_terms(v) for v in views)
    model = for_base_size(COMPANY_MODEL, len(views))
    set_aside = 0
    for i, left in enumerate(views):
        keys = company_keys(left)
        for right in views[i + 1 :]:
            if not keys & company_keys(right) or not plainly_distinct(left, right, model, base):
                continue
            set_aside += 1
            assert score_companies(left, right, model, base).verdict is Verdict.DISTINCT
    assert set_aside > 500  # the screen was exercised, not idle


@settings(max_examples=400)
@given(COMPANY_FIELDS, COMPANY_FIELDS, st.sampled_from([1_000, 100_000, 10_000_000]))
def test_anything_set_aside_is_distinct_in_full(a: dict, b: dict, size: int) -> None:
    left, right = company_view(a), company_view(b)
    model = for_base_size(COMPANY_MODEL, size)
    base = TermFrequencies({}, size)
    if plainly_distinct(left, right, model, base):
        assert score_companies(left, right, model, base).verdict is Verdict.DISTINCT
