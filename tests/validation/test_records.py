"""Whole records: normalised output, cross-field checks, requirements, blocking policy."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from app.validation import (
    COMPANY_FIELDS,
    CONTACT_FIELDS,
    DEFAULT_POLICY,
    Severity,
    ValidationPolicy,
    validate_company,
    validate_contact,
)

GOOD_CONTACT = {
    "civility": "monsieur",
    "first_name": "jean-pierre",
    "last_name": "DUPONT",
    "email": "JP.Dupont@Dupont-Industrie.FR",
    "phone": "06 12 34 56 78",
    "job_title": "  Directeur\u00a0commercial ",
    "country": "France",
    "company_id": "5b3f4b0e-3c1c-4d2a-9a55-0c6f8a7b2e11",
    "subscription_status": "subscribed",
    "email_status": "valid",
    "lawful_basis": "legitimate_interests",
    "collected_at": "2024-03-01T10:00:00+01:00",
}


def test_good_contact_is_normalised_and_not_blocking() -> None:
    report = validate_contact(GOOD_CONTACT)
    assert not report.blocking
    assert report.entity == "contact"
    assert report.normalized == {
        "civility": "M.",
        "first_name": "Jean-Pierre",
        "last_name": "Dupont",
        "email": "jp.dupont@dupont-industrie.fr",
        "phone": "+33612345678",
        "job_title": "Directeur commercial",
        "country": "FR",
        "company_id": "5b3f4b0e-3c1c-4d2a-9a55-0c6f8a7b2e11",
        "subscription_status": "subscribed",
        "email_status": "valid",
        "lawful_basis": "legitimate_interests",
        "collected_at": "2024-03-01T09:00:00+00:00",
    }
    assert report.codes() == ("phone.type",)


def test_normalised_record_holds_only_known_fields_present_in_input() -> None:
    report = validate_contact({"last_name": "Dupont", "email": "a@dupont.fr", "hobby": "golf"})
    assert set(report.normalized) == {"last_name", "email"}
    assert set(report.normalized) <= set(CONTACT_FIELDS)
    (unknown,) = [f for f in report.findings if f.code == "field.unknown"]
    assert (unknown.field, unknown.severity) == ("hobby", Severity.INFO)


def test_explicit_null_is_kept_as_a_clear() -> None:
    report = validate_contact({"last_name": "Dupont", "phone": "0612345678", "email": None})
    assert report.normalized["email"] is None
    assert not report.blocking


REQUIRED_CASES = [
    pytest.param(
        {}, {("last_name", "field.required"), ("email", "field.one_of_required")}, id="empty"
    ),
    pytest.param(
        {"last_name": "Dupont"}, {("email", "field.one_of_required")}, id="no-contact-way"
    ),
    pytest.param({"email": "a@dupont.fr"}, {("last_name", "field.required")}, id="no-last-name"),
    pytest.param({"last_name": "Dupont", "phone": "0612345678"}, set(), id="phone-suffices"),
    pytest.param({"last_name": "Dupont", "email": "a@dupont.fr"}, set(), id="email-suffices"),
    pytest.param(
        {"last_name": "   ", "email": "a@dupont.fr"}, {("last_name", "field.required")}, id="blank"
    ),
    pytest.param(
        {"last_name": "Dupont", "email": "not-an-email"},
        {("email", "email.invalid")},
        id="invalid-email-not-also-required",
    ),
]


@pytest.mark.parametrize(("data", "errors"), REQUIRED_CASES)
def test_contact_requirements(data: dict[str, object], errors: set[tuple[str, str]]) -> None:
    report = validate_contact(data)
    assert {(f.field, f.code) for f in report.errors} == errors
    assert report.blocking is bool(errors)


def test_one_of_required_message_names_the_fields() -> None:
    (finding,) = [f for f in validate_contact({"last_name": "X"}).errors]
    assert "email, phone" in finding.message("fr")
    assert "email, phone" in finding.message("en")


def test_policy_changes_requirements() -> None:
    policy = ValidationPolicy(contact_required=(("email",),), civility_expected=False)
    report = validate_contact({"phone": "0612345678"}, policy)
    assert [(f.field, f.code) for f in report.errors] == [("email", "field.required")]
    assert "civility.missing" not in report.codes()


def test_warnings_block_only_when_the_policy_says_so() -> None:
    data = {"last_name": "Dupont", "email": "contact@dupont.fr"}  # role address + no civility
    relaxed = validate_contact(data)
    strict = validate_contact(data, dataclasses.replace(DEFAULT_POLICY, warnings_block=True))
    assert {f.code for f in relaxed.warnings} == {"email.role_address", "civility.missing"}
    assert not relaxed.blocking
    assert strict.blocking


def test_info_never_blocks() -> None:
    policy = ValidationPolicy(warnings_block=True)
    report = validate_contact(
        {"civility": "M.", "last_name": "Dupont", "email": "jean@gmail.com"}, policy
    )
    assert report.codes() == ("email.free_mail",)
    assert not report.blocking


def test_phone_country_comes_from_the_contact_country() -> None:
    report = validate_contact({"last_name": "Smith", "phone": "020 7946 0958", "country": "UK"})
    assert report.normalized["phone"] == "+442079460958"
    assert "phone.country_mismatch" not in report.codes()
    mismatch = validate_contact({"last_name": "X", "phone": "+44 20 7946 0958", "country": "FR"})
    assert "phone.country_mismatch" in mismatch.codes()


def test_disposable_email_severity_follows_policy() -> None:
    data = {"last_name": "Dupont", "email": "x@mailinator.com"}
    assert validate_contact(data).blocking
    relaxed = ValidationPolicy(disposable_email=Severity.WARNING)
    report = validate_contact(data, relaxed)
    assert not report.blocking
    assert report.normalized["email"] == "x@mailinator.com"


def test_refused_field_is_none_in_the_normalised_record() -> None:
    report = validate_contact({"last_name": "Dupont2", "email": "a@dupont.fr"})
    assert report.normalized["last_name"] is None
    assert "name.digits" in report.codes("last_name")


WRONG_TYPES = [
    pytest.param(42, id="int"),
    pytest.param(3.14, id="float"),
    pytest.param(True, id="bool"),
    pytest.param(["x"], id="list"),
    pytest.param({"x": 1}, id="dict"),
]


@pytest.mark.parametrize("value", WRONG_TYPES)
def test_wrong_types_in_every_contact_field(value: object) -> None:
    report = validate_contact(dict.fromkeys(CONTACT_FIELDS, value))
    assert report.blocking
    wrong = {f.field for f in report.findings if f.code == "field.wrong_type"}
    assert wrong == set(CONTACT_FIELDS)
    assert all(v is None for v in report.normalized.values())


@pytest.mark.parametrize("value", WRONG_TYPES)
def test_wrong_types_in_every_company_field(value: object) -> None:
    report = validate_company(dict.fromkeys(COMPANY_FIELDS, value))
    assert report.blocking
    assert {f.field for f in report.findings if f.code == "field.wrong_type"} == set(COMPANY_FIELDS)


@pytest.mark.parametrize("data", [None, [], "contact", 42, ("a", "b")])
def test_not_a_mapping_is_a_finding(data: object) -> None:
    for validate in (validate_contact, validate_company):
        report = validate(data)  # type: ignore[arg-type]
        assert report.blocking
        assert report.codes() == ("field.wrong_type",)
        assert report.normalized == {}


def test_non_string_keys_do_not_crash() -> None:
    report = validate_contact({1: "x", None: "y", "last_name": "Dupont", "phone": "0612345678"})  # type: ignore[dict-item]
    assert {f.field for f in report.findings if f.code == "field.unknown"} == {"1", "None"}


def test_future_interaction_date_is_a_warning() -> None:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    data = {"last_name": "X", "phone": "0612345678", "last_interaction_at": "2026-01-01T00:00:00Z"}
    report = validate_contact(data, now=now)
    assert "field.future_datetime" in report.codes("last_interaction_at")


GOOD_COMPANY = {
    "name": "DUPONT LOGISTIQUE SAS",
    "siret": "732 829 320 00074",
    "vat_number": "FR 44 732 829 320",
    "website": "HTTPS://WWW.Dupont-Logistique.FR/contact?x=1",
    "phone": "01 23 45 67 89",
    "street": " 12,  rue de la  Paix ",
    "postcode": "75 002",
    "city": "PARIS",
    "country": "fr",
    "sector": "Transport",
}


def test_good_company_is_normalised() -> None:
    report = validate_company(GOOD_COMPANY)
    assert not report.blocking
    assert report.normalized == {
        "name": "Dupont Logistique",
        "legal_form": "SAS",
        "siren": "732829320",
        "siret": "73282932000074",
        "vat_number": "FR44732829320",
        "website": "https://www.dupont-logistique.fr",
        "phone": "+33123456789",
        "street": "12, rue de la Paix",
        "postcode": "75002",
        "city": "Paris",
        "country": "FR",
        "sector": "Transport",
    }
    assert set(report.codes()) == {
        "company_name.legal_form_extracted",
        "siren.derived_from_siret",
        "phone.type",
    }


COMPANY_CASES = [
    pytest.param(
        {"siren": "732829320", "siret": "35600000000048"},
        {("siret", "siret.siren_mismatch")},
        id="siret-of-another-siren",
    ),
    pytest.param(
        {"siren": "732829320", "vat_number": "FR40303265045"},
        {("vat_number", "vat.siren_mismatch")},
        id="vat-of-another-siren",
    ),
    pytest.param(
        {"siret": "73282932000074", "vat_number": "FR40303265045"},
        {("vat_number", "vat.siren_mismatch")},
        id="vat-checked-against-siren-from-siret",
    ),
    pytest.param({"siren": "732829321"}, {("siren", "siren.invalid_checksum")}, id="bad-siren"),
    pytest.param({}, {("siren", "field.one_of_required")}, id="french-company-needs-siren"),
    pytest.param({"country": "DE"}, set(), id="foreign-company-does-not"),
    pytest.param({"siren": "356000000", "siret": "35600000049837"}, set(), id="la-poste"),
]


@pytest.mark.parametrize(("extra", "errors"), COMPANY_CASES)
def test_company_cross_checks(extra: dict[str, object], errors: set[tuple[str, str]]) -> None:
    report = validate_company({"name": "Dupont"} | extra)
    assert {(f.field, f.code) for f in report.errors} == errors


def test_company_needs_a_name() -> None:
    report = validate_company({"siren": "732829320"})
    assert [(f.field, f.code) for f in report.errors] == [("name", "field.required")]


def test_siret_does_not_replace_an_invalid_siren() -> None:
    report = validate_company({"name": "X", "siren": "123", "siret": "73282932000074"})
    assert report.normalized["siren"] is None
    assert "siren.derived_from_siret" not in report.codes()


@pytest.mark.parametrize(
    ("legal_form", "expected", "codes"),
    [
        pytest.param(None, "SAS", set(), id="from-name"),
        pytest.param("s.a.s.", "SAS", set(), id="same-form-given"),
        pytest.param("SARL", "SARL", {"legal_form.mismatch"}, id="different-form-given"),
        pytest.param("Truc Machin", "Truc Machin", {"legal_form.unknown"}, id="unknown-form"),
    ],
)
def test_legal_form_field(legal_form: str | None, expected: str, codes: set[str]) -> None:
    data = {"name": "Dupont SAS", "siren": "732829320"}
    if legal_form is not None:
        data["legal_form"] = legal_form
    report = validate_company(data)
    assert report.normalized["legal_form"] == expected
    assert set(report.codes("legal_form")) == codes


def test_postcode_checked_for_the_company_country() -> None:
    report = validate_company({"name": "X", "country": "Belgique", "postcode": "1000"})
    assert report.normalized["postcode"] == "1000"
    french = validate_company({"name": "X", "siren": "732829320", "postcode": "1000"})
    assert [(f.code, f.suggestion) for f in french.errors] == [("postcode.invalid", "01000")]


def test_city_postcode_mismatch_is_a_warning() -> None:
    report = validate_company(
        {"name": "X", "siren": "732829320", "postcode": "75001", "city": "Lyon"}
    )
    assert [f.code for f in report.warnings] == ["postcode.city_mismatch"]
    assert not report.blocking


def test_report_as_dict_in_both_languages() -> None:
    report = validate_contact({"last_name": "Dupont", "email": "jean@gmial.com"})
    fr, en = report.as_dict("fr"), report.as_dict("en")
    assert fr["normalized"] == en["normalized"]
    assert fr["blocking"] is False
    typo_fr = next(f for f in fr["findings"] if f["code"] == "email.typo")  # type: ignore[union-attr]
    typo_en = next(f for f in en["findings"] if f["code"] == "email.typo")  # type: ignore[union-attr]
    assert typo_fr["suggestion"] == "jean@gmail.com"
    assert "Vouliez-vous dire" in typo_fr["message"]
    assert "Did you mean" in typo_en["message"]
