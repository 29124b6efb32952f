"""Company names: cleaned, legal form out, capitals tamed, acronyms kept."""

from __future__ import annotations

import pytest

from app.validation.company_names import (
    normalise_company_name,
    recase_company_name,
    validate_company_name,
)

CASES = [
    pytest.param("DUPONT SAS", "Dupont", "SAS", id="caps-with-form"),
    pytest.param("Dupont SAS", "Dupont", "SAS", id="form-split"),
    pytest.param("IBM FRANCE", "IBM France", None, id="acronym-kept"),
    pytest.param("SNCF", "SNCF", None, id="vowelless-acronym"),
    pytest.param("EDF", "EDF", None, id="short-acronym"),
    pytest.param("KPMG", "KPMG", None, id="four-letter-vowelless"),
    pytest.param("RATP", "RATP", None, id="listed-acronym"),
    pytest.param("AXA ASSURANCES", "AXA Assurances", None, id="three-letter-acronym"),
    pytest.param("GROUPE SEB", "Groupe SEB", None, id="acronym-last"),
    pytest.param("3M FRANCE", "3M France", None, id="digit-acronym"),
    pytest.param("I.B.M.", "I.B.M.", None, id="dotted-acronym"),
    pytest.param("LA POSTE", "La Poste", None, id="article-first"),
    pytest.param("BOULANGERIE DE LA GARE", "Boulangerie de la Gare", None, id="function-words"),
    pytest.param("boulangerie de la gare", "Boulangerie de la Gare", None, id="all-lower"),
    pytest.param("ibm france", "IBM France", None, id="all-lower-acronym"),
    pytest.param("CAFE DU COMMERCE", "Cafe du Commerce", None, id="short-word-not-acronym"),
    pytest.param("BIO SUD", "Bio Sud", None, id="short-words"),
    pytest.param("GARAGE PAUL", "Garage Paul", None, id="first-name"),
    pytest.param("L'OREAL", "L'Oreal", None, id="apostrophe-first"),
    pytest.param("AUX DELICES D'ANTAN", "Aux Delices d'Antan", None, id="apostrophe-inside"),
    pytest.param("L’ATELIER", "L'Atelier", None, id="typographic-apostrophe"),
    pytest.param("A & B CONSULTING", "A & B Consulting", None, id="ampersand"),
    pytest.param("MARTIN-DUBOIS", "Martin-Dubois", None, id="hyphen"),
    pytest.param("BNP Paribas", "BNP Paribas", None, id="mixed-case-kept"),
    pytest.param("leboncoin", "Leboncoin", None, id="all-lower-brand"),
    pytest.param("McKinsey & Company", "McKinsey & Company", None, id="mixed-kept"),
    pytest.param("Société Générale", "Société Générale", None, id="societe-is-a-name"),
    pytest.param("SOCIÉTÉ GÉNÉRALE", "Société Générale", None, id="accented-caps"),
    pytest.param("SCI DU PARC", "SCI du Parc", "SCI", id="form-reads-with-name"),
    pytest.param(
        "Association des Amis du Louvre",
        "Association des Amis du Louvre",
        "Association",
        id="association-kept-in-display",
    ),
    pytest.param("  Dupont\u00a0\u00a0 & Fils  SARL ", "Dupont & Fils", "SARL", id="spacing"),
    pytest.param("SA", "SA", None, id="only-a-form"),
    pytest.param("Dupont SA SAS", "Dupont", "SAS", id="two-forms-outermost-wins"),
    # found by the idempotence property: one split left "GMBH 0", a second gave "0"
    pytest.param("GMBH 0 KG", "0", "KG", id="form-on-each-side"),
    pytest.param("Ｄｕｐｏｎｔ SAS", "Dupont", "SAS", id="fullwidth"),
]


@pytest.mark.parametrize(("raw", "name", "form"), CASES)
def test_validate_company_name(raw: str, name: str, form: str | None) -> None:
    result = validate_company_name(raw)
    assert (result.value, result.legal_form) == (name, form)
    codes = [f.code for f in result.findings]
    assert codes == (["company_name.legal_form_extracted"] if form else [])


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param("!!!", "company_name.no_letters", id="punctuation-only"),
        pytest.param("Dupоnt SAS", "text.mixed_scripts", id="cyrillic-o"),
        pytest.param("Dupont\u202eSAS", "text.bidi_control", id="rtl-override"),
        pytest.param("x" * 201, "field.too_long", id="too-long"),
        pytest.param(12, "field.wrong_type", id="number"),
    ],
)
def test_refused_company_names(raw: object, code: str) -> None:
    result = validate_company_name(raw)
    assert result.value is None
    assert [f.code for f in result.findings] == [code]


def test_lookalike_suggestion_is_latin() -> None:
    (finding,) = validate_company_name("Dupоnt SAS").findings
    assert finding.suggestion == "Dupont SAS"


@pytest.mark.parametrize("raw", [name for name, *_ in (c.values for c in CASES)])
def test_normalising_is_idempotent(raw: str) -> None:
    first = validate_company_name(raw)
    assert first.value is not None
    again, _ = normalise_company_name(first.value)
    assert again == first.value


def test_recase_leaves_mixed_case_alone() -> None:
    assert recase_company_name("deFacto Conseil") == "deFacto Conseil"
