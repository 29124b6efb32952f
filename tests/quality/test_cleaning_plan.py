"""The cleaning planner: what a write of a record's own values would change (pure)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.quality.cleaning_plan import CLEANABLE, apply_plan, plan_record
from app.records.prepare import prepare_company, prepare_contact
from app.validation.policy import ValidationPolicy

POLICY = ValidationPolicy()
# A contact the write path accepts whatever the field under test holds (email_status is
# never null in the table).
BASE = {"last_name": "Martin", "email": "claire.martin@exemple.fr", "email_status": "unknown"}

CONTACT_CASES = [
    pytest.param("phone", "06 12 34 56 78", "+33612345678", id="fr-phone-spaced"),
    pytest.param("phone", "+33 (0)6 12 34 56 78", "+33612345678", id="fr-phone-trunk-zero"),
    pytest.param("phone", "0033612345678", "+33612345678", id="fr-phone-00-prefix"),
    pytest.param("phone", "   ", None, id="whitespace-phone-to-null"),
    pytest.param("first_name", "JEAN-PIERRE", "Jean-Pierre", id="hyphenated-capitals"),
    pytest.param("first_name", "  jean   pierre ", "Jean Pierre", id="trim-and-collapse"),
    pytest.param("first_name", "ＪＥＡＮ", "Jean", id="fullwidth-folded"),
    pytest.param("first_name", "", None, id="empty-to-null"),
    pytest.param("first_name", "\u00a0\t", None, id="nbsp-and-tab-to-null"),
    pytest.param("last_name", "DE LA FONTAINE", "de La Fontaine", id="particles"),
    pytest.param("last_name", "mcdonald", "McDonald", id="mc-prefix"),
    pytest.param("last_name", "O'BRIEN", "O'Brien", id="o-apostrophe"),
    pytest.param("last_name", "d’ormesson", "d'Ormesson", id="curly-apostrophe"),
    pytest.param("last_name", "HÉLÈNE", "Hélène", id="accented-capitals"),
    pytest.param("email", "Jean.Dupont@EXEMPLE.FR", "jean.dupont@exemple.fr", id="email-case"),
    pytest.param("email", " x@exemple.fr ", "x@exemple.fr", id="email-trimmed"),
    pytest.param("civility", "mademoiselle", "Mme", id="civility-mademoiselle"),
    pytest.param("civility", "MR", "M.", id="civility-english"),
    pytest.param("country", "france", "FR", id="country-name"),
    pytest.param("job_title", "  Directeur   commercial ", "Directeur commercial", id="title"),
    pytest.param("email_status", "VALID", "valid", id="choice-case"),
    pytest.param("additional_phones", ["06 12 34 56 78", "01.42.68.53.00"],
                 ["+33612345678", "+33142685300"], id="additional-phones-e164"),
    pytest.param("additional_emails", ["JD@Acme.FR", " x@exemple.fr "],
                 ["jd@acme.fr", "x@exemple.fr"], id="additional-emails-lower-trimmed"),
    pytest.param("additional_phones", ["06 12 34 56 78", "+33612345678"], ["+33612345678"],
                 id="one-number-typed-twice-kept-once"),
    pytest.param("additional_emails", ["x@exemple.fr", "   "], ["x@exemple.fr"],
                 id="blank-item-dropped"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "stored", "expected"), CONTACT_CASES)
def test_contact_field_is_normalised_like_a_write(
    field: str, stored: object, expected: object
) -> None:
    plan = plan_record("contact", BASE | {field: stored}, POLICY)
    assert [(c.field, c.before, c.after) for c in plan.changes] == [(field, stored, expected)]
    assert plan.write == {field: stored} and not plan.unresolved and not plan.blocked


KEPT_CASES = [
    pytest.param("last_name", "McDonald", id="mixed-case-is-the-persons-spelling"),
    pytest.param("last_name", "de La Fontaine", id="already-clean"),
    pytest.param("phone", "+33612345678", id="already-e164"),
    pytest.param("phone", None, id="null-stays-null"),
    pytest.param("additional_phones", ["+33612345678"], id="additional-already-e164"),
    pytest.param("additional_phones", [], id="no-additional-phones"),
    pytest.param("additional_emails", None, id="additional-emails-null"),
]


@pytest.mark.parametrize(("field", "stored"), KEPT_CASES)
def test_clean_values_are_left_alone(field: str, stored: object) -> None:
    plan = plan_record("contact", BASE | {field: stored}, POLICY)
    assert plan.changes == () and plan.write == {}


UNRESOLVED_CASES = [
    pytest.param("phone", "12", "phone.too_short", id="invalid-phone"),
    pytest.param("phone", 612345678, "field.wrong_type", id="phone-as-integer"),
    pytest.param("phone", ["0612345678"], "field.wrong_type", id="phone-as-list"),
    pytest.param("first_name", "J\u0435an", "text.mixed_scripts", id="cyrillic-look-alike"),
    pytest.param("first_name", "x" * 100_000, "field.too_long", id="huge-value"),
    pytest.param("email", "not-an-email", "email.invalid", id="invalid-email"),
    pytest.param("civility", "Madame la", "civility.unknown", id="unknown-civility-kept"),
    # one bad item leaves the whole list as it is: nothing is dropped
    pytest.param("additional_phones", ["06 12 34 56 78", "12"], "phone.too_short",
                 id="one-invalid-additional-phone"),
    pytest.param("additional_emails", ["x@exemple.fr", "pas une adresse"], "email.invalid",
                 id="one-invalid-additional-email"),
    pytest.param("additional_phones", "06 12 34 56 78", "field.wrong_type",
                 id="additional-phones-not-a-list"),
    pytest.param("additional_emails", ["x@exemple.fr", 42], "field.wrong_type",
                 id="additional-email-not-text"),
]  # fmt: skip


@pytest.mark.parametrize(("field", "stored", "code"), UNRESOLVED_CASES)
def test_values_no_rule_can_fix_are_reported_not_changed(
    field: str, stored: object, code: str
) -> None:
    plan = plan_record("contact", BASE | {"first_name": "JEAN"} | {field: stored}, POLICY)
    if field == "first_name":
        assert plan.changes == ()
    else:  # the rest of the record is still cleaned
        assert [(c.field, c.after) for c in plan.changes] == [("first_name", "Jean")]
    assert plan.unresolved == {field: code}
    assert field not in plan.write


def test_phone_region_comes_from_the_record_country_else_france() -> None:
    british = plan_record("contact", BASE | {"phone": "020 7946 0958", "country": "GB"}, POLICY)
    assert [(c.field, c.after) for c in british.changes] == [("phone", "+442079460958")]
    french = plan_record("contact", BASE | {"phone": "020 7946 0958"}, POLICY)
    assert french.changes == () and "phone" in french.unresolved


def test_a_record_the_write_path_refuses_is_blocked_not_changed() -> None:
    plan = plan_record(
        "contact", {"first_name": "JEAN", "last_name": "  ", "phone": "0612345678"}, POLICY
    )
    assert plan.changes == () and plan.write == {}
    assert plan.blocked == ("field.required",)


def test_fields_restrict_what_is_planned() -> None:
    stored = BASE | {"first_name": "JEAN", "phone": "06 12 34 56 78"}
    plan = plan_record("contact", stored, POLICY, fields=["phone"])
    assert plan.fields == ("phone",)


COMPANY_CASES = [
    pytest.param({"name": "dupont sarl"}, {"name": "Dupont", "legal_form": "SARL"},
                 id="legal-form-split"),
    pytest.param({"name": "SOCIÉTÉ GÉNÉRALE S.A."},
                 {"name": "Société Générale", "legal_form": "SA"}, id="dotted-legal-form-accents"),
    pytest.param({"name": "McDonald's France SAS"},
                 {"name": "McDonald's France", "legal_form": "SAS"}, id="mixed-case-name-kept"),
    pytest.param({"name": "Dupont SAS", "legal_form": "SARL"}, {"name": "Dupont"},
                 id="legal-form-column-not-overwritten"),
    pytest.param({"name": "Dupont", "legal_form": "sarl"}, {"legal_form": "SARL"},
                 id="legal-form-case"),
    pytest.param({"name": "Dupont", "siren": "552 100 554"}, {"siren": "552100554"},
                 id="siren-spaces"),
    pytest.param({"name": "Dupont", "siren": None, "siret": "55210055400013"},
                 {"siren": "552100554"}, id="siren-derived-from-siret"),
    pytest.param({"name": "Dupont", "website": "WWW.Dupont.FR"},
                 {"website": "https://www.dupont.fr"}, id="website"),
    pytest.param({"name": "Dupont", "postcode": " 75001", "city": "PARIS"},
                 {"postcode": "75001", "city": "Paris"}, id="address"),
]  # fmt: skip


@pytest.mark.parametrize(("stored", "expected"), COMPANY_CASES)
def test_company_is_normalised_like_a_write(stored: dict, expected: dict) -> None:
    record = {"siren": "552100554"} | stored
    plan = plan_record("company", record, POLICY)
    assert {c.field: c.after for c in plan.changes} == expected


def test_planned_values_are_what_a_create_through_the_api_stores() -> None:
    messy = {
        "civility": "MONSIEUR",
        "first_name": "  JEAN-PIERRE ",
        "last_name": "DE LA FONTAINE",
        "email": " Jean.Dupont@EXEMPLE.FR",
        "phone": "06 12 34 56 78",
        "country": "fr",
        "email_status": "unknown",
    }
    created = prepare_contact(messy, POLICY).values
    plan = plan_record("contact", messy, POLICY)
    assert {c.field: c.after for c in plan.changes} == {
        f: created[f] for f in messy if f != "email_status"
    }
    company = {"name": "  BOULANGERIE MARTIN eurl ", "siren": "552 100 554"}
    created = prepare_company(company, POLICY).values
    plan = plan_record("company", company, POLICY)
    assert {c.field: c.after for c in plan.changes} == {
        f: created[f] for f in ("name", "legal_form", "siren")
    }


def test_a_warning_blocking_policy_leaves_the_warned_field_alone() -> None:
    strict = dataclasses.replace(POLICY, warnings_block=True)
    plan = plan_record("contact", BASE | {"first_name": "JEAN", "civility": "Madame la"}, strict)
    assert [(c.field, c.after) for c in plan.changes] == [("first_name", "Jean")]
    assert plan.unresolved == {"civility": "civility.unknown"}


# Messy but plausible legacy values: case, spaces, accents, punctuation, look-alikes.
_PIECES = [*"aAéÉeEdDlLmM '’-.@+0123456789\u00a0\t\u0435", "ＪＥ", "sas", "SARL", "Mc", "O'"]
_MESS = st.lists(st.sampled_from(_PIECES), max_size=15).map("".join)
_CONTACTS = st.fixed_dictionaries(
    {
        f: st.one_of(st.none(), _MESS)
        for f in ("first_name", "last_name", "email", "phone", "civility")
    }
    | {"country": st.sampled_from([None, "fr", "FR", "gb", "france", " BE "])}
)
_COMPANIES = st.fixed_dictionaries(
    {
        "name": st.one_of(st.none(), _MESS),
        "legal_form": st.sampled_from([None, "", "sas", "SARL", "s.a.", "bogus"]),
        "siren": st.sampled_from([None, "552100554", "552 100 554", "123"]),
        "phone": st.one_of(st.none(), _MESS),
        "city": st.one_of(st.none(), _MESS),
    }
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_CONTACTS)
def test_planning_a_cleaned_contact_plans_nothing(stored: dict) -> None:
    plan = plan_record("contact", stored, POLICY)
    again = plan_record("contact", apply_plan(stored, plan), POLICY)
    assert again.changes == ()
    assert set(plan.fields) <= set(CLEANABLE["contact"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_COMPANIES)
def test_planning_a_cleaned_company_plans_nothing(stored: dict) -> None:
    plan = plan_record("company", stored, POLICY)
    again = plan_record("company", apply_plan(stored, plan), POLICY)
    assert again.changes == ()


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(CLEANABLE["contact"]), st.one_of(st.text(), st.integers())))
def test_any_stored_values_plan_without_raising_and_settle(stored: dict) -> None:
    plan = plan_record("contact", stored, POLICY)
    assert not plan_record("contact", apply_plan(stored, plan), POLICY).changes
