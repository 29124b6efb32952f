"""Countries to ISO 3166-1 alpha-2."""

from __future__ import annotations

import pytest

from app.validation.country import alpha2_codes, to_alpha2, validate_country

CASES = [
    pytest.param("FR", "FR", id="code"),
    pytest.param("fr", "FR", id="lower-code"),
    pytest.param("FRA", "FR", id="alpha3"),
    pytest.param("France", "FR", id="name"),
    pytest.param("france", "FR", id="lower-name"),
    pytest.param("  FRANCE\u00a0", "FR", id="padding"),
    pytest.param("La France", "FR", id="article"),
    pytest.param("République française", "FR", id="official-name"),
    pytest.param("REPUBLIQUE FRANCAISE", "FR", id="official-caps-no-accents"),
    pytest.param("Allemagne", "DE", id="french-name"),
    pytest.param("Germany", "DE", id="english-name"),
    pytest.param("Deutschland", "DE", id="local-name"),
    pytest.param("DEU", "DE", id="de-alpha3"),
    pytest.param("UK", "GB", id="uk"),
    pytest.param("Royaume-Uni", "GB", id="royaume-uni"),
    pytest.param("Angleterre", "GB", id="england"),
    pytest.param("EL", "GR", id="eu-code-for-greece"),
    pytest.param("Belgique", "BE", id="belgique"),
    pytest.param("Suisse", "CH", id="suisse"),
    pytest.param("Etats-Unis", "US", id="etats-unis"),
    pytest.param("USA", "US", id="usa"),
    pytest.param("Côte d’Ivoire", "CI", id="typographic-apostrophe"),
    pytest.param("La Réunion", "RE", id="reunion"),
    pytest.param("Pays-Bas", "NL", id="pays-bas"),
    pytest.param("The Netherlands", "NL", id="english-article"),
    pytest.param("AQ", "AQ", id="any-alpha2"),
    pytest.param("XK", "XK", id="kosovo"),
]


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_country(raw: str, expected: str) -> None:
    assert to_alpha2(raw) == expected
    result = validate_country(raw)
    assert (result.value, result.findings) == (expected, ())


@pytest.mark.parametrize(
    ("raw", "suggestion"),
    [
        pytest.param("Frnace", "FR", id="transposition"),
        pytest.param("Allemagen", "DE", id="typo"),
        pytest.param("Belgiqe", "BE", id="missing-letter"),
        pytest.param("Atlantis", None, id="unknown"),
        pytest.param("ZZ", None, id="unassigned-code"),
        pytest.param("XYZ", None, id="unknown-alpha3"),
    ],
)
def test_unknown_country(raw: str, suggestion: str | None) -> None:
    result = validate_country(raw)
    assert result.value is None
    assert [(f.code, f.suggestion) for f in result.findings] == [("country.invalid", suggestion)]


def test_every_alpha2_code_is_known() -> None:
    codes = alpha2_codes()
    assert len(codes) == 250  # 249 ISO 3166-1 codes + XK
    assert all(to_alpha2(code) == code for code in codes)
    assert all(to_alpha2(code.lower()) == code for code in codes)


def test_wrong_type() -> None:
    assert [f.code for f in validate_country(33).findings] == ["field.wrong_type"]
