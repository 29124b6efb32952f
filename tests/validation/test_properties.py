"""Invariants over arbitrary input: no exception, idempotent normalisers, catalogued codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.validation import COMPANY_FIELDS, CONTACT_FIELDS, validate_company, validate_contact
from app.validation.address import validate_city, validate_postcode
from app.validation.catalogue import MESSAGES
from app.validation.company_names import validate_company_name
from app.validation.country import validate_country
from app.validation.email import validate_email
from app.validation.findings import FieldResult
from app.validation.french_ids import validate_siren, validate_siret, validate_vat
from app.validation.legal_forms import split_legal_form
from app.validation.names import validate_civility, validate_first_name, validate_last_name
from app.validation.phone import validate_phone
from app.validation.web import validate_website

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# text that looks like what forms receive, plus the whole of Unicode
name_like = st.text(
    alphabet=st.sampled_from(list("abcdeéèêëàâçîïôöùûüÿæœABCDEÉÈÇÎÔ-' .’\u00a0\u200bаеоΑ")),
    max_size=40,
)
any_text = st.one_of(st.text(max_size=60), name_like)
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), any_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)

# normaliser → how to get the normalised value back out of its result
NORMALISERS: dict[str, Callable[[str], str | None]] = {
    "first_name": lambda s: validate_first_name(s).value,
    "last_name": lambda s: validate_last_name(s).value,
    "civility": lambda s: validate_civility(s).value,
    "company_name": lambda s: validate_company_name(s).value,
    "email": lambda s: validate_email(s).value,
    "phone": lambda s: validate_phone(s).value,
    "siren": lambda s: validate_siren(s).value,
    "siret": lambda s: validate_siret(s).value,
    "vat": lambda s: validate_vat(s).value,
    "website": lambda s: validate_website(s).value,
    "postcode-fr": lambda s: validate_postcode(s, country="FR").value,
    "postcode-gb": lambda s: validate_postcode(s, country="GB").value,
    "city": lambda s: validate_city(s).value,
    "country": lambda s: validate_country(s).value,
}


@pytest.mark.parametrize("name", sorted(NORMALISERS))
@SETTINGS
@given(raw=any_text)
def test_normalisers_never_raise_and_are_idempotent(name: str, raw: str) -> None:
    normalise = NORMALISERS[name]
    value = normalise(raw)
    if value is not None:
        assert normalise(value) == value


@SETTINGS
@given(raw=st.text(max_size=80))
def test_split_legal_form_is_stable(raw: str) -> None:
    rest, form = split_legal_form(raw)
    assert len(rest) <= len(raw)
    if form is None:
        assert rest == raw.strip()


@SETTINGS
@given(data=st.dictionaries(st.sampled_from((*CONTACT_FIELDS, "extra")), json_values))
def test_validate_contact_never_raises_and_emits_catalogued_codes(data: dict) -> None:  # type: ignore[type-arg]
    report = validate_contact(data)
    assert set(report.codes()) <= set(MESSAGES)
    assert set(report.normalized) <= set(CONTACT_FIELDS)
    for finding in report.findings:
        assert finding.message("fr") and finding.message("en")


@SETTINGS
@given(data=st.dictionaries(st.sampled_from((*COMPANY_FIELDS, "extra")), json_values))
def test_validate_company_never_raises_and_emits_catalogued_codes(data: dict) -> None:  # type: ignore[type-arg]
    report = validate_company(data)
    assert set(report.codes()) <= set(MESSAGES)
    assert set(report.normalized) <= set(COMPANY_FIELDS)


@SETTINGS
@given(
    email=st.emails(),
    local=st.from_regex(r"[a-z][a-z0-9.]{0,10}[a-z0-9]", fullmatch=True),
)
def test_generated_emails_are_valid_and_stable(email: str, local: str) -> None:
    result = validate_email(email)
    if result.value is not None:
        assert validate_email(result.value).value == result.value
    if ".." not in local:
        assert validate_email(f"{local}@dupont.fr").value == f"{local}@dupont.fr"


NASTY = [
    "",
    " ",
    "\u00a0",
    "\u200b",
    "\u202e",
    "\x00",
    "\ud800",
    "a" * 100_000,
    "é" * 100_000,
    "ａ" * 1000,
    "Dupоnt",
    "e\u0301",
    "🙂",
    "null",
    "None",
    "<script>",
    "' OR 1=1 --",
    "%s%n",
    "{field}",
]


@pytest.mark.parametrize("raw", NASTY, ids=lambda r: repr(r[:12]))
def test_nasty_inputs_in_every_field_of_both_records(raw: str) -> None:
    for validate, fields in (
        (validate_contact, CONTACT_FIELDS),
        (validate_company, COMPANY_FIELDS),
    ):
        report = validate(dict.fromkeys(fields, raw))
        assert set(report.codes()) <= set(MESSAGES)
        for finding in report.findings:
            # templates are rendered with our params, never with the user's text as a template
            assert "{" not in finding.message("fr").replace("{field}", "")


def test_field_result_ok() -> None:
    assert FieldResult("x").ok
    assert not validate_siren("1").ok
