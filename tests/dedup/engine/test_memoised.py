"""Shortcuts and memoised normalisers give exactly what the full computation gives."""

from __future__ import annotations

import random

import pytest

from app.dedup.engine import channels, people


@pytest.mark.parametrize("leading", list("123456789"))
def test_french_e164_shortcut_agrees_with_the_numbering_metadata(leading: str) -> None:
    rnd = random.Random(leading)
    for _ in range(1_500):
        number = "+33" + leading + "".join(rnd.choice("0123456789") for _ in range(8))
        assert channels.phone(number) == channels._parsed_phone.__wrapped__(number, "FR"), number


WRITTEN = ["0{}", "0{} ", "+33{}", "+33 (0){}", "0033{}", "0033 0{}", "+330{}"]


@pytest.mark.parametrize("template", WRITTEN)
@pytest.mark.parametrize("leading", list("123456789"))
def test_french_written_shortcut_agrees_with_the_numbering_metadata(
    template: str, leading: str
) -> None:
    rnd = random.Random(template + leading)
    for _ in range(300):
        rest = leading + "".join(rnd.choice("0123456789") for _ in range(8))
        spaced = rnd.choice(["", " ", ".", "-"]).join(
            [rest[:1], rest[1:3], rest[3:5], rest[5:7], rest[7:]]
        )
        number = template.format(spaced)
        assert channels.phone(number) == channels._parsed_phone.__wrapped__(number, "FR"), number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("+33123456789", channels.Phone("+33123456789", False), id="paris-landline"),
        pytest.param("+33612345678", channels.Phone("+33612345678", True), id="mobile"),
        pytest.param("01 23 45 67 89", channels.Phone("+33123456789", False), id="national"),
        pytest.param("+33 1 23 45 67 89", channels.Phone("+33123456789", False), id="spaced"),
        pytest.param("+3312345678", None, id="too-short"),
        pytest.param("+33１23456789", channels.Phone("+33123456789", False), id="fullwidth-digit"),
        pytest.param(12345, None, id="wrong-type"),
        pytest.param("9" * 10_000, None, id="huge"),
    ],
)
def test_phone(raw: object, expected: channels.Phone | None) -> None:
    assert channels.phone(raw) == expected
    assert channels.phone(raw) == expected  # the second time from the cache


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("Jean-Pierre", id="hyphen"),
        pytest.param("ÉLODIE", id="accents"),
        pytest.param("de La Fontaine", id="particles"),
        pytest.param("J.-P.", id="initials"),
        pytest.param("", id="empty"),
        pytest.param("x" * 5_000, id="huge"),
    ],
)
def test_person_name_cached_equals_computed(raw: str) -> None:
    assert people.person_name(raw) == people._person_name.__wrapped__(raw[:300])
    assert people.person_name(raw) is people.person_name(raw)


@pytest.mark.parametrize("raw", [None, 42, ["Jean"], b"Jean"], ids=["none", "int", "list", "bytes"])
def test_person_name_of_non_text_is_none(raw: object) -> None:
    assert people.person_name(raw) is None


def test_registrable_domain_cached_equals_computed() -> None:
    for raw in ["https://www.shop.acme.co.uk/x", "Acme.FR", "mail.orange.fr", "localhost", ""]:
        expected = channels._registrable_domain.__wrapped__(raw) if raw.strip() else None
        assert channels.registrable_domain(raw) == expected
