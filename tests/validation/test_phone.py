"""Phone numbers: French habits, E.164, line types, country consistency, garbage."""

from __future__ import annotations

import pytest

from app.validation.findings import Severity
from app.validation.phone import same_numbering_country, validate_phone

VALID_CASES = [
    pytest.param("06 12 34 56 78", None, "+33612345678", "mobile", id="fr-spaced"),
    pytest.param("06.12.34.56.78", None, "+33612345678", "mobile", id="fr-dotted"),
    pytest.param("06-12-34-56-78", None, "+33612345678", "mobile", id="fr-dashed"),
    pytest.param("+33 (0)6 12 34 56 78", None, "+33612345678", "mobile", id="plus33-paren-zero"),
    pytest.param("+33 6 12 34 56 78", None, "+33612345678", "mobile", id="plus33"),
    pytest.param("0033612345678", None, "+33612345678", "mobile", id="idd-00"),
    pytest.param("612345678", None, "+33612345678", "mobile", id="missing-leading-zero"),
    pytest.param("01 23 45 67 89", None, "+33123456789", "fixed_line", id="fixed"),
    pytest.param("09 51 23 45 67", None, "+33951234567", "voip", id="voip"),
    pytest.param("0800 123 456", None, "+33800123456", "toll_free", id="toll-free"),
    pytest.param("\u00a006\u00a012 34 56 78\u00a0", None, "+33612345678", "mobile", id="nbsp"),
    pytest.param("０６１２３４５６７８", None, "+33612345678", "mobile", id="fullwidth-digits"),
    pytest.param("Tél. : 01 23 45 67 89", None, "+33123456789", "fixed_line", id="tel-label"),
    pytest.param("tel:+33123456789", None, "+33123456789", "fixed_line", id="rfc3966"),
    pytest.param("0692 12 34 56", None, "+262692123456", "mobile", id="reunion-from-france"),
    pytest.param("0690 12 34 56", "FR", "+590690123456", "mobile", id="guadeloupe-from-france"),
    pytest.param("020 7946 0958", "GB", "+442079460958", "fixed_line", id="uk-national"),
    pytest.param("030 123456", "DE", "+4930123456", "fixed_line", id="de-national"),
    pytest.param("+32 2 511 11 11", "BE", "+3225111111", "fixed_line", id="be"),
    pytest.param("93 15 20 00", "MC", "+37793152000", "fixed_line", id="monaco-national"),
]


@pytest.mark.parametrize(("raw", "country", "e164", "kind"), VALID_CASES)
def test_valid_numbers(raw: str, country: str | None, e164: str, kind: str) -> None:
    result = validate_phone(raw, country=country)
    assert (result.value, result.number_type) == (e164, kind)
    assert not [f for f in result.findings if f.severity is Severity.ERROR]
    types = [dict(f.params)["type"] for f in result.findings if f.code == "phone.type"]
    assert types == [kind]


INVALID_CASES = [
    pytest.param("06 12 AB 56 78", "phone.invalid_characters", id="letters"),
    pytest.param("1-800-FLOWERS", "phone.invalid_characters", id="vanity"),
    pytest.param("06 12 34 56 78 @", "phone.invalid_characters", id="symbol"),
    pytest.param("12", "phone.too_short", id="too-short"),
    pytest.param("+33 6 12 34 56 78 90 12", "phone.too_long", id="too-long"),
    pytest.param("1" * 49, "phone.too_long", id="49-digits"),
    pytest.param("06 12 34 56 7", "phone.invalid", id="nine-digits"),
    pytest.param("00 00 00 00 00", "phone.invalid", id="zeros"),
    pytest.param("+999 123 456", "phone.invalid_country_code", id="unknown-country-code"),
    pytest.param("x" * 200, "field.too_long", id="200-char-garbage"),
    pytest.param("0" * 100_000, "field.too_long", id="100k"),
    pytest.param("poste 12", "phone.invalid_characters", id="only-an-extension"),
    pytest.param("06 12\u202e34 56 78", "text.bidi_control", id="rtl-override"),
    pytest.param(612345678, "field.wrong_type", id="int"),
    pytest.param(["0612345678"], "field.wrong_type", id="list"),
]


@pytest.mark.parametrize(("raw", "code"), INVALID_CASES)
def test_invalid_numbers(raw: object, code: str) -> None:
    result = validate_phone(raw)
    assert result.value is None
    assert [(f.code, f.severity) for f in result.findings] == [(code, Severity.ERROR)]


SEVERAL_CASES = [
    pytest.param("01 23 45 67 89 / 06 12 34 56 78", "+33123456789", id="slash"),
    pytest.param("06 12 34 56 78 ou 01 23 45 67 89", "+33612345678", id="ou"),
    pytest.param("0123456789;0612345678", "+33123456789", id="semicolon-no-space"),
    pytest.param("+33 1 23 45 67 89, +44 20 7946 0958", "+33123456789", id="two-countries"),
    pytest.param("Tél. : 01 23 45 67 89 | 06 12 34 56 78", "+33123456789", id="label-and-bar"),
]


@pytest.mark.parametrize(("raw", "first"), SEVERAL_CASES)
def test_several_numbers_are_refused_with_the_first_suggested(raw: str, first: str) -> None:
    result = validate_phone(raw)
    assert result.value is None
    assert [(f.code, f.severity, f.suggestion) for f in result.findings] == [
        ("phone.several", Severity.ERROR, first)
    ]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        # one number written with slashes is one number
        pytest.param("01/23/45/67/89", None, id="slashed-digits"),
        # a number and something else: the number's own error, nothing suggested
        pytest.param("01 23 45 67 89 / 06", "phone.too_long", id="second-part-too-short"),
        pytest.param("01 23 45 67 89 ou le soir", "phone.invalid_characters", id="text-after"),
    ],
)
def test_not_several_numbers(raw: str, code: str | None) -> None:
    result = validate_phone(raw)
    errors = [(f.code, f.suggestion) for f in result.findings if f.severity is Severity.ERROR]
    assert errors == ([] if code is None else [(code, None)])


@pytest.mark.parametrize("raw", [None, "", "   ", "\u00a0"])
def test_absent(raw: object) -> None:
    assert validate_phone(raw).findings == ()


def test_extension_is_dropped_with_a_warning() -> None:
    result = validate_phone("01 23 45 67 89 poste 12")
    assert result.value == "+33123456789"
    (ext,) = [f for f in result.findings if f.code == "phone.extension_ignored"]
    assert (ext.severity, dict(ext.params)) == (Severity.WARNING, {"extension": "12"})
    assert "12" in ext.message("fr") and "12" in ext.message("en")


def test_premium_rate_is_a_warning() -> None:
    result = validate_phone("08 99 12 34 56")
    assert result.number_type == "premium_rate"
    assert "phone.premium_rate" in [f.code for f in result.findings]


@pytest.mark.parametrize(
    ("raw", "country", "mismatch"),
    [
        pytest.param("+44 20 7946 0958", "FR", ("GB", "FR"), id="uk-number-french-address"),
        pytest.param("+377 93 15 20 00", "FR", ("MC", "FR"), id="monaco-number-french-address"),
        pytest.param("+262 692 12 34 56", "FR", None, id="reunion-is-french-plan"),
        pytest.param("06 12 34 56 78", "RE", None, id="mainland-number-reunion-address"),
        pytest.param("+44 20 7946 0958", "GB", None, id="same-country"),
        pytest.param("+44 20 7946 0958", None, None, id="no-address-country-no-check"),
        pytest.param("+1 212 555 0123", "CA", None, id="nanp-shared"),
    ],
)
def test_country_mismatch(raw: str, country: str | None, mismatch: tuple[str, str] | None) -> None:
    result = validate_phone(raw, country=country)
    found = [f for f in result.findings if f.code == "phone.country_mismatch"]
    if mismatch is None:
        assert found == []
    else:
        (finding,) = found
        assert finding.severity is Severity.WARNING
        params = dict(finding.params)
        assert (params["phone_country"], params["country"]) == mismatch


def test_default_region_is_used_without_country() -> None:
    assert validate_phone("030 123456", default_region="DE").value == "+4930123456"
    assert validate_phone("030 123456").value is None  # not a French number


def test_same_numbering_country() -> None:
    assert same_numbering_country("RE", "FR")
    assert same_numbering_country("JE", "GB")
    assert not same_numbering_country("MC", "FR")
