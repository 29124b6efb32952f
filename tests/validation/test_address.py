"""Postcodes by country, French départements, cities and their consistency."""

from __future__ import annotations

import pytest

from app.validation.address import (
    city_key,
    city_postcode_finding,
    french_department,
    validate_city,
    validate_postcode,
)
from app.validation.findings import Severity

VALID = [
    pytest.param("75001", "FR", "75001", id="fr-paris"),
    pytest.param("75 001", "FR", "75001", id="fr-spaced"),
    pytest.param("F-75001", "FR", "75001", id="fr-old-prefix"),
    pytest.param("01000", "FR", "01000", id="fr-leading-zero"),
    pytest.param("20000", "FR", "20000", id="fr-corsica-2a"),
    pytest.param("20200", "FR", "20200", id="fr-corsica-2b"),
    pytest.param("97400", "FR", "97400", id="fr-reunion-as-fr"),
    pytest.param("97400", "RE", "97400", id="reunion"),
    pytest.param("97100", "GP", "97100", id="guadeloupe"),
    pytest.param("98000", "MC", "98000", id="monaco"),
    pytest.param("75001", None, "75001", id="no-country-means-fr"),
    pytest.param("1000", "BE", "1000", id="be"),
    pytest.param("B-1000", "BE", "1000", id="be-prefix"),
    pytest.param("1200", "CH", "1200", id="ch"),
    pytest.param("L-1234", "LU", "1234", id="lu-prefix"),
    pytest.param("10115", "DE", "10115", id="de"),
    pytest.param("28001", "ES", "28001", id="es"),
    pytest.param("00184", "IT", "00184", id="it-leading-zeros"),
    pytest.param("sw1a1aa", "GB", "SW1A 1AA", id="gb-compact-lower"),
    pytest.param("SW1A 1AA", "GB", "SW1A 1AA", id="gb"),
    pytest.param("M1 1AE", "GB", "M1 1AE", id="gb-short"),
    pytest.param("1234ab", "NL", "1234 AB", id="nl"),
    pytest.param("1000-001", "PT", "1000-001", id="pt"),
    pytest.param("00-950", "PL", "00-950", id="pl"),
    pytest.param("10001", "US", "10001", id="us"),
    pytest.param("100011234", "US", "10001-1234", id="us-zip4"),
    pytest.param("h2x1y4", "CA", "H2X 1Y4", id="ca"),
    pytest.param("A65F4E2", "IE", "A65 F4E2", id="ie-eircode"),
    pytest.param("ab-12", "ZZ", "AB-12", id="unknown-country-loose"),
]


@pytest.mark.parametrize(("raw", "country", "expected"), VALID)
def test_valid_postcodes(raw: str, country: str | None, expected: str) -> None:
    result = validate_postcode(raw, country=country)
    assert result.value == expected
    assert result.findings == ()


INVALID = [
    pytest.param("7500", "FR", "07500", id="fr-four-digits-suggests-padding"),
    pytest.param("1000", "FR", "01000", id="fr-excel-ate-the-zero"),
    pytest.param("750011", "FR", None, id="fr-six-digits"),
    pytest.param("00100", "FR", None, id="fr-department-00"),
    pytest.param("96000", "FR", None, id="fr-department-96"),
    pytest.param("ABCDE", "FR", None, id="fr-letters"),
    pytest.param("0000", "FR", None, id="fr-zeros"),
    pytest.param("75001", "MC", None, id="monaco-needs-980"),
    pytest.param("75001", "RE", None, id="reunion-needs-974"),
    pytest.param("10000", "BE", None, id="be-five-digits"),
    pytest.param("1234", "DE", None, id="de-four-digits"),
    pytest.param("12345", "GB", None, id="gb-digits"),
    pytest.param("!!", "ZZ", None, id="loose-garbage"),
]


@pytest.mark.parametrize(("raw", "country", "suggestion"), INVALID)
def test_invalid_postcodes(raw: str, country: str, suggestion: str | None) -> None:
    result = validate_postcode(raw, country=country)
    assert result.value is None
    (finding,) = result.findings
    assert (finding.code, finding.severity, finding.suggestion) == (
        "postcode.invalid",
        Severity.ERROR,
        suggestion,
    )
    assert dict(finding.params)["country"] == country


def test_monaco_postcode_in_france_is_a_country_warning() -> None:
    result = validate_postcode("98000", country="FR")
    assert result.value == "98000"
    (finding,) = result.findings
    assert (finding.code, dict(finding.params)) == (
        "postcode.country_mismatch",
        {"expected_country": "MC"},
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param(75001, "field.wrong_type", id="int"),
        pytest.param("7" * 100_000, "field.too_long", id="100k"),
    ],
)
def test_postcode_wrong_input(raw: object, code: str) -> None:
    assert [f.code for f in validate_postcode(raw, country="FR").findings] == [code]


@pytest.mark.parametrize(
    ("postcode", "department"),
    [
        pytest.param("75001", "75", id="paris"),
        pytest.param("01000", "01", id="ain"),
        pytest.param("20000", "2A", id="ajaccio"),
        pytest.param("20190", "2A", id="corse-du-sud-edge"),
        pytest.param("20200", "2B", id="bastia"),
        pytest.param("20600", "2B", id="haute-corse"),
        pytest.param("97400", "974", id="reunion"),
        pytest.param("97600", "976", id="mayotte"),
        pytest.param("98000", None, id="monaco"),
    ],
)
def test_french_department(postcode: str, department: str | None) -> None:
    assert french_department(postcode) == department


CITIES = [
    pytest.param("PARIS", "Paris", id="caps"),
    pytest.param("AIX-EN-PROVENCE", "Aix-en-Provence", id="en"),
    pytest.param("villeneuve-d'ascq", "Villeneuve-d'Ascq", id="d-apostrophe"),
    pytest.param("VILLENEUVE-D’ASCQ", "Villeneuve-d'Ascq", id="typographic-apostrophe"),
    pytest.param("SAINT-MAUR-DES-FOSSÉS", "Saint-Maur-des-Fossés", id="des"),
    pytest.param("LE HAVRE", "Le Havre", id="article-first"),
    pytest.param("BRIVE-LA-GAILLARDE", "Brive-la-Gaillarde", id="article-inside"),
    pytest.param("paris cedex 08", "Paris CEDEX 08", id="cedex"),
    pytest.param("Saint-Étienne", "Saint-Étienne", id="mixed-kept"),
    pytest.param("  lyon\u00a0 ", "Lyon", id="nbsp"),
]


@pytest.mark.parametrize(("raw", "expected"), CITIES)
def test_city(raw: str, expected: str) -> None:
    result = validate_city(raw)
    assert (result.value, result.findings) == (expected, ())


def test_city_without_letters_is_refused() -> None:
    assert [f.code for f in validate_city("75001").findings] == ["name.no_letters"]


@pytest.mark.parametrize(
    ("city", "key"),
    [
        pytest.param("Saint-Étienne", "saint etienne", id="accents-hyphen"),
        pytest.param("St-Étienne", "saint etienne", id="st"),
        pytest.param("Ste-Foy", "sainte foy", id="ste"),
        pytest.param("Paris Cedex 08", "paris", id="cedex"),
        pytest.param("Lyon 3e", "lyon", id="arrondissement"),
        pytest.param("Marseille 8e arrondissement", "marseille", id="arrondissement-long"),
        pytest.param("Villeneuve-d'Ascq", "villeneuve d ascq", id="apostrophe"),
    ],
)
def test_city_key(city: str, key: str) -> None:
    assert city_key(city) == key


CONSISTENCY = [
    pytest.param("Lyon", "75001", "FR", "69", id="lyon-with-paris-postcode"),
    pytest.param("Lyon", "69003", "FR", None, id="lyon-ok"),
    pytest.param("Lyon 3e", "69003", "FR", None, id="arrondissement-ok"),
    pytest.param("Paris Cedex 08", "75008", "FR", None, id="cedex-ok"),
    pytest.param("Bastia", "20000", "FR", "2B", id="bastia-is-2b"),
    pytest.param("Ajaccio", "20000", "FR", None, id="ajaccio-is-2a"),
    pytest.param("Saint-Denis", "93200", "FR", None, id="saint-denis-93"),
    pytest.param("Saint-Denis", "97400", "FR", None, id="saint-denis-reunion"),
    pytest.param("Saint-Denis", "69000", "FR", "93, 974", id="saint-denis-elsewhere"),
    pytest.param("Trifouilly-les-Oies", "75001", "FR", None, id="unknown-city-not-checked"),
    pytest.param("Lyon", "10115", "DE", None, id="not-france"),
    pytest.param("Lyon", None, "FR", None, id="no-postcode"),
]


@pytest.mark.parametrize(("city", "postcode", "country", "departments"), CONSISTENCY)
def test_city_postcode_consistency(
    city: str, postcode: str | None, country: str, departments: str | None
) -> None:
    finding = city_postcode_finding(city, postcode, country)
    if departments is None:
        assert finding is None
    else:
        assert finding is not None
        assert (finding.code, finding.severity) == ("postcode.city_mismatch", Severity.WARNING)
        assert dict(finding.params)["departments"] == departments
