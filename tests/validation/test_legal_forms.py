"""Legal forms split off company names, in every usual spelling, without eating real names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.validation.legal_forms import (
    CANONICAL_FORMS,
    _split_tokens,
    _tokens,
    canonical_legal_form,
    is_legal_form,
    legal_form_spellings,
    split_legal_form,
)

SPLIT_CASES = [
    pytest.param("DUPONT SAS", ("DUPONT", "SAS"), id="suffix"),
    pytest.param("SARL Dupont & Fils", ("Dupont & Fils", "SARL"), id="prefix"),
    pytest.param("Dupont S.A.S.", ("Dupont", "SAS"), id="dotted"),
    pytest.param("Dupont S A R L", ("Dupont", "SARL"), id="spaced-letters"),
    pytest.param("Dupont S.A R.L.", ("Dupont", "SARL"), id="half-dotted"),
    pytest.param("dupont sarl", ("dupont", "SARL"), id="lower-case"),
    pytest.param("Dupont (SAS)", ("Dupont", "SAS"), id="parenthesised"),
    pytest.param("Dupont, SARL", ("Dupont", "SARL"), id="after-comma"),
    pytest.param("Dupont - SARL", ("Dupont", "SARL"), id="after-dash"),
    pytest.param("Dupont Sàrl", ("Dupont", "SARL"), id="swiss-accent"),
    pytest.param("Dupont Société par actions simplifiée", ("Dupont", "SAS"), id="spelled-out"),
    pytest.param("DUPONT SOCIETE PAR ACTIONS SIMPLIFIEE", ("DUPONT", "SAS"), id="spelled-caps"),
    pytest.param("Dupont société anonyme", ("Dupont", "SA"), id="societe-anonyme"),
    pytest.param("Dupont SASU", ("Dupont", "SASU"), id="sasu-not-sas"),
    pytest.param("Dupont EURL", ("Dupont", "EURL"), id="eurl"),
    pytest.param("SCI DU PARC", ("DU PARC", "SCI"), id="sci"),
    pytest.param("Jean Martin EI", ("Jean Martin", "EI"), id="ei"),
    pytest.param("Micro-entreprise Jean Martin", ("Jean Martin", "EI"), id="hyphenated-form"),
    pytest.param("Cabinet Martin SELARL", ("Cabinet Martin", "SELARL"), id="selarl"),
    pytest.param("Coop SCOP SA", ("Coop", "SCOP"), id="scop-sa-longest-wins"),
    pytest.param("GIE Les Vignerons", ("Les Vignerons", "GIE"), id="gie"),
    pytest.param("Müller GmbH", ("Müller", "GmbH"), id="gmbh"),
    pytest.param("Müller GmbH & Co. KG", ("Müller", "GmbH & Co. KG"), id="gmbh-co-kg"),
    pytest.param("Siemens AG", ("Siemens", "AG"), id="ag"),
    pytest.param("Acme Ltd.", ("Acme", "Ltd"), id="ltd-dotted"),
    pytest.param("Acme Limited", ("Acme", "Ltd"), id="limited"),
    pytest.param("Foo Co., Ltd.", ("Foo", "Ltd"), id="co-ltd"),
    pytest.param("Acme PLC", ("Acme", "PLC"), id="plc"),
    pytest.param("Acme, Inc.", ("Acme", "Inc"), id="inc"),
    pytest.param("Acme Corp.", ("Acme", "Corp"), id="corp"),
    pytest.param("Acme LLC", ("Acme", "LLC"), id="llc"),
    pytest.param("Fiat S.p.A.", ("Fiat", "SpA"), id="spa-dotted"),
    pytest.param("Fiat SpA", ("Fiat", "SpA"), id="spa-exact-case"),
    pytest.param("Rossi S.r.l.", ("Rossi", "SRL"), id="srl"),
    pytest.param("Philips N.V.", ("Philips", "NV"), id="nv"),
    pytest.param("Heineken B.V.", ("Heineken", "BV"), id="bv"),
    pytest.param("Zara SL", ("Zara", "SL"), id="sl"),
    pytest.param("SAP SE", ("SAP", "SE"), id="se"),
    pytest.param("Association Loi 1901 Les Amis", ("Les Amis", "Association"), id="asso-1901"),
    pytest.param("  Dupont\u00a0SAS  ", ("Dupont", "SAS"), id="nbsp-and-padding"),
    # not legal forms
    pytest.param("Société Générale", ("Société Générale", None), id="societe-alone-is-a-name"),
    pytest.param("Groupe Dupont", ("Groupe Dupont", None), id="groupe"),
    pytest.param("Dupont & Cie", ("Dupont & Cie", None), id="et-cie"),
    pytest.param("Les Thermes Spa", ("Les Thermes Spa", None), id="spa-the-place"),
    pytest.param("THERMES SPA", ("THERMES SPA", None), id="spa-in-caps-is-a-spa"),
    pytest.param("Sa Maison", ("Sa Maison", None), id="sa-the-possessive"),
    pytest.param("Dupont SA Paris", ("Dupont SA Paris", None), id="form-in-the-middle"),
    pytest.param("Sasha", ("Sasha", None), id="word-starting-like-a-form"),
    # a name that is only a legal form keeps it
    pytest.param("SA", ("SA", None), id="only-a-form"),
    pytest.param("Société Anonyme", ("Société Anonyme", None), id="only-a-spelled-form"),
    pytest.param("", ("", None), id="empty"),
    pytest.param("   ", ("", None), id="blank"),
]


@pytest.mark.parametrize(("name", "expected"), SPLIT_CASES)
def test_split_legal_form(name: str, expected: tuple[str, str | None]) -> None:
    assert split_legal_form(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("s.a.r.l.", "SARL", id="dotted-lower"),
        pytest.param("Société à responsabilité limitée", "SARL", id="spelled"),
        pytest.param("SOCIETE A RESPONSABILITE LIMITEE", "SARL", id="spelled-caps-no-accents"),
        pytest.param("sas", "SAS", id="lower"),
        pytest.param("spa", "SpA", id="alone-spa-means-the-form"),
        pytest.param("gmbh", "GmbH", id="gmbh"),
        pytest.param("Entreprise individuelle", "EI", id="ei-spelled"),
        pytest.param("Boulangerie", None, id="not-a-form"),
        pytest.param("", None, id="empty"),
    ],
)
def test_canonical_legal_form(text: str, expected: str | None) -> None:
    assert canonical_legal_form(text) == expected
    assert is_legal_form(text) is (expected is not None)


@pytest.mark.parametrize(("spelling", "canonical"), list(legal_form_spellings()))
def test_every_spelling_in_the_table_is_recognised_after_a_name(
    spelling: str, canonical: str
) -> None:
    assert canonical_legal_form(spelling) == canonical
    # in capitals, so that short forms that are also words ("SA", "SE") count too
    name, form = split_legal_form(f"DUPONT {spelling.upper()}")
    if canonical == "SpA" and "." not in spelling:
        return  # "SPA" in capitals is a spa, by design
    assert (name, form) == ("DUPONT", canonical)


def test_the_table_covers_the_forms_the_crm_meets() -> None:
    expected = {"SAS", "SASU", "SARL", "SA", "EURL", "SCI", "SNC", "SCOP", "SCA", "SCS", "GIE"}
    expected |= {"SELARL", "EI", "EIRL", "Association", "GmbH", "AG", "Ltd", "PLC", "Inc"}
    expected |= {"Corp", "LLC", "SpA", "SRL", "BV", "NV", "SL"}
    assert expected <= CANONICAL_FORMS


def test_huge_name_is_fast() -> None:
    name = "Dupont " * 20_000 + "SAS"
    assert split_legal_form(name)[1] == "SAS"


# names built from form spellings, their pieces and plain words, tied by the punctuation
# forms meet in real names
_PIECES = sorted(
    {s for spelling, _ in legal_form_spellings() for s in (spelling, *spelling.split())}
    | {"Dupont", "Fils", "-", "&", "(", ")", ",", "S.", "A.", "é", "x-y", "sa-", "-sas"}
)
_PIECE = st.one_of(st.sampled_from(_PIECES), st.text(max_size=4))
_NAMES = st.lists(_PIECE, max_size=6).map(" ".join)


@given(name=_NAMES)
@settings(max_examples=400, deadline=None)
def test_quick_refusal_agrees_with_reading_every_word(name: str) -> None:
    # split_legal_form refuses most names from their first and last pieces alone
    assert split_legal_form(name) == _split_tokens(_tokens(name), name)
