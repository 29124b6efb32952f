"""SIREN, SIRET and VAT numbers (checksums by python-stdnum) and their cross-checks."""

from __future__ import annotations

import pytest

from app.validation.french_ids import (
    compact,
    french_vat_for,
    siren_of_siret,
    validate_siren,
    validate_siret,
    validate_vat,
)

SIREN_CASES = [
    pytest.param("732829320", "732829320", None, id="plain"),
    pytest.param("732 829 320", "732829320", None, id="spaced"),
    pytest.param("732.829.320", "732829320", None, id="dotted"),
    pytest.param("732-829-320", "732829320", None, id="dashed"),
    pytest.param("\u00a0732\u00a0829\u00a0320\u00a0", "732829320", None, id="nbsp"),
    pytest.param("７３２８２９３２０", "732829320", None, id="fullwidth-digits"),
    pytest.param("356000000", "356000000", None, id="la-poste"),
    pytest.param("732829321", None, "siren.invalid_checksum", id="bad-luhn"),
    pytest.param("73282932", None, "siren.invalid_length", id="eight-digits"),
    pytest.param("7328293200", None, "siren.invalid_length", id="ten-digits"),
    pytest.param("73282932O", None, "siren.invalid_format", id="letter-o"),
    pytest.param("ABCDEFGHI", None, "siren.invalid_format", id="letters"),
    pytest.param(732829320, None, "field.wrong_type", id="number-type"),
    pytest.param("7" * 100_000, None, "field.too_long", id="100k"),
]


@pytest.mark.parametrize(("raw", "value", "code"), SIREN_CASES)
def test_siren(raw: object, value: str | None, code: str | None) -> None:
    result = validate_siren(raw)
    assert result.value == value
    assert [f.code for f in result.findings] == ([code] if code else [])


SIRET_CASES = [
    pytest.param("73282932000074", None, "73282932000074", None, id="plain"),
    pytest.param("732 829 320 00074", None, "73282932000074", None, id="spaced"),
    pytest.param("73282932000074", "732829320", "73282932000074", None, id="matches-siren"),
    pytest.param("73282932000074", "356000000", None, "siret.siren_mismatch", id="other-siren"),
    # La Poste's establishments: digit sum multiple of 5 instead of Luhn (stdnum knows)
    pytest.param("35600000000048", "356000000", "35600000000048", None, id="la-poste-head"),
    pytest.param("35600000049837", None, "35600000049837", None, id="la-poste-office"),
    pytest.param("35600000012345", None, None, "siret.invalid_checksum", id="la-poste-bad-sum"),
    pytest.param("73282932000075", None, None, "siret.invalid_checksum", id="bad-luhn"),
    pytest.param("7328293200007", None, None, "siret.invalid_length", id="thirteen-digits"),
    pytest.param("7328293200007X", None, None, "siret.invalid_format", id="letter"),
    pytest.param([], None, None, "field.wrong_type", id="list"),
]


@pytest.mark.parametrize(("raw", "siren", "value", "code"), SIRET_CASES)
def test_siret(raw: object, siren: str | None, value: str | None, code: str | None) -> None:
    result = validate_siret(raw, siren=siren)
    assert result.value == value
    assert [f.code for f in result.findings] == ([code] if code else [])


VAT_CASES = [
    pytest.param("FR 40 303 265 045", None, "FR40303265045", None, id="fr-spaced"),
    pytest.param("fr40303265045", "303265045", "FR40303265045", None, id="fr-lower-matching"),
    pytest.param("FR-40.303.265.045", None, "FR40303265045", None, id="fr-punctuated"),
    pytest.param("40303265045", None, "FR40303265045", None, id="fr-without-prefix"),
    pytest.param("FR 44 732829320", "732829320", "FR44732829320", None, id="fr-matches-siren"),
    pytest.param("FR40303265046", None, None, "vat.invalid_checksum", id="fr-bad-key"),
    pytest.param("FRXX303265045", None, None, "vat.invalid_checksum", id="fr-letter-key-bad"),
    pytest.param("FR4030326504", None, None, "vat.invalid_length", id="fr-too-short"),
    pytest.param("DE 136 695 976", None, "DE136695976", None, id="germany"),
    pytest.param("BE 0403.170.701", None, "BE0403170701", None, id="belgium"),
    pytest.param("EL 094259216", None, "EL094259216", None, id="greece-el"),
    pytest.param("CHE-116.281.710 MWST", None, "CHE116281710MWST", None, id="switzerland"),
    pytest.param("GB 980 7806 84", None, "GB980780684", None, id="united-kingdom"),
    pytest.param("DE 136 695 977", None, None, "vat.invalid_checksum", id="germany-bad"),
    pytest.param("US123456", None, None, "vat.invalid_format", id="no-vat-module"),
    pytest.param("12", None, None, "vat.invalid_format", id="digits-too-short"),
    pytest.param(True, None, None, "field.wrong_type", id="bool"),
]


@pytest.mark.parametrize(("raw", "siren", "value", "code"), VAT_CASES)
def test_vat(raw: object, siren: str | None, value: str | None, code: str | None) -> None:
    result = validate_vat(raw, siren=siren)
    assert result.value == value
    assert [f.code for f in result.findings] == ([code] if code else [])


def test_vat_siren_mismatch_suggests_the_right_vat_number() -> None:
    result = validate_vat("FR40303265045", siren="732829320")
    assert result.value is None
    (finding,) = result.findings
    assert finding.code == "vat.siren_mismatch"
    assert finding.suggestion == french_vat_for("732829320") == "FR44732829320"
    assert validate_vat(finding.suggestion, siren="732829320").value == "FR44732829320"


def test_foreign_vat_is_not_compared_with_a_siren() -> None:
    assert validate_vat("DE136695976", siren="732829320").value == "DE136695976"


def test_helpers() -> None:
    assert siren_of_siret("73282932000074") == "732829320"
    assert compact(" fr 40.303-265/045 ") == "FR40303265045"


@pytest.mark.parametrize(
    "validator", [validate_siren, validate_siret, validate_vat], ids=["siren", "siret", "vat"]
)
def test_normalised_values_are_stable(validator) -> None:  # type: ignore[no-untyped-def]
    samples = {
        validate_siren: "732 829 320",
        validate_siret: "732 829 320 00074",
        validate_vat: "fr 44 732 829 320",
    }
    first = validator(samples[validator]).value
    assert first is not None
    assert validator(first).value == first
