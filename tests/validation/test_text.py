"""Unicode hygiene shared by all text fields, and the untrusted-value guard."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest

from app.validation.fields import choice_field, datetime_field, text_input, uuid_field
from app.validation.text import clean, fold, has_mixed_scripts, latin_twin

CLEAN_CASES = [
    pytest.param("  Jean   Pierre  ", "Jean Pierre", id="trim-and-collapse"),
    pytest.param("Jean\u00a0Pierre", "Jean Pierre", id="nbsp"),
    pytest.param("Jean\u202fPierre\u2009X", "Jean Pierre X", id="narrow-and-thin-space"),
    pytest.param("Jean\tPierre\nX\r\n", "Jean Pierre X", id="tabs-newlines"),
    pytest.param("\u3000Jean\u3000", "Jean", id="ideographic-space"),
    pytest.param("e\u0301lise", "élise", id="combining-accent-to-nfc"),
    pytest.param("Ｊｅａｎ", "Jean", id="fullwidth-letters"),
    pytest.param("ﬁne", "fine", id="ligature"),
    pytest.param("", "", id="empty"),
    pytest.param(" \u00a0\t ", "", id="only-whitespace-incl-nbsp"),
]


@pytest.mark.parametrize(("raw", "expected"), CLEAN_CASES)
def test_clean(raw: str, expected: str) -> None:
    cleaned = clean(raw)
    assert cleaned.value == expected
    assert cleaned.refused is None


def test_nfc_mode_keeps_compatibility_characters() -> None:
    assert clean("ﬁne", nfkc=False).value == "ﬁne"
    assert clean("e\u0301", nfkc=False).value == "é"


INVISIBLE_CASES = [
    pytest.param("Jean\u200bPierre", "JeanPierre", id="zero-width-space"),
    pytest.param("Jean\u200dPierre", "JeanPierre", id="zero-width-joiner"),
    pytest.param("Jean\u200cPierre", "JeanPierre", id="zero-width-non-joiner"),
    pytest.param("\ufeffJean", "Jean", id="bom"),
    pytest.param("Jean\u2060", "Jean", id="word-joiner"),
    pytest.param("Dupon\u00adt", "Dupont", id="soft-hyphen"),
    pytest.param("Jean\u200e", "Jean", id="lrm-mark"),
]


@pytest.mark.parametrize(("raw", "expected"), INVISIBLE_CASES)
def test_invisible_characters_are_removed_and_reported(raw: str, expected: str) -> None:
    cleaned = clean(raw)
    assert (cleaned.value, cleaned.invisible_removed, cleaned.refused) == (expected, True, None)


REFUSED_CASES = [
    pytest.param("moc.elgoog\u202e", "text.bidi_control", id="rtl-override"),
    pytest.param("a\u2066b\u2069", "text.bidi_control", id="bidi-isolate"),
    pytest.param("Jean\x00", "text.control_chars", id="nul"),
    pytest.param("Jean\x07", "text.control_chars", id="bell"),
    pytest.param("Jean\x1fX", "text.control_chars", id="unit-separator-python-thinks-space"),
    pytest.param("Jean\x9b", "text.control_chars", id="c1-control"),
    pytest.param("Jean\ud800", "text.invalid_chars", id="lone-surrogate"),
    pytest.param("Jean\ue000", "text.invalid_chars", id="private-use"),
    pytest.param("Jean\uffff", "text.invalid_chars", id="non-character"),
]


@pytest.mark.parametrize(("raw", "code"), REFUSED_CASES)
def test_dangerous_characters_are_refused(raw: str, code: str) -> None:
    assert clean(raw).refused == code


@pytest.mark.parametrize(
    ("raw", "mixed", "twin"),
    [
        pytest.param("Dupont", False, "Dupont", id="latin"),
        pytest.param("Dupоnt", True, "Dupont", id="cyrillic-o-in-latin"),
        pytest.param("Аlice", True, "Alice", id="cyrillic-capital-a"),
        pytest.param("Иван Петров", False, None, id="all-cyrillic-is-legitimate"),
        pytest.param("Νίκος", False, None, id="all-greek-is-legitimate"),
        pytest.param("Jean Дж", True, None, id="no-latin-twin-for-zhe"),
        pytest.param("Pαul", True, "Paul", id="greek-alpha"),
        pytest.param("Zoë Müller", False, "Zoë Müller", id="accented-latin"),
    ],
)
def test_lookalikes(raw: str, mixed: bool, twin: str | None) -> None:
    assert has_mixed_scripts(raw) is mixed
    if mixed:
        assert latin_twin(raw) == twin


def test_fold() -> None:
    assert fold("Île-de-FRANCE") == "ile-de-france"
    assert fold("ŒUVRE") == "œuvre"


WRONG_TYPES = [
    pytest.param(42, id="int"),
    pytest.param(4.2, id="float"),
    pytest.param(True, id="bool"),
    pytest.param(["a"], id="list"),
    pytest.param({"a": 1}, id="dict"),
    pytest.param(b"bytes", id="bytes"),
    pytest.param(object(), id="object"),
]


@pytest.mark.parametrize("raw", WRONG_TYPES)
def test_wrong_types_give_a_finding_not_an_exception(raw: object) -> None:
    value, findings = text_input("last_name", raw)
    assert value is None
    assert [f.code for f in findings] == ["field.wrong_type"]


def test_none_empty_and_blank_are_absent_without_finding() -> None:
    for raw in (None, "", "   ", "\u00a0\u2003"):
        assert text_input("last_name", raw) == (None, [])


@pytest.mark.parametrize("size", [201, 100_000])
def test_oversized_text_is_refused_fast(size: int) -> None:
    start = time.perf_counter()
    value, findings = text_input("last_name", "é" * size)
    assert time.perf_counter() - start < 0.05
    assert value is None
    assert [(f.code, dict(f.params)) for f in findings] == [("field.too_long", {"max": "200"})]


def test_padding_does_not_count_towards_length() -> None:
    value, findings = text_input("last_name", " " * 500 + "Dupont" + " " * 500)
    assert (value, findings) == ("Dupont", [])


def test_nfkc_expansion_is_length_checked_after_cleaning() -> None:
    value, findings = text_input("last_name", "\ufdfa" * 20)  # 18 letters each after NFKC
    assert value is None
    assert [f.code for f in findings] == ["field.too_long"]


@pytest.mark.parametrize(
    ("raw", "value", "codes"),
    [
        pytest.param("consent", "consent", [], id="exact"),
        pytest.param("Legitimate Interests", "legitimate_interests", [], id="spaced-and-cased"),
        pytest.param("legal-obligation", "legal_obligation", [], id="hyphenated"),
        pytest.param("whatever", None, ["field.invalid_choice"], id="unknown"),
        pytest.param(3, None, ["field.wrong_type"], id="wrong-type"),
    ],
)
def test_choice_field(raw: object, value: str | None, codes: list[str]) -> None:
    choices = {"consent", "legitimate_interests", "legal_obligation"}
    result = choice_field("lawful_basis", raw, choices)
    assert (result.value, [f.code for f in result.findings]) == (value, codes)


def test_uuid_field() -> None:
    ident = uuid.uuid4()
    assert uuid_field("company_id", ident).value == str(ident)
    assert uuid_field("company_id", str(ident).upper()).value == str(ident)
    assert [f.code for f in uuid_field("company_id", "42").findings] == ["field.invalid_uuid"]
    assert [f.code for f in uuid_field("company_id", 42).findings] == ["field.wrong_type"]


NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "value", "codes"),
    [
        pytest.param("2024-01-02T03:04:05Z", "2024-01-02T03:04:05+00:00", [], id="zulu"),
        pytest.param(
            "2024-01-02T04:04:05+01:00", "2024-01-02T03:04:05+00:00", [], id="offset-to-utc"
        ),
        pytest.param(datetime(2024, 1, 2, tzinfo=UTC), "2024-01-02T00:00:00+00:00", [], id="dt"),
        pytest.param("2024-01-02T03:04:05", None, ["field.naive_datetime"], id="naive"),
        pytest.param("yesterday", None, ["field.invalid_datetime"], id="garbage"),
        pytest.param(
            "2030-01-01T00:00:00Z",
            "2030-01-01T00:00:00+00:00",
            ["field.future_datetime"],
            id="future",
        ),
        pytest.param(20240102, None, ["field.wrong_type"], id="number"),
    ],
)
def test_datetime_field(raw: object, value: str | None, codes: list[str]) -> None:
    result = datetime_field("collected_at", raw, now=NOW)
    assert (result.value, [f.code for f in result.findings]) == (value, codes)
