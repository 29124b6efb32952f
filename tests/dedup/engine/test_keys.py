"""Blocking keys: records that may be duplicates share one; generic values make none."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dedup.engine.keys import (
    COMPANY_KEY_PREFIXES,
    CONTACT_KEY_PREFIXES,
    bounded_keys,
    company_keys,
    contact_keys,
    is_blocking_key,
)
from app.dedup.engine.normalise import company_view, contact_view
from app.dedup.engine.terms import company_terms, contact_terms


def _company(**fields: object) -> frozenset[str]:
    return company_keys(company_view(fields))


def _contact(**fields: object) -> frozenset[str]:
    return contact_keys(contact_view(fields))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param({"name": "I.B.M"}, {"name": "I B M"}, id="dotted-and-spaced-acronym"),
        pytest.param({"name": "IBM"}, {"name": "IBM France"}, id="branch"),
        pytest.param(
            {"name": "SNCF"},
            {"name": "Société Nationale des Chemins de fer Français"},
            id="acronym",
        ),
        pytest.param(
            {"name": "BNP"}, {"name": "Banque Nationale de Paris"}, id="acronym-stop-word"
        ),
        pytest.param({"name": "Dupont SAS"}, {"name": "DUPONT S.A.S."}, id="legal-form"),
        pytest.param({"name": "Ets Dupont"}, {"name": "Dupont"}, id="noise-word"),
        pytest.param({"name": "Laboratoires Servier"}, {"name": "Servier"}, id="plural-trade"),
        pytest.param(
            {"name": "Établissements Kerbrat"}, {"name": "Etablissement Kerbrat"}, id="plural-noise"
        ),
        pytest.param({"name": "Dupont Logistique"}, {"name": "Dupont Logistiqe"}, id="typo"),
        pytest.param(
            {"name": "Renamed", "siren": "732829320"},
            {"name": "Other", "siret": "73282932000074"},
            id="siren-from-siret",
        ),
        pytest.param(
            {"name": "A", "phone": "01 23 45 67 89"},
            {"name": "B", "phone": "+33123456789"},
            id="phone-formats",
        ),
        pytest.param(
            {"name": "Fleurs & Jardins", "city": "Rennes"},
            {"name": "FLEURS ET JARDINS", "postcode": "35000", "city": "RENNES"},
            id="generic-name-in-one-town",
        ),
        pytest.param(
            {"name": "Plomberie Chauffage", "postcode": "69003", "city": "Lyon 3e"},
            {"name": "PLOMBERIE-CHAUFFAGE EURL", "postcode": "69003"},
            id="generic-name-at-one-postcode",
        ),
        pytest.param(
            {
                "name": "Penarpiaud et Fils SAS",
                "street": "26 av. du Stade",
                "postcode": "42000",
                "city": "Saint-Étienne",
            },
            {"name": "Penarpiaud et Fis", "street": "26 avenue du Stade", "city": "St-Étienne"},
            id="slip-in-a-short-word-same-street",
        ),
        pytest.param(
            {"name": "lecomte location", "street": "51 allée de l'Église", "city": "Toulouse"},
            {"name": "Levomtte Location", "street": "51 allee de l'Eglise", "city": "TOULOUSE"},
            id="two-slips-in-the-name-same-street",
        ),
        pytest.param(
            {"name": "Café Chanivenou", "postcode": "93200"},
            {"name": "CAÉ CHANIVENOU", "postcode": "93200", "city": "Saint-Denis"},
            id="slip-in-the-trade-same-postcode",
        ),
        pytest.param(
            {"name": "Caron Automobiles SARL", "city": "Lyon"},
            {"name": "Caron Automobiles SARM", "city": "Lyon 9e"},
            id="slip-in-the-legal-form-same-town",
        ),
    ],
)
def test_companies_that_may_match_share_a_key(left: dict, right: dict) -> None:
    assert _company(**left) & _company(**right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param(
            {"first_name": "Jean", "last_name": "Martin"},
            {"first_name": "Martin", "last_name": "Jean"},
            id="swapped",
        ),
        pytest.param(
            {"first_name": "Bob", "last_name": "Kerbrat"},
            {"first_name": "Robert", "last_name": "Kerbrat"},
            id="nickname",
        ),
        pytest.param(
            {"first_name": "Jean", "last_name": "Dupont"},
            {"first_name": "Jean", "last_name": "Dupond"},
            id="sounds-alike",
        ),
        pytest.param(
            {"first_name": "Emmanuelle", "last_name": "Tréruoneot"},
            {"first_name": "Emmanuelle", "last_name": "Trérouneot"},
            id="typo",
        ),
        pytest.param(
            {"email": "Jean.Martin@Acme.fr"}, {"email": "jean.martin@acme.fr"}, id="email"
        ),
        pytest.param({"phone": "06 12 34 56 78"}, {"phone": "+33612345678"}, id="mobile"),
        pytest.param(
            {"first_name": "Franck", "last_name": "Caspiarger", "company_id": "c1"},
            {"first_name": "Franck", "last_name": "Caqpiargre", "company_id": "c1"},
            id="two-slips-in-surname-same-employer",
        ),
        pytest.param(
            {"first_name": "Nathalie", "last_name": "Morin", "company_id": "c1"},
            {"first_name": "Nathalie", "last_name": "Mrin", "company_id": "c1"},
            id="short-surname-slip-same-employer",
        ),
        pytest.param(
            {"first_name": "Jacky", "last_name": "Gouelnière", "company_id": "c1"},
            {"first_name": "acky", "last_name": "Gouelnière", "company_id": "c1"},
            id="first-letter-dropped-same-employer",
        ),
        pytest.param(
            {"first_name": "Laurence", "last_name": "Etchebercheier", "company_id": "c1"},
            {"first_name": "L.", "last_name": "Etcheberchire", "company_id": "c1"},
            id="initial-and-surname-slip-same-employer",
        ),
        pytest.param(
            {"first_name": "Isabelle", "last_name": "Simon", "company_id": "c1"},
            {"first_name": "Simon", "last_name": "Iasbelle", "company_id": "c1"},
            id="swapped-with-a-slip-same-employer",
        ),
        pytest.param(
            {"first_name": "Françoise", "last_name": "Vaararès", "company_id": "c1"},
            {"first_name": "Françoise", "last_name": "Dubois", "company_id": "c1"},
            id="married-name-same-employer",
        ),
        pytest.param(
            {"first_name": "G.", "last_name": "Vidal", "email": "gaelle.vidal@gmail.com"},
            {"first_name": "Gaëlle", "last_name": "Vidal"},
            id="initial-spelled-out-by-the-email",
        ),
    ],
)
def test_contacts_that_may_match_share_a_key(left: dict, right: dict) -> None:
    assert _contact(**left) & _contact(**right)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        pytest.param(
            {"first_name": "Franck", "last_name": "Caspiarger", "company_id": "c1"},
            {"first_name": "Franck", "last_name": "Caqpiargre", "company_id": "c2"},
            id="other-employer",
        ),
        pytest.param(
            {"first_name": "Franck", "last_name": "Caspiarger"},
            {"first_name": "Franck", "last_name": "Caqpiargre"},
            id="no-employer",
        ),
        pytest.param(
            {"first_name": "J.", "last_name": "Caspiarger", "company_id": "c1"},
            {"first_name": "J.", "last_name": "Lombard", "company_id": "c1"},
            id="an-initial-alone-is-no-key",
        ),
    ],
)
def test_name_parts_and_initials_are_keys_only_within_one_employer(left: dict, right: dict) -> None:
    assert not _contact(**left) & _contact(**right)


def test_generic_values_make_no_key() -> None:
    assert not any(k.startswith(("cn:", "fp:")) for k in _company(name="Boulangerie"))
    # of no place, it could name any florist
    assert not any(k.startswith("gn:") for k in _company(name="Fleurs & Jardins"))
    assert not _company(name="Fleurs & Jardins", city="Lyon") & _company(
        name="Fleurs & Jardins", city="Brest"
    )
    assert not any(k.startswith(("cn:", "fp:")) for k in _company(name="Établissements SARL"))
    # a street, or a name's word, is a key only within one postcode or town
    in_place = ("sa:", "wa:")
    brest = {
        k
        for k in _company(name="Kerbrat", street="3 rue Neuve", city="Brest")
        if k.startswith(in_place)
    }
    lyon = {
        k
        for k in _company(name="Kerbrat", street="3 rue Neuve", city="Lyon")
        if k.startswith(in_place)
    }
    assert brest and lyon and not brest & lyon
    assert not any(k.startswith(in_place) for k in _company(name="Kerbrat", street="3 rue Neuve"))
    assert not any(k.startswith("domain:") for k in _company(name="X", website="gmail.com"))
    assert not any(k.startswith("email:") for k in _contact(email="contact@acme.fr"))
    assert _contact(email="contact@acme.fr") == frozenset()


def test_keys_are_prefixed_strings() -> None:
    keys = _company(name="Dupont", siren="732829320", website="dupont.fr", phone="0123456789")
    assert {"siren:732829320", "domain:dupont.fr", "phone:+33123456789", "cn:dupont"} <= keys
    assert all(":" in k and len(k) < 400 for k in keys)


def test_bounded_keys_drops_big_blocks_and_keeps_the_rarest_first() -> None:
    sizes = {"name:jean|martin": 5_000, "email:j@x.fr": 1, "phone:+331": 40, "ph:mrtn|j": 150}
    assert bounded_keys(sizes, sizes, max_block=200, max_candidates=1_000) == (
        "email:j@x.fr",
        "phone:+331",
        "ph:mrtn|j",
    )
    assert bounded_keys(sizes, sizes, max_block=200, max_candidates=100) == (
        "email:j@x.fr",
        "phone:+331",
    )
    assert bounded_keys(["new:key"], {}) == ("new:key",)  # an unseen key costs nothing


@given(
    st.dictionaries(
        st.sampled_from(["name", "first_name", "last_name", "email", "phone"]), st.text()
    )
)
def test_keys_never_raise_and_are_stable(fields: dict[str, str]) -> None:
    assert company_keys(company_view(fields)) == company_keys(company_view(fields))
    assert contact_keys(contact_view(fields)) == contact_keys(contact_view(fields))


def test_blocking_keys_are_told_apart_from_terms_by_prefix() -> None:
    company = company_view({"name": "Dupont", "siren": "732829320", "postcode": "69003"})
    contact = contact_view({"first_name": "Jean", "last_name": "Martin", "company_id": "c1",
                            "email": "jean.martin@acme.fr", "phone": "06 12 34 56 78"})  # fmt: skip
    for keys, terms, prefixes in (
        (company_keys(company), company_terms(company), COMPANY_KEY_PREFIXES),
        (contact_keys(contact), contact_terms(contact), CONTACT_KEY_PREFIXES),
    ):
        assert all(is_blocking_key(k, prefixes) for k in keys)
        term_only = terms - keys
        assert term_only and not any(is_blocking_key(k, prefixes) for k in term_only)
