"""People's names (casing, particles, look-alikes) and civility."""

from __future__ import annotations

import pytest

from app.validation.findings import Severity
from app.validation.names import (
    CIVILITIES,
    canonical_civility,
    validate_civility,
    validate_first_name,
    validate_last_name,
)

FIRST_NAMES = [
    pytest.param("jean-pierre", "Jean-Pierre", id="hyphenated-lower"),
    pytest.param("JEAN-PIERRE", "Jean-Pierre", id="hyphenated-upper"),
    pytest.param("MARIE-ÉLISE", "Marie-Élise", id="accented-capital"),
    pytest.param("marie-élise", "Marie-Élise", id="accented-lower"),
    pytest.param("Marie-élise", "Marie-Élise", id="half-typed"),
    pytest.param("élodie", "Élodie", id="leading-accent"),
    pytest.param("e\u0301lodie", "Élodie", id="combining-accent"),
    pytest.param("zoë", "Zoë", id="diaeresis"),
    pytest.param("ÆLIS", "Ælis", id="ligature-letter"),
    pytest.param("dUPONT", "Dupont", id="caps-lock-inverted"),
    pytest.param("DeShawn", "DeShawn", id="mixed-case-kept"),
    pytest.param("  jean \u00a0 pierre ", "Jean Pierre", id="spaces-nbsp"),
    pytest.param("Jean - Pierre", "Jean-Pierre", id="spaced-hyphen"),
    pytest.param("Jean--Pierre", "Jean-Pierre", id="double-hyphen"),
    pytest.param("J.-P.", "J.-P.", id="initials"),
    pytest.param("Ｊｅａｎ", "Jean", id="fullwidth-nfkc"),
    pytest.param("Иван", "Иван", id="cyrillic-name-kept"),
    pytest.param("de", "De", id="particle-in-first-name-is-a-name"),
]


@pytest.mark.parametrize(("raw", "expected"), FIRST_NAMES)
def test_first_names(raw: str, expected: str) -> None:
    result = validate_first_name(raw)
    assert result.value == expected
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


LAST_NAMES = [
    pytest.param("DUPONT", "Dupont", id="caps"),
    pytest.param("o'brien", "O'Brien", id="o-brien"),
    pytest.param("O’BRIEN", "O'Brien", id="typographic-apostrophe"),
    pytest.param("mcdonald", "McDonald", id="mc-prefix"),
    pytest.param("McDonald", "McDonald", id="mc-kept"),
    pytest.param("MacDonald", "MacDonald", id="mac-kept"),
    pytest.param("DE LA FONTAINE", "de La Fontaine", id="de-la"),
    pytest.param("de la fontaine", "de La Fontaine", id="de-la-lower"),
    pytest.param("DU BELLAY", "du Bellay", id="du"),
    pytest.param("DES ESSARTS", "des Essarts", id="des"),
    pytest.param("D'ORMESSON", "d'Ormesson", id="d-apostrophe"),
    pytest.param("d’ormesson", "d'Ormesson", id="d-typographic-apostrophe"),
    pytest.param("d' Ormesson", "d'Ormesson", id="d-apostrophe-space"),
    pytest.param("LE GOFF", "Le Goff", id="article-le"),
    pytest.param("LA TOUR D'AUVERGNE", "La Tour d'Auvergne", id="article-and-particle"),
    pytest.param("DES", "Des", id="only-a-particle-is-a-name"),
    pytest.param("De Smet", "De Smet", id="typed-capital-particle-kept"),
    pytest.param("MARTIN-DUPONT", "Martin-Dupont", id="double-barrelled"),
    pytest.param("Dupont-", "Dupont", id="dangling-hyphen"),
    pytest.param("dupont\u200b", "Dupont", id="zero-width"),
]


@pytest.mark.parametrize(("raw", "expected"), LAST_NAMES)
def test_last_names(raw: str, expected: str) -> None:
    result = validate_last_name(raw)
    assert result.value == expected
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


REFUSED = [
    pytest.param("Jean2", "name.digits", id="digit"),
    pytest.param("Jean²", "name.digits", id="superscript-digit-after-nfkc"),
    pytest.param("J@an", "name.invalid_chars", id="at-sign"),
    pytest.param("Jean_Pierre", "name.invalid_chars", id="underscore"),
    pytest.param("Jean 😀", "name.invalid_chars", id="emoji"),
    pytest.param("---", "name.no_letters", id="only-hyphens"),
    pytest.param("'", "name.no_letters", id="only-apostrophe"),
    pytest.param("Dupоnt", "text.mixed_scripts", id="cyrillic-o"),
    pytest.param("Jean\x00", "text.control_chars", id="nul"),
    pytest.param("Jean\u202eDupont", "text.bidi_control", id="rtl-override"),
    pytest.param("a" * 201, "field.too_long", id="201-chars"),
    pytest.param("a" * 100_000, "field.too_long", id="100k"),
    pytest.param(42, "field.wrong_type", id="int"),
    pytest.param(["Jean"], "field.wrong_type", id="list"),
]


@pytest.mark.parametrize(("raw", "code"), REFUSED)
def test_refused_names(raw: object, code: str) -> None:
    for validator in (validate_first_name, validate_last_name):
        result = validator(raw)
        assert result.value is None
        assert [(f.code, f.severity) for f in result.findings] == [(code, Severity.ERROR)]


def test_lookalike_gets_a_latin_suggestion() -> None:
    (finding,) = validate_last_name("Dupоnt").findings
    assert finding.suggestion == "Dupont"


def test_invisible_characters_are_reported_as_info() -> None:
    result = validate_last_name("Dupont\u200d")
    assert [(f.code, f.severity) for f in result.findings] == [
        ("text.invisible_removed", Severity.INFO)
    ]


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0"])
def test_absent_names(raw: object) -> None:
    assert validate_last_name(raw).value is None
    assert validate_last_name(raw).findings == ()


CIVILITY_CASES = [
    *[pytest.param(raw, "M.", id=f"m-{raw}") for raw in ("M.", "M", "m", "Mr", "MR.", "Monsieur")],
    *[pytest.param(raw, "Mme", id=f"mme-{raw}") for raw in ("Mme", "Madame", "MME", "Mrs", "Ms")],
    *[pytest.param(raw, "Mme", id=f"mlle-{raw}") for raw in ("Mlle", "Mademoiselle", "Miss")],
    *[pytest.param(raw, "Dr", id=f"dr-{raw}") for raw in ("Dr", "Dr.", "Docteur", "doctor")],
    pytest.param("Pr", "Pr", id="pr"),
    pytest.param("Professeur", "Pr", id="professeur"),
    pytest.param("Maître", "Me", id="maitre-accent"),
    pytest.param("MAITRE", "Me", id="maitre-caps"),
    pytest.param(" monsieur\u00a0", "M.", id="padding"),
]


@pytest.mark.parametrize(("raw", "expected"), CIVILITY_CASES)
def test_civility(raw: str, expected: str) -> None:
    result = validate_civility(raw)
    assert (result.value, result.findings) == (expected, ())
    assert expected in CIVILITIES


def test_civility_missing_is_a_warning_unless_not_expected() -> None:
    for raw in (None, "", "  "):
        (finding,) = validate_civility(raw).findings
        assert (finding.code, finding.severity) == ("civility.missing", Severity.WARNING)
        assert validate_civility(raw, required=False).findings == ()


def test_unknown_civility_is_a_warning() -> None:
    result = validate_civility("Sa Majesté")
    assert result.value is None
    assert [(f.code, f.severity) for f in result.findings] == [
        ("civility.unknown", Severity.WARNING)
    ]


def test_wrong_type_civility_is_not_also_missing() -> None:
    assert [f.code for f in validate_civility(1).findings] == ["field.wrong_type"]


def test_canonical_civility_is_idempotent() -> None:
    for canonical in CIVILITIES:
        assert canonical_civility(canonical) == canonical
