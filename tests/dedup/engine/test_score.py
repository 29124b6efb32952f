"""Scoring: the matching cases a CRM meets, each with its expected verdict and reason."""

import pickle
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.dedup.engine import (
    COMPANY_MODEL,
    CONTACT_MODEL,
    TermFrequencies,
    Verdict,
    company_terms,
    company_view,
    contact_terms,
    contact_view,
    for_base_size,
    score_companies,
    score_contacts,
)
from app.dedup.engine.verdicts import orient

D, P, R, X = Verdict.DUPLICATE, Verdict.POSSIBLE, Verdict.RELATED, Verdict.DISTINCT
MATCH = {D, P}
SWITCHBOARD = "01 42 68 53 00"
MOBILE = "06 12 34 56 78"
SNCF = "Société Nationale des Chemins de fer Français"

COMPANY_CASES = [
    pytest.param({"name": "IBM", "phone": SWITCHBOARD}, {"name": "I.B.M", "phone": SWITCHBOARD},
                 {D}, "same name after removing the legal form", id="dotted-acronym"),
    pytest.param({"name": "I B M", "city": "Paris", "phone": SWITCHBOARD},
                 {"name": "IBM", "city": "Paris", "phone": "+33142685300"},
                 {D}, "same phone", id="spaced-acronym-reformatted-phone"),
    pytest.param({"name": "IBM"}, {"name": "IBM France"},
                 {R}, "different branch", id="ibm-vs-ibm-france"),
    pytest.param({"name": "SNCF", "phone": SWITCHBOARD, "city": "Paris"},
                 {"name": SNCF, "phone": SWITCHBOARD, "city": "Paris"},
                 MATCH, "acronym", id="sncf-full-name"),
    pytest.param({"name": "SNCF", "street": "2 place aux Étoiles", "postcode": "93200"},
                 {"name": SNCF, "street": "2 pl. aux Etoiles", "postcode": "93200"},
                 MATCH, "acronym", id="sncf-same-address"),
    pytest.param({"name": "BNP", "phone": SWITCHBOARD},
                 {"name": "Banque Nationale de Paris", "phone": SWITCHBOARD},
                 MATCH, "acronym", id="bnp-full-name"),
    pytest.param({"name": "Dupont Logistique", "siren": "732829320"},
                 {"name": "Transports Rapides du Nord", "siren": "732829320"},
                 {D}, "renamed", id="renamed-same-siren"),
    pytest.param({"name": "Dupont Logistique", "siret": "73282932000074"},
                 {"name": "Dupont Logistique", "siret": "73282932000090"},
                 {R}, "same company, different establishment", id="establishment"),
    pytest.param({"name": "Dupont", "siren": "732829320", "postcode": "69003"},
                 {"name": "Dupont", "siret": "73282932000090", "postcode": "13008"},
                 {R}, "another establishment", id="head-office-vs-establishment"),
    pytest.param({"name": "Dupont", "siren": "732829320", "phone": SWITCHBOARD},
                 {"name": "Dupont", "siren": "552100554", "phone": SWITCHBOARD},
                 {R}, "different SIREN", id="different-siren-never-duplicate"),
    pytest.param({"name": "Axoria Logistique", "website": "axoria.fr", "city": "Lyon"},
                 {"name": "Axoria Transports", "website": "https://www.axoria.fr", "city": "Paris"},
                 {R}, "same website domain", id="subsidiaries-share-a-domain"),
    pytest.param({"name": "Dupont SAS", "postcode": "69003", "phone": SWITCHBOARD},
                 {"name": "DUPONT S.A.S.", "postcode": "69003", "phone": SWITCHBOARD},
                 {D}, "same phone", id="legal-form-spellings"),
    pytest.param({"name": "Dupont Logistique", "postcode": "69003", "phone": SWITCHBOARD},
                 {"name": "Dupont Logistiqe", "postcode": "69003", "phone": SWITCHBOARD},
                 {D}, "similar after removing the legal form", id="typo"),
    pytest.param({"name": "Société Générale", "street": "29 bd Haussmann", "postcode": "75009"},
                 {"name": "SOCIETE GENERALE", "street": "29 boulevard Haussmann",
                  "postcode": "75009"},
                 {D}, "same street and postcode", id="accents-case-abbreviation"),
    pytest.param({"name": "Boulangerie Martin", "postcode": "69003"},
                 {"name": "Menuiserie Martin", "postcode": "69003"},
                 {X}, "different names", id="different-trades"),
    pytest.param({"name": "Garage du Centre", "city": "Lyon"},
                 {"name": "Garage du Centre", "city": "Brest"},
                 {X}, "different places", id="generic-name-elsewhere"),
    pytest.param({"name": "Laboratoires Servier", "city": "Suresnes", "phone": SWITCHBOARD},
                 {"name": "Servier", "city": "Suresnes", "phone": SWITCHBOARD},
                 MATCH, "same name apart from the trade", id="plural-trade-word-left-out"),
    pytest.param({"name": "Xofs Bâtiment", "siren": "732829320", "street": "84 rue Foch",
                  "postcode": "38000", "phone": SWITCHBOARD},
                 {"name": "XOFS BATIMENT EURL", "siren": "732829320",
                  "street": "9 bd Jean Jaurès", "postcode": "38000", "phone": SWITCHBOARD},
                 {D}, "moved?", id="same-siren-and-line-another-street"),
    pytest.param({"name": "Xofs Bâtiment", "siren": "732829320", "street": "84 rue Foch",
                  "postcode": "38000", "phone": SWITCHBOARD},
                 {"name": "XOFS BATIMENT EURL", "siren": "732829320",
                  "street": "9 bd Jean Jaurès", "postcode": "38000", "phone": "04 76 00 00 01"},
                 {R}, "another establishment?", id="same-siren-own-line-another-street"),
    pytest.param({"name": "Xofs", "siren": "732829320", "postcode": "38000", "city": "Grenoble",
                  "phone": SWITCHBOARD},
                 {"name": "Xofs", "siren": "732829320", "postcode": "69003", "city": "Lyon",
                  "phone": SWITCHBOARD},
                 {R}, "another establishment?", id="same-siren-national-line-other-town"),
    # an owner's property company or holding beside the firm that trades under his name
    pytest.param({"name": "SCI Beroueau", "street": "57 rue Jean Jaurès", "postcode": "69003",
                  "phone": SWITCHBOARD},
                 {"name": "Établissements Beroueau", "legal_form": "SARL",
                  "street": "57 rue Jean Jaurès", "postcode": "69003", "phone": SWITCHBOARD},
                 {R}, "an SCI or a holding", id="sci-beside-the-trading-firm"),
    pytest.param({"name": "Mercier Holding", "postcode": "69003", "phone": SWITCHBOARD},
                 {"name": "Transports Mercier SAS", "postcode": "69003", "phone": SWITCHBOARD},
                 {R}, "an SCI or a holding", id="holding-beside-the-trading-firm"),
    pytest.param({"name": "SCI Martin", "street": "5 rue Neuve", "postcode": "69003"},
                 {"name": "Boulangerie Martin", "street": "5 rue Neuve", "postcode": "69003"},
                 {R}, "an SCI or a holding", id="sci-beside-a-trade-name"),
    pytest.param({"name": "Carrosserie Guérin", "legal_form": "SCI", "phone": SWITCHBOARD,
                  "street": "170 rue du Commerce", "postcode": "67000"},
                 {"name": "Carrosserie Guerin", "phone": SWITCHBOARD,
                  "street": "170 rue du Commerce", "postcode": "67000"},
                 {D}, "same phone", id="a-trade-both-names-carry-tells-nothing"),
    pytest.param({"name": "SCI Kerbrat", "siren": "732829320", "postcode": "29200"},
                 {"name": "Kerbrat SARL", "siren": "732829320", "postcode": "29200"},
                 {D}, "same SIREN", id="one-siren-is-one-entity-whatever-its-form"),
    pytest.param({"name": "Dupont SARL", "street": "5 rue Neuve", "postcode": "69003"},
                 {"name": "Dupont SAS", "street": "5 rue Neuve", "postcode": "69003"},
                 {D}, "same street and postcode", id="sarl-turned-sas"),
    # a name typed alone (a web form, a bare import): nothing but a person can tell them apart
    pytest.param({"name": "IBM"}, {"name": "I.B.M"},
                 {P}, "nothing else to compare", id="name-alone-dotted-acronym"),
    pytest.param({"name": "Société Générale"}, {"name": "SOCIETE GENERALE SA"},
                 {P}, "nothing else to compare", id="name-alone-legal-form-and-accents"),
    pytest.param({"name": "BNP"}, {"name": "Banque Nationale de Paris"},
                 {P}, "nothing else to compare", id="name-alone-acronym"),
    pytest.param({"name": "Kerbrat Conseil"},
                 {"name": "KERBRAT CONSEIL", "siren": "732829320", "city": "Brest",
                  "phone": SWITCHBOARD, "website": "kerbrat-conseil.fr"},
                 {P}, "nothing else to compare", id="name-alone-against-a-full-record"),
    pytest.param({"name": "Siemens GmbH", "country": "DE"}, {"name": "Siemens AG", "country": "DE"},
                 {X}, "different legal forms", id="name-alone-other-legal-form"),
    pytest.param({"name": "Kerbrat Conseil", "country": "FR"},
                 {"name": "Kerbrat Conseil", "country": "BE"},
                 {X}, "same name after removing the legal form", id="name-alone-other-country"),
    pytest.param({"name": "Kerbrat Conseil"}, {"name": "Kerbrak Conseil"},
                 {X}, "similar", id="name-alone-typo-is-too-little"),
    pytest.param({"name": "Moët & Chandon", "city": "Épernay", "phone": SWITCHBOARD},
                 {"name": "MOET ET CHANDON", "city": "Epernay", "phone": SWITCHBOARD},
                 {D}, "same name after removing the legal form", id="ampersand-spelt-out"),
    pytest.param({"name": "Électricité de France (EDF)", "siren": "552081317"},
                 {"name": "Electricite de France SA", "siren": "552081317"},
                 {D}, "same name after removing the legal form", id="acronym-in-brackets"),
    pytest.param({"name": "Immobilière Kerbrat", "phone": SWITCHBOARD},
                 {"name": "Kerbrat Immobilier", "phone": SWITCHBOARD},
                 {D}, "same phone", id="trade-word-feminine-and-masculine"),
    pytest.param({"name": "EDF (Électricité de France)", "city": "Paris"},
                 {"name": "Électricité de France", "city": "Paris"},
                 {D, P}, "same name after removing the legal form", id="long-name-in-brackets"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "verdicts", "reason"), COMPANY_CASES)
def test_company_cases(a: dict, b: dict, verdicts: set, reason: str) -> None:
    result = score_companies(company_view(a), company_view(b), COMPANY_MODEL)
    assert result.verdict in verdicts, result
    assert any(reason in r for r in result.reasons), result.reasons


CONTACT_CASES = [
    pytest.param({"first_name": "Jean", "last_name": "Martin", "phone": SWITCHBOARD,
                  "company_id": "c1"},
                 {"first_name": "Jean", "last_name": "Martin", "phone": SWITCHBOARD,
                  "company_id": "c1"},
                 {P, X}, "could be namesakes", id="namesakes-shared-switchboard"),
    pytest.param({"first_name": "Jean", "last_name": "Martin", "email": "jean.martin@acme.fr"},
                 {"first_name": "JEAN", "last_name": "MARTIN", "email": "Jean.Martin@acme.fr"},
                 {D}, "same personal email", id="same-personal-email"),
    pytest.param({"first_name": "Jean", "last_name": "Kerbrat", "email": "contact@acme.fr"},
                 {"first_name": "Jean", "last_name": "Kerbrat", "email": "contact@acme.fr"},
                 {P, X}, "shared mailbox", id="generic-mailbox"),
    pytest.param({"first_name": "Jean", "last_name": "Martin", "email": "jean@gmail.com"},
                 {"first_name": "Paul", "last_name": "Durand", "email": "paul@gmail.com"},
                 {X}, "different first names", id="free-mail-links-nobody"),
    pytest.param({"first_name": "Bob", "last_name": "Kerbrat", "phone": "06 12 34 56 78"},
                 {"first_name": "Robert", "last_name": "Kerbrat", "phone": "+33612345678"},
                 {D}, "nickname", id="nickname-same-mobile"),
    pytest.param({"first_name": "Manu", "last_name": "Le Goff", "email": "m.legoff@acme.fr"},
                 {"first_name": "Emmanuel", "last_name": "Le Goff", "email": "m.legoff@acme.fr"},
                 {D}, "nickname", id="french-nickname"),
    pytest.param({"first_name": "Martin", "last_name": "Jean", "email": "jean.martin@acme.fr"},
                 {"first_name": "Jean", "last_name": "Martin", "email": "jean.martin@acme.fr"},
                 {D}, "swapped", id="swapped-names"),
    pytest.param({"first_name": "Jean", "last_name": "Dupont", "email": "jdupont@acme.fr"},
                 {"first_name": "Jean", "last_name": "Dupond", "email": "jdupont@acme.fr"},
                 {D}, "similar last names", id="typo-in-last-name"),
    pytest.param({"first_name": "Hélène", "last_name": "Lefèvre", "phone": "0612345678"},
                 {"first_name": "HELENE", "last_name": "Lefevre", "phone": "06 12 34 56 78"},
                 {D}, "same mobile phone", id="accents-dropped"),
    pytest.param({"first_name": "J-P", "last_name": "Kerbrat", "email": "jp.kerbrat@acme.fr"},
                 {"first_name": "Jean-Pierre", "last_name": "Kerbrat",
                  "email": "jp.kerbrat@acme.fr"},
                 {D}, "same personal email", id="hyphenated-initials"),
    # the owner's mobile or mailbox typed in for his family: a first name or civility apart
    pytest.param({"first_name": "Marie", "last_name": "Saronot", "civility": "Mme",
                  "phone": MOBILE, "company_id": "c1"},
                 {"first_name": "Louis", "last_name": "SARONOT", "civility": "M.",
                  "phone": MOBILE, "company_id": "c1"},
                 {X}, "two people sharing a phone", id="father-and-daughter-share-a-mobile"),
    pytest.param({"first_name": "Patrick", "last_name": "Bouabec", "phone": MOBILE,
                  "email": "p.bouabec@ets-bouabec.fr"},
                 {"first_name": "Jacques", "last_name": "Bouabec", "phone": MOBILE,
                  "email": "j.bouabec@ets-bouabec.fr"},
                 {R}, "two different first names in use", id="brothers-share-a-mobile"),
    pytest.param({"first_name": "Catherine", "last_name": "Desouac", "civility": "Mme",
                  "email": "famille.desouac@orange.fr"},
                 {"first_name": "Christine", "last_name": "Desouac", "civility": "Mme",
                  "email": "famille.desouac@orange.fr"},
                 {R}, "two different first names in use", id="sisters-share-a-mailbox"),
    # "Patrick" is in the shipped table, "Siphiee" in none: perhaps "Sophie" mistyped
    pytest.param({"first_name": "Patrick", "last_name": "Bouabec", "phone": MOBILE,
                  "email": "p.bouabec@ets-bouabec.fr"},
                 {"first_name": "Siphiee", "last_name": "Bouabec", "phone": MOBILE,
                  "email": "s.bouabec@ets-bouabec.fr"},
                 {P}, "relatives sharing a phone", id="unknown-first-name-may-be-a-typo"),
    pytest.param({"first_name": "Dominique", "last_name": "Kerbrat", "civility": "M.",
                  "email": "dominique.kerbrat@acme.fr"},
                 {"first_name": "Dominique", "last_name": "Kerbrat", "civility": "Mme",
                  "email": "dominique.kerbrat@acme.fr"},
                 {D}, "same personal email", id="civility-mistyped-same-work-email"),
    pytest.param({"last_name": "KERBRAT Yann", "email": "yann.kerbrat@orange.fr"},
                 {"first_name": "Yann", "last_name": "Kerbrat", "email": "yann.kerbrat@orange.fr"},
                 {D}, "same personal email", id="whole-name-in-one-field"),
    pytest.param({"first_name": "Bob", "last_name": "Kerbrat", "phone": MOBILE},
                 {"first_name": "Robert", "last_name": "Kerbrat", "phone": MOBILE},
                 {D}, "same mobile", id="nickname-is-no-other-first-name"),
    pytest.param({"first_name": "Marie", "last_name": "Kerbrat", "phone": SWITCHBOARD,
                  "company_id": "c1"},
                 {"first_name": "Yann", "last_name": "Kerbrat", "phone": SWITCHBOARD,
                  "company_id": "c1"},
                 {X}, "different first names", id="relatives-in-a-family-firm"),
    pytest.param({"first_name": "Jean", "last_name": "Martin", "email": "jean.martin@acme.fr"},
                 {"first_name": "Jean", "last_name": "Martin", "email": "jean.martin2@acme.fr"},
                 {X}, "numbered apart", id="numbered-namesake-at-same-domain"),
    pytest.param({"first_name": "Jean", "last_name": "Martin", "email": "jean.martin@gmail.com"},
                 {"first_name": "Jean", "last_name": "Martins", "email": "jean.martin@orange.fr"},
                 {X}, "same email name at another domain", id="email-name-follows-similar-name"),
    pytest.param({"first_name": "Élodie", "last_name": "Kerbrat", "phone": "06 12 34 56 78"},
                 {"first_name": "Élo", "last_name": "KERBRAT", "phone": "0612345678"},
                 {D}, "short form", id="short-form-same-mobile"),
    pytest.param({"first_name": "Anne", "last_name": "Roux", "email": "anne.roux@acme.fr"},
                 {"first_name": "Paul", "last_name": "Petit", "email": "paul.petit@acme.fr"},
                 {X}, "same email domain", id="colleagues-same-domain"),
    pytest.param({"first_name": "M.", "last_name": "Belpiilven", "phone": MOBILE},
                 {"first_name": "Belpiilven", "last_name": "Marie", "phone": MOBILE},
                 {D}, "first-name initials match", id="swapped-names-one-typed-as-initial"),
    pytest.param({"first_name": "Victor", "last_name": "Sarouvenoux", "phone": MOBILE},
                 {"first_name": "S.", "last_name": "Victor", "phone": MOBILE},
                 {D}, "first-name initials match", id="swapped-names-other-typed-as-initial"),
    pytest.param({"first_name": "Gaëlle", "last_name": "Martinez", "email": "g.martinez@acme.fr",
                  "company_id": "c1"},
                 {"first_name": "Gaëlle", "last_name": "Martin", "email": "g.martin@acme.fr",
                  "company_id": "c1"},
                 {P, X}, "emails differ as the names do", id="addresses-follow-other-names"),
    pytest.param({"first_name": "Danielle", "last_name": "Picard", "email": "danielle@acme.fr",
                  "phone": SWITCHBOARD},
                 {"first_name": "Daniel", "last_name": "Petit", "email": "daniel@acme.fr",
                  "phone": SWITCHBOARD},
                 {X}, "emails differ as the names do", id="first-name-addresses-of-colleagues"),
    pytest.param({"first_name": "Virginie", "last_name": "Bernard", "email": "vbernard@acme.fr"},
                 {"first_name": "Virginie", "last_name": "Bernar", "email": "v.bernard@acme.fr"},
                 {D}, "near-identical email", id="typo-in-name-not-in-address"),
    pytest.param({"first_name": "Franck", "last_name": "Caspiarger", "phone": MOBILE},
                 {"first_name": "Franck", "last_name": "Caqpiargre", "phone": MOBILE},
                 {D}, "last names two typos apart", id="two-typos-in-surname-same-mobile"),
    pytest.param({"first_name": "Franck", "last_name": "Caspiarger"},
                 {"first_name": "Franck", "last_name": "Caqpiargre"},
                 {X}, "last names two typos apart", id="two-typos-alone-is-not-enough"),
    pytest.param({"first_name": "G.", "last_name": "Vidal", "email": "gaelle.vidal@gmail.com",
                  "phone": MOBILE},
                 {"first_name": "Gaëlle", "last_name": "Vidal", "phone": MOBILE},
                 {D}, "same first name", id="initial-spelled-out-by-the-email"),
    pytest.param({"first_name": "J.", "last_name": "Kerbrat", "company_id": "c1"},
                 {"first_name": "J.", "last_name": "Kerbrat", "company_id": "c1"},
                 {P, X}, "first-name initials match", id="same-initial-weighs-as-an-initial"),
    pytest.param({"first_name": "Thi Thu", "last_name": "Nguyen", "email": "thu.nguyen@acme.fr"},
                 {"first_name": "Thu", "last_name": "Nguyen", "email": "thu.nguyen@acme.fr"},
                 {D}, "part of the other", id="goes-by-one-name-of-a-compound"),
    pytest.param({"first_name": "Marie-Claire", "last_name": "Kerbrat", "phone": MOBILE},
                 {"first_name": "Claire", "last_name": "Kerbrat", "phone": MOBILE},
                 {D}, "part of the other", id="second-name-of-a-compound-same-mobile"),
    pytest.param({"first_name": "Claire", "last_name": "Kerbrat", "company_id": "c1"},
                 {"first_name": "Marie-Claire", "last_name": "Kerbrat", "company_id": "c1"},
                 {P, X}, "part of the other", id="part-of-a-compound-alone-is-weak"),
    pytest.param({"first_name": "Anne", "last_name": "Martin-Dupont", "phone": MOBILE},
                 {"first_name": "Anne", "last_name": "Dupont-Martin", "phone": MOBILE},
                 {D}, "particles or a second name", id="double-surname-in-the-other-order"),
    pytest.param({"first_name": "Dr Pierre", "last_name": "Kerbrat", "phone": MOBILE},
                 {"first_name": "Pierre", "last_name": "Kerbrat", "phone": MOBILE},
                 {D}, "same first name", id="title-typed-in-the-name"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "verdicts", "reason"), CONTACT_CASES)
def test_contact_cases(a: dict, b: dict, verdicts: set, reason: str) -> None:
    result = score_contacts(contact_view(a), contact_view(b), CONTACT_MODEL)
    assert result.verdict in verdicts, result
    assert any(reason in r for r in result.reasons), result.reasons


def _base(views: list, terms) -> TermFrequencies:
    return TermFrequencies.of(terms(v) for v in views)


# Scored inside a base of 3,000 contacts where the firm (switchboard, record, mail domain)
# has eight people, as a namesake pair at a family firm is met in practice.
FAMILY_FIRM_CASES = [
    pytest.param({"first_name": "Jean", "last_name": "Kerbrat", "email": "jean.kerbrat@acme.fr",
                  "phone": SWITCHBOARD, "company_id": "c1", "job_title": "Gérant"},
                 {"first_name": "Jean", "last_name": "Kerbrat", "email": "jean.kerbrat2@acme.fr",
                  "phone": SWITCHBOARD, "company_id": "c1", "job_title": "Gérant"},
                 {X}, "numbered apart", id="father-and-son-in-the-family-firm"),
    pytest.param({"first_name": "Jean", "last_name": "Kerbrat", "email": "jean.kerbrat@acme.fr",
                  "phone": "06 12 34 56 78", "company_id": "c1"},
                 {"first_name": "Jean", "last_name": "Kerbrat", "email": "jkerbrat@acme.fr",
                  "phone": "+33 6 12 34 56 78", "company_id": "c1"},
                 {D}, "same mobile", id="second-email-at-same-firm-same-mobile"),
    pytest.param({"first_name": "Jean", "last_name": "Kerbrat", "civility": "M.",
                  "phone": SWITCHBOARD, "company_id": "c1", "job_title": "Président"},
                 {"first_name": "Jean", "last_name": "Kerbrat", "civility": "Monsieur",
                  "phone": SWITCHBOARD, "company_id": "c1", "job_title": "Président"},
                 {P}, "same job title", id="no-identifier-at-most-possible"),
    pytest.param({"first_name": "Camille", "last_name": "Kerbrat", "civility": "Mme",
                  "phone": SWITCHBOARD, "company_id": "c1", "job_title": "Gérante"},
                 {"first_name": "Camille", "last_name": "Kerbrat", "civility": "M.",
                  "phone": SWITCHBOARD, "company_id": "c1", "job_title": "Comptable"},
                 {X}, "different civilities", id="siblings-different-gender-and-title"),
    pytest.param({"first_name": "Yann", "last_name": "Kerbrat", "civility": "M.",
                  "phone": SWITCHBOARD, "company_id": "c1", "job_title": "Président"},
                 {"first_name": "Yann", "last_name": "Kerbrat", "civility": "M.",
                  "phone": SWITCHBOARD, "company_id": "c1", "job_title": "Technicien"},
                 {X}, "different job titles", id="same-name-same-firm-other-title"),
    # first names no table lists, but each carried by a couple of hundred stored records
    pytest.param({"first_name": "Élodie", "last_name": "Kerbrat", "phone": MOBILE,
                  "company_id": "c1"},
                 {"first_name": "Yann", "last_name": "Kerbrat", "phone": MOBILE,
                  "company_id": "c1"},
                 {R}, "two different first names in use", id="the-owners-mobile-given-to-his-son"),
    pytest.param({"first_name": "Élodie", "last_name": "Kerbrat", "phone": MOBILE,
                  "company_id": "c1"},
                 {"first_name": "Lodiee", "last_name": "Kerbrat", "phone": MOBILE,
                  "company_id": "c1"},
                 {P}, "different first names", id="a-first-name-nobody-has-may-be-a-typo"),
]  # fmt: skip
_TITLES = ("Gérant", "Comptable", "Commercial", "Assistante", "Président", "Technicien")
_FIRST = "Jean Marie Camille Pierre Anne Louis Julie Paul Sophie Luc Claire Michel Élodie Yann"


@pytest.fixture(scope="module")
def family_firm_base() -> list:
    others = [
        {"first_name": _FIRST.split()[i % 14], "last_name": f"Name{i}", "job_title": _TITLES[i % 6],
         "company_id": f"c{i % 900 + 2}", "email": f"q{i}.name{i}@firm{i % 900}.fr"}
        for i in range(3000)
    ]  # fmt: skip
    staff = [
        {"first_name": f"S{i}", "last_name": "Kerbrat" if i < 3 else f"Staff{i}",
         "phone": SWITCHBOARD, "company_id": "c1", "email": f"s{i}@acme.fr"}
        for i in range(6)
    ]  # fmt: skip
    return [contact_view(r) for r in others + staff]


@pytest.mark.parametrize(("a", "b", "verdicts", "reason"), FAMILY_FIRM_CASES)
def test_namesakes_in_a_family_firm(
    family_firm_base: list, a: dict, b: dict, verdicts: set, reason: str
) -> None:
    pair = [contact_view(a), contact_view(b)]
    frequencies = _base(family_firm_base + pair, contact_terms)
    model = for_base_size(CONTACT_MODEL, frequencies.total)
    result = score_contacts(*pair, model, frequencies)
    assert result.verdict in verdicts, result
    assert any(reason in r for r in result.reasons), result.reasons
    assert score_contacts(pair[1], pair[0], model, frequencies).verdict is result.verdict


# first name, last name of each record; how many stored records carry each name as what
ORIENT_CASES = [
    pytest.param(("Christian", "Bernard"), ("Bernard", "Christian"),
                 {"fn:christian": 60, "ln:bernard": 80, "fn:bernard": 10},
                 ("christian", "christian"), id="the-common-first-name-is-the-first-name"),
    pytest.param(("Guerin", "Jean"), ("Jean", "Guérin"),
                 {"fn:jean": 300, "ln:guerin": 40, "ln:jean": 2},
                 ("jean", "jean"), id="swapped-record-on-the-left"),
    pytest.param(("M.", "Belpiilven"), ("Belpiilven", "Marie"), {},
                 ("m", "marie"), id="initials-stand-for-a-first-name"),
    pytest.param(("Victor", "Sarouvenoux"), ("S.", "Victor"), {"fn:sarouvenoux": 1},
                 ("sarouvenoux", "s"), id="initials-before-frequencies"),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "counts", "first_names"), ORIENT_CASES)
def test_swapped_names_are_read_the_likelier_way(
    a: tuple, b: tuple, counts: dict, first_names: tuple
) -> None:
    left, right = (contact_view({"first_name": f, "last_name": n}) for f, n in (a, b))
    frequency = TermFrequencies(counts, 1_000).frequency
    oriented_left, oriented_right, swapped = orient(left, right, frequency)
    assert swapped
    assert oriented_left.first_name and oriented_right.first_name
    assert (oriented_left.first_name.compact, oriented_right.first_name.compact) == first_names
    back_right, back_left, _ = orient(right, left, frequency)
    assert (back_left, back_right) == (oriented_left, oriented_right)


def test_a_rare_surname_is_stronger_evidence_than_a_common_one() -> None:
    base = [contact_view({"first_name": f"P{i}", "last_name": "Martin"}) for i in range(300)]
    base += [contact_view({"first_name": f"Q{i}", "last_name": f"Name{i}"}) for i in range(700)]
    pair = {"first_name": "Jean"}
    martins = [contact_view(pair | {"last_name": "Martin"}) for _ in range(2)]
    kerbrats = [contact_view(pair | {"last_name": "Kerbrat"}) for _ in range(2)]
    frequencies = _base(base + martins + kerbrats, contact_terms)
    model = for_base_size(CONTACT_MODEL, frequencies.total)
    martin = score_contacts(*martins, model, frequencies)
    kerbrat = score_contacts(*kerbrats, model, frequencies)
    assert kerbrat.probability > martin.probability
    weight = {
        r: next(e.weight for e in r.evidence if e.field == "last_name") for r in (martin, kerbrat)
    }
    assert weight[kerbrat] > weight[martin] + 5


def test_a_common_name_alone_is_not_worth_a_look() -> None:
    """ "Boulangerie Martin" typed alone matches dozens of bakeries: no `possible` for each."""
    a = company_view({"name": "Boulangerie Martin"})
    b = company_view({"name": "BOULANGERIE MARTIN"})
    rare = TermFrequencies.of([company_terms(a), company_terms(b)])
    common = TermFrequencies.of([company_terms(a)] * 60 + [company_terms(b)])
    model = for_base_size(COMPANY_MODEL, 100_000)
    assert score_companies(a, b, model, TermFrequencies(rare.counts, 100_000)).verdict is P
    assert score_companies(a, b, model, TermFrequencies(common.counts, 100_000)).verdict is X


def test_a_rare_company_word_is_stronger_than_a_trade() -> None:
    base = [company_view({"name": f"Boulangerie {i}"}) for i in range(500)]
    common = [company_view({"name": "Boulangerie", "city": "Lyon"}) for _ in range(2)]
    rare = [company_view({"name": "Kerbrat Conseil", "city": "Lyon"}) for _ in range(2)]
    base += [company_view({"name": "Boulangerie", "city": "Lyon"}) for _ in range(60)]
    frequencies = _base(base + common + rare, company_terms)
    model = for_base_size(COMPANY_MODEL, frequencies.total)
    assert (
        score_companies(*rare, model, frequencies).probability
        > score_companies(*common, model, frequencies).probability
    )


def test_same_evidence_is_weaker_in_a_bigger_base_but_identifiers_hold() -> None:
    names = ({"first_name": "Jean", "last_name": "Kerbrat"},) * 2
    with_email = tuple(n | {"email": "jean.kerbrat@acme.fr"} for n in names)
    small, big = (for_base_size(CONTACT_MODEL, n) for n in (10_000, 1_000_000))
    by_name = [score_contacts(*map(contact_view, names), m) for m in (small, big)]
    assert by_name[0].probability > by_name[1].probability
    for model in (small, big):
        assert score_contacts(*map(contact_view, with_email), model).verdict is D


def test_evidence_names_every_field_and_null_levels_weigh_nothing() -> None:
    result = score_companies(
        company_view({"name": "Dupont"}), company_view({"name": "Dupont"}), COMPANY_MODEL
    )
    fields = [e.field for e in result.evidence]
    assert fields == [f.comparison.field for f in COMPANY_MODEL.fields]
    missing = [e for e in result.evidence if e.level is None]
    assert missing and all(e.weight == 0.0 for e in missing)
    assert result.level("name") == "exact"


def test_reasons_say_the_rule_first_then_the_heaviest_evidence() -> None:
    renamed = score_companies(
        company_view({"name": "Dupont Logistique", "siren": "732829320"}),
        company_view({"name": "Transports Martin", "siren": "732829320"}),
        COMPANY_MODEL,
    )
    assert renamed.reasons[:2] == ("same SIREN under another name: renamed?", "same SIREN")
    assert renamed.reasons[-1] == "different names"
    typo = score_companies(
        company_view({"name": "Boulangerie Kerbrat", "city": "Brest"}),
        company_view({"name": "Boulangerie Kerbrot", "city": "Brest"}),
        COMPANY_MODEL,
    )
    assert typo.reasons[-1].startswith("names 0.9")  # what only the comparison knew, last


def test_a_result_sent_to_another_process_says_the_same_reasons() -> None:
    # a scan's scoring processes pickle their results back; reasons are said on demand
    result = score_contacts(
        contact_view({"first_name": "Bob", "last_name": "Kerbrat", "email": "b.k@acme.fr"}),
        contact_view({"first_name": "Robert", "last_name": "Kerbrat", "email": "B.K@acme.fr"}),
        CONTACT_MODEL,
    )
    copy = pickle.loads(pickle.dumps(result))  # noqa: S301 - bytes this test just made
    assert copy == result
    assert copy.reasons == result.reasons and "same personal email" in copy.reasons


COMPANY_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["IBM", "I.B.M", "IBM France", "Dupont SAS", "SNCF", SNCF, ""]),
        "siren": st.sampled_from(["732829320", "552100554", ""]),
        "siret": st.sampled_from(["73282932000074", "73282932000090", ""]),
        "phone": st.sampled_from([SWITCHBOARD, "06 12 34 56 78", ""]),
        "website": st.sampled_from(["acme.fr", "www.acme.fr", "gmail.com", ""]),
        "postcode": st.sampled_from(["69003", "75009", ""]),
        "city": st.text(max_size=12),
    },
)
CONTACT_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "first_name": st.sampled_from(["Jean", "Martin", "Bob", "Robert", "J-P", "J.", ""]),
        "last_name": st.sampled_from(["Martin", "Jean", "Kerbrat", "Kerbrät", "Le Goff", ""]),
        "email": st.sampled_from(["jean.martin@acme.fr", "contact@acme.fr", "j@gmail.com", ""]),
        "phone": st.sampled_from([SWITCHBOARD, "06 12 34 56 78", ""]),
        "company_id": st.sampled_from(["c1", "c2", ""]),
        "civility": st.sampled_from(["M.", "Mme", "Dr", ""]),
    },
)


@settings(max_examples=300)
@given(COMPANY_FIELDS, COMPANY_FIELDS)
def test_company_score_is_symmetric(a: dict, b: dict) -> None:
    left, right = company_view(a), company_view(b)
    one, other = (
        score_companies(left, right, COMPANY_MODEL),
        score_companies(right, left, COMPANY_MODEL),
    )
    assert (one.probability, one.verdict, one.evidence) == (
        other.probability,
        other.verdict,
        other.evidence,
    )


@settings(max_examples=300)
@given(CONTACT_FIELDS, CONTACT_FIELDS)
def test_contact_score_is_symmetric(a: dict, b: dict) -> None:
    left, right = contact_view(a), contact_view(b)
    one, other = (
        score_contacts(left, right, CONTACT_MODEL),
        score_contacts(right, left, CONTACT_MODEL),
    )
    assert (one.probability, one.verdict, one.evidence) == (
        other.probability,
        other.verdict,
        other.evidence,
    )
    assert 0.0 <= one.probability <= 1.0


@given(st.text(), st.text())
def test_scoring_any_text_never_raises(a: str, b: str) -> None:
    fields = ("name", "first_name", "last_name", "email", "phone", "street", "city")
    left = {f: a for f in fields}
    right = {f: b for f in fields}
    score_companies(company_view(left), company_view(right), COMPANY_MODEL)
    score_contacts(contact_view(left), contact_view(right), CONTACT_MODEL)


def test_scoring_a_pair_takes_microseconds() -> None:
    left = company_view(
        {
            "name": "Dupont Logistique SAS",
            "siren": "732829320",
            "phone": SWITCHBOARD,
            "website": "dupont.fr",
            "street": "12 rue Pasteur",
            "postcode": "69003",
        }
    )
    right = company_view(
        {
            "name": "Dupond Logistique",
            "phone": SWITCHBOARD,
            "postcode": "69003",
            "street": "12 r. Pasteur",
        }
    )
    rounds = 2_000
    started = time.perf_counter()
    for _ in range(rounds):
        score_companies(left, right, COMPANY_MODEL)
    per_pair = (time.perf_counter() - started) / rounds
    assert per_pair < 500e-6  # generous for a shared CI machine; bench/ reports the real figure


def test_different_sirens_are_related_only_through_something_shared() -> None:
    common = [company_view({"name": "Dupont", "siren": "732829320", "city": "Lyon"}),
              company_view({"name": "Dupont", "siren": "552100554", "city": "Brest"})]  # fmt: skip
    base = common + [company_view({"name": "Dupont"}) for _ in range(50)]
    frequencies = _base(base, company_terms)
    model = for_base_size(COMPANY_MODEL, frequencies.total)
    assert score_companies(*common, model, frequencies).verdict is X
    sharing = [company_view({"name": "Dupont", "siren": s, "website": "dupont-groupe.fr"})
               for s in ("732829320", "552100554")]  # fmt: skip
    assert score_companies(*sharing, model, frequencies).verdict is R
