"""Per-field levels: strongest first, null when a value is missing, always symmetric."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.dedup.engine.company_compare import ADDRESS, NAME
from app.dedup.engine.compare import ELSE, Comparison, exact, jaro_winkler
from app.dedup.engine.contact_compare import (
    FIRST_NAME,
    JOB_TITLE,
    LAST_NAME,
    PERSONAL_EMAIL,
    WORKPLACE,
)
from app.dedup.engine.model import COMPANY_MODEL, CONTACT_MODEL
from app.dedup.engine.normalise import company_view, contact_view


def _level(comparison: Comparison, left: object, right: object) -> str | None:
    found = comparison.level_of(left, right)
    return found.label if found else None


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        pytest.param("I.B.M", "ibm", "exact", id="acronym-spellings"),
        pytest.param("SNCF", "Société Nationale des Chemins de fer Français", "acronym", id="acr"),
        pytest.param("IBM", "IBM France", "same_base", id="branch"),
        pytest.param("Martin Boulangerie", "Boulangerie Martin", "same_words", id="word-order"),
        pytest.param("Ets Dupont", "Dupont", "same_words", id="noise-word"),
        pytest.param("Boulangerie Martin", "Martin", "same_core", id="trade-left-out"),
        pytest.param("Axoria Services", "Axorria", "similar_base", id="typo-and-branch"),
        pytest.param("Kerbrat Conseil Immo", "Kerbrat Conseil Imo", "similar>=0.9", id="typo"),
        pytest.param("Boulangerie Martin", "Menuiserie Martin", "else", id="other-trade"),
        pytest.param("Dupont", "", None, id="missing"),
    ],
)
def test_company_name_levels(a: str, b: str, level: str | None) -> None:
    left, right = company_view({"name": a}).name, company_view({"name": b}).name
    assert _level(NAME, left, right) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        pytest.param(
            ("12 rue Pasteur", "69003", "Lyon"),
            ("12 r. Pasteur", "69003", "LYON"),
            "same_street",
            id="abbreviation",
        ),
        pytest.param(
            ("12 rue Pasteur", "69003", "Lyon"),
            ("3 place Bellecour", "69003", "Lyon"),
            "same_postcode_other_street",
            id="other-street",
        ),
        pytest.param(
            ("", "69003", "Lyon"),
            ("3 place Bellecour", "69003", "Lyon"),
            "same_postcode",
            id="street-missing",
        ),
        pytest.param(("", "", "Lyon"), ("", "69003", "Lyon"), "same_city", id="postcode-missing"),
        pytest.param(
            ("", "69001", "Lyon"),
            ("", "69003", "Lyon"),
            "same_city_other_postcode",
            id="other-district",
        ),
        pytest.param(("", "69001", "Lyon"), ("", "69500", "Bron"), "same_department", id="dept"),
        pytest.param(("", "69001", "Lyon"), ("", "75001", "Paris"), "else", id="elsewhere"),
        pytest.param(("", "69001", ""), ("", "", "Lyon"), None, id="not-comparable"),
    ],
)
def test_address_levels(a: tuple, b: tuple, level: str | None) -> None:
    fields = ("street", "postcode", "city")
    left = company_view(dict(zip(fields, a, strict=True))).address
    right = company_view(dict(zip(fields, b, strict=True))).address
    assert _level(ADDRESS, left, right) == level


@pytest.mark.parametrize(
    ("field", "a", "b", "level"),
    [
        pytest.param("first_name", "Robert", "Bob", "nickname", id="nickname"),
        pytest.param("first_name", "Katherine", "Kate", "nickname", id="english-spelling"),
        pytest.param("first_name", "Grégoire", "Greg", "nickname", id="french-short-form"),
        pytest.param("first_name", "Jean-Pierre", "J-P", "nickname", id="initials-in-table"),
        pytest.param("first_name", "Sylvie", "S.", "initials", id="initial"),
        pytest.param("first_name", "Isabelle", "Isabelel", "similar", id="typo"),
        pytest.param("first_name", "Marie", "Yann", "else", id="other"),
        pytest.param("first_name", "Élodie", "ELO", "shortened", id="short-form"),
        pytest.param("first_name", "Apolline", "Apo", "shortened", id="short-form-2"),
        pytest.param("first_name", "Jean", "Jeanne", "similar", id="feminine-not-short"),
        pytest.param("first_name", "Louis", "Louise", "similar", id="one-letter-not-short"),
        pytest.param("first_name", "Al", "Alexandrine", "else", id="too-short-to-tell"),
        pytest.param("first_name", "Marie-Claire", "Claire", "part", id="one-of-a-compound"),
        pytest.param("first_name", "Luc", "Jean-Luc", "part", id="second-of-a-compound"),
        pytest.param("first_name", "Jean", "Jean-Luc", "similar", id="first-of-a-compound"),
        pytest.param("first_name", "J.", "Jean-Luc", "initials", id="initial-not-part"),
        pytest.param("first_name", "Luc", "Jean-Marc", "else", id="no-shared-word"),
        pytest.param("last_name", "de La Fontaine", "Fontaine", "same_core", id="particle"),
        pytest.param("last_name", "Martin-Dupont", "Martin", "same_core", id="double-name"),
        pytest.param(
            "last_name", "Martin-Dupont", "Dupont Martin", "same_core", id="double-name-swapped"
        ),
        pytest.param("last_name", "Dupont", "Dupond", "similar", id="sounds-alike"),
        pytest.param("last_name", "Lefèvre", "LEFEVRE", "exact", id="accents-and-case"),
        pytest.param("last_name", "Caspiarger", "Caqpiargre", "two_typos", id="two-slips"),
        pytest.param("last_name", "Estaat", "Etsaaat", "two_typos", id="two-slips-six-letters"),
        pytest.param("last_name", "Morel", "Merle", "else", id="short-names-two-apart"),
        pytest.param("last_name", "Dufour", "Lebrun", "else", id="other-surname"),
        pytest.param("first_name", "J.", "j", "initials", id="both-initials"),
        pytest.param("first_name", "JP", "J.-P.", "initials", id="same-initials-not-nickname"),
        pytest.param("first_name", "J.", "P.", "else", id="other-initials"),
    ],
)
def test_person_name_levels(field: str, a: str, b: str, level: str) -> None:
    comparison = FIRST_NAME if field == "first_name" else LAST_NAME
    left = getattr(contact_view({field: a}), field)
    right = getattr(contact_view({field: b}), field)
    assert _level(comparison, left, right) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        pytest.param("jean.martin@acme.fr", "Jean.Martin@ACME.fr", "exact", id="case"),
        pytest.param("jean.martin@acme.fr", "jean.martin@gmail.com", "same_local", id="moved"),
        pytest.param("jean.martin@acme.fr", "jean.matrin@acme.fr", "similar_local", id="typo"),
        pytest.param("jeanmartin@acme.fr", "jean.martin@acme.fr", "similar_local", id="dots-count"),
        pytest.param(
            "jean.martin@acme.fr", "jean.martin2@acme.fr", "numbered_apart", id="numbered-namesake"
        ),
        pytest.param(
            "jean.martin3@acme.fr", "jean.martin12@acme.fr", "numbered_apart", id="both-numbered"
        ),
        pytest.param(
            "jean.martin2@acme.fr",
            "jean.martin2@gmail.com",
            "same_local",
            id="same-number-elsewhere",
        ),
        pytest.param(
            "jean.martin@acme.fr", "jean.martin2@gmail.com", "else", id="numbered-at-another-domain"
        ),
        pytest.param("j.martin@acme.fr", "jean.martin@acme.fr", "else", id="second-alias"),
        pytest.param("a.martin@acme.fr", "m.martin@acme.fr", "else", id="relative"),
        pytest.param("jean.martin@acme.fr", "contact@acme.fr", None, id="role-mailbox"),
    ],
)
def test_personal_email_levels(a: str, b: str, level: str | None) -> None:
    left, right = contact_view({"email": a}), contact_view({"email": b})
    assert _level(PERSONAL_EMAIL, left.personal_email, right.personal_email) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        pytest.param(
            ("Gaëlle", "Martinez", "g.martinez@acme.fr"),
            ("Gaëlle", "Martin", "g.martin@acme.fr"),
            "follows_names",
            id="colleagues-addresses-follow-their-names",
        ),
        pytest.param(
            ("Danielle", "Picard", "danielle@acme.fr"),
            ("Daniel", "Petit", "daniel@acme.fr"),
            "follows_names",
            id="first-name-addresses",
        ),
        pytest.param(
            ("Marie", "Fereldet", "m.fereldet@acme.fr"),
            ("FERELEC", "manon", "m.ferelec@acme.fr"),
            "follows_names",
            id="one-record-swapped",
        ),
        pytest.param(
            ("Virginie", "Bernard", "vbernard@acme.fr"),
            ("Virginie", "Bernar", "v.bernard@acme.fr"),
            "similar_local",
            id="address-does-not-follow-the-typo",
        ),
        pytest.param(
            ("Jean", "Martin", "jean.martin@acme.fr"),
            ("Jean", "Martin", "jean.matrin@acme.fr"),
            "similar_local",
            id="typo-in-the-address-only",
        ),
        pytest.param(
            ("Gaëlle", "Martinez", "g.martinez@acme.fr"),
            ("Gaëlle", "Martin", "g.martin@other.fr"),
            "else",
            id="another-domain",
        ),
    ],
)
def test_personal_email_levels_read_the_names(a: tuple, b: tuple, level: str) -> None:
    keys = ("first_name", "last_name", "email")
    left = contact_view(dict(zip(keys, a, strict=True)))
    right = contact_view(dict(zip(keys, b, strict=True)))
    assert _level(PERSONAL_EMAIL, left.personal_email, right.personal_email) == level
    assert _level(PERSONAL_EMAIL, right.personal_email, left.personal_email) == level


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        pytest.param("Directrice Achats", "directrice achats", "exact", id="case"),
        pytest.param("Président", "PRESIDENT", "exact", id="accents"),
        pytest.param("Directeur commercial", "Directrice commerciale", "similar", id="gender"),
        pytest.param("DAF", "DAF adjoint", "similar", id="more-words"),
        pytest.param("Comptable", "Gérant", "else", id="other"),
        pytest.param("Comptable", "", None, id="missing"),
        pytest.param("Comptable", "  -- ", None, id="punctuation-only"),
        pytest.param("Ｃｏｍｐｔａｂｌｅ", "comptable", "exact", id="full-width"),
    ],
)
def test_job_title_levels(a: str, b: str, level: str | None) -> None:
    left, right = contact_view({"job_title": a}), contact_view({"job_title": b})
    assert _level(JOB_TITLE, left.job_title, right.job_title) == level


def test_workplace_needs_a_common_kind_of_evidence() -> None:
    by_phone = contact_view({"phone": "01 23 45 67 89"}).workplace
    by_company = contact_view({"company_id": "c1"}).workplace
    same_company = contact_view({"company_id": "c1", "email": "x@acme.fr"}).workplace
    other_company = contact_view({"company_id": "c2"}).workplace
    assert _level(WORKPLACE, by_phone, by_company) is None
    assert _level(WORKPLACE, by_company, same_company) == "same_company"
    assert _level(WORKPLACE, by_company, other_company) == "else"


def test_generic_levels() -> None:
    comparison = Comparison("city", (exact(), jaro_winkler(0.9)))
    assert _level(comparison, "paris", "paris") == "exact"
    assert _level(comparison, "marseille", "marseile") == "jaro_winkler>=0.9"
    assert comparison.level_of("paris", "lyon") is ELSE
    assert _level(comparison, "paris", "") is None
    assert _level(comparison, None, "paris") is None


TEXT = st.text(max_size=40)


@given(
    st.dictionaries(
        st.sampled_from(
            ["name", "street", "postcode", "city", "phone", "siren", "website", "legal_form"]
        ),
        TEXT,
    ),
    st.dictionaries(
        st.sampled_from(
            ["name", "street", "postcode", "city", "phone", "siren", "website", "legal_form"]
        ),
        TEXT,
    ),
)
def test_company_comparisons_are_symmetric(a: dict, b: dict) -> None:
    left, right = company_view(a), company_view(b)
    for field in COMPANY_MODEL.fields:
        c = field.comparison
        assert c.compare(left, right) == c.compare(right, left)


@given(
    st.dictionaries(
        st.sampled_from(["first_name", "last_name", "email", "phone", "company_id"]), TEXT
    ),
    st.dictionaries(
        st.sampled_from(["first_name", "last_name", "email", "phone", "company_id"]), TEXT
    ),
)
def test_contact_comparisons_are_symmetric(a: dict, b: dict) -> None:
    left, right = contact_view(a), contact_view(b)
    for field in CONTACT_MODEL.fields:
        c = field.comparison
        assert c.compare(left, right) == c.compare(right, left)
