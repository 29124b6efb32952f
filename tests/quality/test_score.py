"""The pure record scorer: table-driven cases, nasty inputs, invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.quality.score import (
    Employer,
    QualityScore,
    ScoreInput,
    open_pairs_of,
    score_record,
    with_open_pairs,
)
from app.quality.score_config import DEFAULT_CONFIG, DIMENSIONS, build_config
from app.validation.company import validate_company
from app.validation.contact import validate_contact
from app.validation.findings import Finding, error, info, warning
from app.validation.phone import same_numbering_country

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
FRESH = NOW - timedelta(hours=1)

FULL_CONTACT: dict[str, Any] = {
    "civility": "Mme",
    "first_name": "Élodie",
    "last_name": "Durand",
    "email": "elodie.durand@dupont.fr",
    "phone": "+33612345678",
    "job_title": "Acheteuse",
    "company_id": "5f0c1e4e-8a43-4d39-9a4b-3b2d6f1d1a01",
    "country": "FR",
    "lifecycle_stage": "customer",
    "lawful_basis": "contract",
}
FULL_COMPANY: dict[str, Any] = {
    "name": "Dupont Logistique",
    "legal_form": "SAS",
    "siren": "732829320",
    "siret": "73282932000074",
    "vat_number": "FR44732829320",
    "website": "https://www.dupont.fr",
    "phone": "+33123456789",
    "street": "1 rue de la Paix",
    "postcode": "75002",
    "city": "Paris",
    "country": "FR",
    "sector": "Transport",
}
DUPONT = Employer("dupont.fr", "FR")
MISMATCH = ("phone.country_mismatch", "phone")


def contact(**overrides: Any) -> dict[str, Any]:
    return FULL_CONTACT | overrides


def company(**overrides: Any) -> dict[str, Any]:
    return FULL_COMPANY | overrides


def run(entity: str, values: Any, **kwargs: Any) -> QualityScore:
    kwargs.setdefault("updated_at", FRESH)
    kwargs.setdefault("created_at", FRESH)
    if entity == "contact":
        kwargs.setdefault("employer", DUPONT)
    return score_record(ScoreInput(entity, values, **kwargs), NOW)  # type: ignore[arg-type]


def codes(result: QualityScore, dimension: str) -> set[tuple[str, str | None]]:
    return {(r.code, r.field) for r in result.reasons if r.dimension == dimension}


def test_a_complete_fresh_consistent_record_scores_100() -> None:
    for entity, values in (("contact", FULL_CONTACT), ("company", FULL_COMPANY)):
        result = run(entity, values)
        assert result.score == 100, result
        assert set(result.dimensions.values()) == {100}
        assert result.reasons == ()
        assert result.flags == ()


COMPLETENESS = [
    pytest.param(contact(first_name=""), {"first_name"}, id="empty-string"),
    pytest.param(contact(first_name="  \t\u00a0"), {"first_name"}, id="only-whitespace-incl-nbsp"),
    pytest.param(contact(first_name=None, phone=None), {"first_name", "phone"}, id="two-nulls"),
    pytest.param(contact(first_name="Ægir-Åsa"), set(), id="accents-are-filled"),
    pytest.param(contact(first_name="x" * 1_000_000), set(), id="huge-value"),
    pytest.param(contact(company_id=12345), set(), id="wrong-type-counts-as-filled"),
    pytest.param({k: None for k in FULL_CONTACT}, set(FULL_CONTACT), id="all-empty"),
    pytest.param(["not", "a", "mapping"], set(FULL_CONTACT), id="values-not-a-mapping"),
]


@pytest.mark.parametrize(("values", "missing"), COMPLETENESS)
def test_completeness_counts_weighted_key_fields(values: Any, missing: set[str]) -> None:
    result = run("contact", values)
    assert {f for _, f in codes(result, "completeness")} == missing
    weights = DEFAULT_CONFIG.completeness["contact"]
    expected = 100 * (1 - sum(weights[f] for f in missing) / sum(weights.values()))
    assert result.dimensions["completeness"] == round(expected)


FINDINGS = [
    pytest.param(
        [error("email", "email.invalid")], 50, {"email:invalid"}, {("email.invalid", "email")},
        id="error-costs-50",
    ),
    pytest.param(
        [warning("email", "email.typo")], 80, {"email:suspicious"}, {("email.typo", "email")},
        id="warning-costs-20",
    ),
    pytest.param(
        [warning("email", "email.typo"), warning("email", "email.typo")], 80,
        {"email:suspicious"}, {("email.typo", "email")}, id="same-finding-twice-counts-once",
    ),
    pytest.param([info("email", "email.free_mail")], 100, set(), set(), id="info-is-free"),
    pytest.param(
        [warning("civility", "civility.missing"), error("last_name", "field.required")], 100,
        set(), set(), id="absence-is-completeness-business",
    ),
    pytest.param(
        [error("siret", "siret.siren_mismatch")], 100, {"siret:invalid"}, set(),
        id="own-consistency-codes-flag-but-do-not-cost-validity",
    ),
    pytest.param(
        [error("phone", "phone.invalid"), warning("phone", "phone.premium_rate"),
         error("email", "email.invalid")], 0, {"phone:invalid", "phone:suspicious",
         "email:invalid"}, {("phone.invalid", "phone"), ("phone.premium_rate", "phone"),
         ("email.invalid", "email")}, id="clamped-at-zero",
    ),
    pytest.param(
        ["not a finding", None, 42], 100, set(), set(), id="wrong-types-ignored",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("findings", "validity", "flags", "reasons"), FINDINGS)
def test_validity_and_flags_come_from_findings(
    findings: list[Finding], validity: int, flags: set[str], reasons: set[tuple[str, str]]
) -> None:
    result = run("contact", FULL_CONTACT, findings=findings)
    assert result.dimensions["validity"] == validity
    assert set(result.flags) == flags
    assert codes(result, "validity") == reasons


PHONES = [
    pytest.param("+33612345678", [], False, id="e164"),
    pytest.param("06 12 34 56 78", [], True, id="national-format"),
    pytest.param("0033612345678", [], True, id="idd-prefix"),
    pytest.param("+33612345678", ["+33698765432", "06 98 76 54 32"], True, id="additional"),
    pytest.param(33612345678, [], True, id="wrong-type-int"),
    pytest.param("+３３６１２３４５６７８", [], True, id="fullwidth-digits"),
    pytest.param("", [], False, id="empty-is-missing-not-malformed"),
]


@pytest.mark.parametrize(("phone", "extra", "flagged"), PHONES)
def test_phone_not_e164(phone: object, extra: list[str], flagged: bool) -> None:
    result = run("contact", contact(phone=phone, additional_phones=extra))
    assert ("phone:not_e164" in result.flags) is flagged
    assert any(r.code == "phone.not_e164" for r in result.reasons) is flagged


@pytest.mark.parametrize(
    ("pairs", "uniqueness"),
    [
        pytest.param(0, 100, id="none"),
        pytest.param(1, 50, id="one"),
        pytest.param(2, 25, id="two"),
        pytest.param(10_000, 0, id="very-many"),
        pytest.param(-3, 100, id="negative"),
        pytest.param("3", 100, id="wrong-type-str"),
        pytest.param(True, 100, id="wrong-type-bool"),
    ],
)
def test_uniqueness_halves_per_open_pair(pairs: object, uniqueness: int) -> None:
    result = run("company", FULL_COMPANY, open_pairs=pairs)
    assert result.dimensions["uniqueness"] == uniqueness
    assert ("duplicate:open" in result.flags) is (uniqueness < 100)


YEAR = timedelta(days=365.25)
TIMELINESS = [
    pytest.param(FRESH, None, 100, (), id="fresh"),
    pytest.param(NOW - YEAR, None, 60, ("stale:12m",), id="one-year-keeps-60"),
    pytest.param(NOW - 2 * YEAR, None, 36, ("stale:12m", "stale:24m"), id="two-years"),
    pytest.param(
        NOW - timedelta(days=40 * 30.5), None, 18, ("stale:12m", "stale:24m", "stale:36m"),
        id="forty-months-has-all-three",
    ),
    pytest.param(NOW - YEAR, FRESH, 80, (), id="recent-interaction-old-update"),
    pytest.param(FRESH, NOW - 2 * YEAR, 68, ("stale:12m", "stale:24m"), id="old-interaction"),
    pytest.param(NOW + YEAR, NOW + 3 * YEAR, 100, (), id="future-dates-count-as-now"),
    pytest.param(
        (NOW - YEAR).replace(tzinfo=None), None, 60, ("stale:12m",), id="naive-read-as-utc"
    ),
    pytest.param("2020-01-01", None, 100, (), id="wrong-type-ignored"),
    pytest.param(NOW - timedelta(days=364), None, 60, (), id="just-under-12-months"),
]  # fmt: skip


@pytest.mark.parametrize(("updated", "interaction", "timeliness", "stale"), TIMELINESS)
def test_timeliness_decays_exponentially(
    updated: Any, interaction: Any, timeliness: int, stale: tuple[str, ...]
) -> None:
    result = run(
        "company",
        FULL_COMPANY,
        updated_at=updated,
        created_at=None,
        last_interaction_at=interaction,
    )
    assert result.dimensions["timeliness"] == timeliness
    assert tuple(f for f in result.flags if f.startswith("stale:")) == stale


def test_decay_rate_is_configurable() -> None:
    slow = build_config(decay_per_year=0.30)
    data = ScoreInput("company", FULL_COMPANY, updated_at=NOW - YEAR)
    assert score_record(data, NOW, slow).dimensions["timeliness"] == 70
    frozen = build_config(decay_per_year=0.0)
    old = ScoreInput("company", FULL_COMPANY, updated_at=NOW - 30 * YEAR)
    assert score_record(old, NOW, frozen).dimensions["timeliness"] == 100


CONSISTENCY = [
    pytest.param("contact", contact(), DUPONT, set(), id="consistent-contact"),
    pytest.param(
        "contact", contact(email="e.durand@durand-conseil.fr"), DUPONT,
        {("email.domain_mismatch", "email")}, id="email-domain-not-the-employer",
    ),
    pytest.param("contact", contact(email="elodie@gmail.com"), DUPONT, set(), id="free-mail"),
    pytest.param("contact", contact(email="e@orange.fr"), DUPONT, set(), id="free-mail-isp"),
    pytest.param("contact", contact(email="e@fr.dupont.fr"), DUPONT, set(), id="subdomain"),
    pytest.param("contact", contact(email="e@dupont.com"), DUPONT, set(), id="other-tld"),
    pytest.param(
        "contact", contact(email="e@dupont.co.uk"), Employer("dupont.fr", "FR"), set(),
        id="second-level-tld",
    ),
    pytest.param(
        "contact", contact(email="e@du\u0440ont.fr"), DUPONT,
        {("email.domain_mismatch", "email")}, id="cyrillic-look-alike",
    ),
    pytest.param("contact", contact(email="e@durand.fr"), None, set(), id="no-company"),
    pytest.param(
        "contact", contact(email="e@durand.fr"), Employer(None, "FR"), set(),
        id="company-without-website",
    ),
    pytest.param("contact", contact(email="no-at-sign"), DUPONT, set(), id="malformed-email"),
    pytest.param(
        "contact", contact(phone="+4930123456"), DUPONT, {("phone.country_mismatch", "phone")},
        id="german-phone-french-contact",
    ),
    pytest.param(
        "contact", contact(country=None, phone="+442071838750"), Employer("dupont.fr", "FR"),
        {("phone.country_mismatch", "phone")}, id="no-country-uses-the-employer",
    ),
    pytest.param(
        "contact", contact(country=None, phone="+442071838750"), None, set(),
        id="no-country-anywhere",
    ),
    pytest.param(
        "contact", contact(country="fr", phone="+33612345678"), DUPONT, set(),
        id="lower-case-country",
    ),
    pytest.param(
        "company", company(phone="+4930123456"), None, {("phone.country_mismatch", "phone")},
        id="foreign-phone-french-address",
    ),
    pytest.param(
        "company", company(country="MC", phone="+33123456789"),
        None, set() if same_numbering_country("FR", "MC") else {MISMATCH},
        id="monaco-follows-the-validators-numbering-plans",
    ),
    pytest.param(
        "company", company(siret="55210055400013"), None, {("siret.siren_mismatch", "siret")},
        id="siret-not-starting-with-siren",
    ),
    pytest.param(
        "company", company(vat_number="FR83404833048"), None,
        {("vat.siren_mismatch", "vat_number")}, id="vat-of-another-siren",
    ),
    pytest.param(
        "company", company(vat_number="DE123456789"), None, set(), id="foreign-vat-not-checked"
    ),
    pytest.param("company", company(siren=None), None, set(), id="siret-without-siren"),
]  # fmt: skip


@pytest.mark.parametrize(("entity", "values", "employer", "expected"), CONSISTENCY)
def test_consistency_checks(
    entity: str, values: dict[str, Any], employer: Employer | None, expected: set[Any]
) -> None:
    result = run(entity, values, employer=employer)
    found = codes(result, "consistency")
    assert found == expected
    assert result.dimensions["consistency"] == 100 - round(
        sum(r.points for r in result.reasons if r.dimension == "consistency")
    )


def test_validator_cross_checks_cost_consistency_not_validity() -> None:
    findings = [warning("postcode", "postcode.city_mismatch")]
    result = run("company", FULL_COMPANY, findings=findings)
    assert result.dimensions["validity"] == 100
    assert result.dimensions["consistency"] == 75
    assert "postcode:suspicious" in result.flags


def test_phone_country_mismatch_is_counted_once() -> None:
    values = company(phone="+4930123456")
    findings = validate_company(values).findings
    assert any(f.code == "phone.country_mismatch" for f in findings)
    result = run("company", values, findings=findings)
    assert [r.code for r in result.reasons] == ["phone.country_mismatch"]
    assert result.dimensions["consistency"] == 70


def test_civility_missing_flag_only_for_contacts() -> None:
    assert "civility:missing" in run("contact", contact(civility=" ")).flags
    assert "civility:missing" not in run("company", FULL_COMPANY).flags


def test_real_validator_findings_of_a_legacy_record() -> None:
    values = contact(email="jean@gmial.com", civility=None)
    result = run("contact", values, findings=validate_contact(values).findings)
    assert {"email:suspicious", "civility:missing"} <= set(result.flags)
    assert ("email.typo", "email") in codes(result, "validity")
    assert "civility:suspicious" not in result.flags


def test_score_is_the_weighted_mean_of_the_dimensions() -> None:
    config = build_config(dimension_weights={"completeness": 1, "validity": 0, "uniqueness": 0,
                                             "timeliness": 0, "consistency": 0})  # fmt: skip
    data = ScoreInput("contact", contact(first_name=None), open_pairs=3, employer=DUPONT)
    result = score_record(data, NOW, config)
    assert result.score == result.dimensions["completeness"]


def test_reasons_never_hold_values() -> None:
    values = contact(email="secret.person@durand.fr", phone="+4930123456")
    result = run("contact", values, findings=validate_contact(values).findings)
    dumped = repr([r.as_json() for r in result.reasons]) + repr(result.flags)
    assert "secret" not in dumped and "4930123456" not in dumped


def test_deterministic() -> None:
    values = contact(email="e@durand.fr", phone="06 12 34 56 78")
    kwargs = {"open_pairs": 2, "findings": validate_contact(values).findings}
    assert run("contact", values, **kwargs) == run("contact", values, **kwargs)


TEXT = st.one_of(st.none(), st.text(max_size=40), st.integers(), st.lists(st.text(max_size=5)))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["contact", "company"]),
    st.dictionaries(st.sampled_from(sorted(set(FULL_CONTACT) | set(FULL_COMPANY))), TEXT),
    st.integers(min_value=-5, max_value=50),
    st.datetimes(timezones=st.just(UTC)),
)
def test_invariants(entity: str, values: dict[str, Any], pairs: int, updated: datetime) -> None:
    result = run(entity, values, open_pairs=pairs, updated_at=updated, employer=DUPONT)
    assert 0 <= result.score <= 100
    assert set(result.dimensions) == set(DIMENSIONS)
    assert all(0 <= v <= 100 for v in result.dimensions.values())
    assert all(r.points > 0 for r in result.reasons)
    assert list(result.flags) == sorted(set(result.flags))


@pytest.mark.parametrize("pairs", range(12))
def test_a_stored_uniqueness_gives_back_a_count_that_scores_the_same(pairs: int) -> None:
    stored = run("company", FULL_COMPANY, open_pairs=pairs).dimensions["uniqueness"]
    again = open_pairs_of(stored)
    assert again == min(pairs, 8)
    assert run("company", FULL_COMPANY, open_pairs=again).dimensions["uniqueness"] == stored


@pytest.mark.parametrize("stored", [None, "50", 50.0, True, [], {}])
def test_no_count_from_a_missing_or_odd_uniqueness(stored: object) -> None:
    assert open_pairs_of(stored) is None


def stored(result: QualityScore) -> tuple[Any, Any, Any]:
    """The columns a score is stored in, as JSON gives them back."""
    return dict(result.dimensions), [r.as_json() for r in result.reasons], list(result.flags)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["contact", "company"]),
    st.dictionaries(st.sampled_from(sorted(set(FULL_CONTACT) | set(FULL_COMPANY))), TEXT),
    st.integers(min_value=0, max_value=20),
    st.integers(min_value=0, max_value=20),
    st.datetimes(timezones=st.just(UTC)),
)
def test_changing_only_the_pairs_gives_the_full_score(
    entity: str, values: dict[str, Any], before: int, after: int, updated: datetime
) -> None:
    kwargs = {"updated_at": updated, "employer": DUPONT}
    was = run(entity, values, open_pairs=before, **kwargs)
    assert with_open_pairs(*stored(was), after) == run(entity, values, open_pairs=after, **kwargs)


def test_pairs_only_keeps_the_reasons_of_the_other_dimensions_in_order() -> None:
    values = contact(email="e@dupont.fr", phone="06 12 34 56 78", civility=None)
    was = run("contact", values, findings=validate_contact(values).findings, open_pairs=0)
    now = with_open_pairs(*stored(was), 3)
    assert now is not None
    assert [r.dimension for r in now.reasons] == sorted(
        (r.dimension for r in now.reasons), key=DIMENSIONS.index
    )
    assert ("duplicate.open", None) in codes(now, "uniqueness")
    assert "duplicate:open" in now.flags and "civility:missing" in now.flags
    assert now.dimensions["uniqueness"] == 13 and now.score < was.score


WHOLE = stored(run("company", FULL_COMPANY))
NOT_A_SCORE = [
    ({}, [], []),  # cleared (anonymised)
    (None, None, None),  # never scored
    ({**WHOLE[0], "uniqueness": None}, WHOLE[1], WHOLE[2]),
    ({k: v for k, v in WHOLE[0].items() if k != "validity"}, WHOLE[1], WHOLE[2]),
    ({**WHOLE[0], "validity": True}, WHOLE[1], WHOLE[2]),
    ({**WHOLE[0], "validity": "80"}, WHOLE[1], WHOLE[2]),
    (WHOLE[0], "reasons", WHOLE[2]),
    (WHOLE[0], [{"dimension": "beauty", "code": "x", "points": 1.0}], WHOLE[2]),
    (WHOLE[0], [{"dimension": "validity", "code": "x", "points": "1"}], WHOLE[2]),
    (WHOLE[0], ["validity"], WHOLE[2]),
    (WHOLE[0], WHOLE[1], "duplicate:open"),
]


@pytest.mark.parametrize(("dimensions", "reasons", "found"), NOT_A_SCORE)
def test_pairs_only_refuses_what_is_not_a_whole_stored_score(
    dimensions: Any, reasons: Any, found: Any
) -> None:
    assert with_open_pairs(dimensions, reasons, found, 1) is None
