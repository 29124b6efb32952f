"""Email addresses: syntax, typos, disposable, role and free-mail addresses."""

from __future__ import annotations

import time

import pytest

from app.validation.email import (
    is_disposable_domain,
    is_free_mail_domain,
    is_role_address,
    suggest_domain,
    validate_email,
)
from app.validation.findings import Severity

TYPO_CASES = [
    pytest.param("jean@gmial.com", "jean@gmail.com", id="gmial-transposition"),
    pytest.param("jean@hotmial.fr", "jean@hotmail.fr", id="hotmial"),
    pytest.param("jean@orange.frr", "jean@orange.fr", id="tld-frr"),
    pytest.param("jean@gmail.con", "jean@gmail.com", id="tld-con"),
    pytest.param("jean@yaho.fr", "jean@yahoo.fr", id="yaho"),
    pytest.param("jean@wanadoo.fe", "jean@wanadoo.fr", id="tld-fe"),
    pytest.param("jean@gnail.com", "jean@gmail.com", id="gnail"),
    pytest.param("jean@gmail.co", "jean@gmail.com", id="gmail-co"),
    pytest.param("jean@gmail.fr", "jean@gmail.com", id="gmail-fr-does-not-exist"),
    pytest.param("jean@hotmail.cmo", "jean@hotmail.com", id="tld-cmo"),
    pytest.param("jean@laposte.nte", "jean@laposte.net", id="tld-nte"),
    pytest.param("jean@outlok.fr", "jean@outlook.fr", id="outlok"),
    pytest.param("jean@dupont-industrie.con", "jean@dupont-industrie.com", id="company-tld"),
    pytest.param("JEAN@GMIAL.COM", "jean@gmail.com", id="upper-case"),
]


@pytest.mark.parametrize(("raw", "suggestion"), TYPO_CASES)
def test_typo_suggestions(raw: str, suggestion: str) -> None:
    result = validate_email(raw)
    typo = [f for f in result.findings if f.code == "email.typo"]
    assert len(typo) == 1
    assert typo[0].severity is Severity.WARNING
    assert typo[0].suggestion == suggestion
    assert result.value == raw.lower()  # the address is kept as typed, the fix is suggested


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("jean@gmail.com", id="gmail"),
        pytest.param("jean@orange.fr", id="orange"),
        pytest.param("jean@dupont.fr", id="company"),
        pytest.param("jean@dupont-logistique.fr", id="company-long"),
        pytest.param("jean@orange.com", id="orange-the-company"),
        pytest.param("jean@sfa.fr", id="short-company-domain"),
        pytest.param("jean@gmx.de", id="known-provider"),
    ],
)
def test_no_typo_on_real_domains(raw: str) -> None:
    assert "email.typo" not in [f.code for f in validate_email(raw).findings]


NORMALISE_CASES = [
    pytest.param("Jean.Dupont@Dupont.FR", "jean.dupont@dupont.fr", id="lower-case"),
    pytest.param("  jean@dupont.fr\u00a0", "jean@dupont.fr", id="padding-nbsp"),
    pytest.param("mailto:Jean@Dupont.fr", "jean@dupont.fr", id="mailto"),
    pytest.param("<jean@dupont.fr>", "jean@dupont.fr", id="angle-brackets"),
    pytest.param("Jean Dupont <Jean@Dupont.fr>", "jean@dupont.fr", id="display-name"),
    pytest.param('"Dupont, Jean" <jean@dupont.fr>', "jean@dupont.fr", id="quoted-display-name"),
    pytest.param("jean@café.fr", "jean@café.fr", id="idn-unicode"),
    pytest.param("jean@xn--caf-dma.fr", "jean@café.fr", id="idn-punycode-same-value"),
    pytest.param("jean@CAFÉ.fr", "jean@café.fr", id="idn-upper"),
    pytest.param("jean@cafe\u0301.fr", "jean@café.fr", id="combining-accent-domain"),
    pytest.param("jean+crm@dupont.fr", "jean+crm@dupont.fr", id="plus-tag-kept"),
    pytest.param("jean\u200b@dupont.fr", "jean@dupont.fr", id="zero-width-removed"),
]


@pytest.mark.parametrize(("raw", "expected"), NORMALISE_CASES)
def test_normalised_value(raw: str, expected: str) -> None:
    result = validate_email(raw)
    assert result.value == expected
    assert not [f for f in result.findings if f.severity is Severity.ERROR]


INVALID_CASES = [
    pytest.param("jean", None, id="no-at"),
    pytest.param("jean@", None, id="no-domain"),
    pytest.param("@dupont.fr", None, id="no-local"),
    pytest.param("jean@gmail", "jean@gmail.com", id="provider-without-tld"),
    pytest.param("jean@gmail,com", "jean@gmail.com", id="comma"),
    pytest.param("jean@gmail..com", "jean@gmail.com", id="double-dot"),
    pytest.param("jean@@gmail.com", "jean@gmail.com", id="double-at"),
    pytest.param("jean@gmial", "jean@gmail.com", id="typo-without-tld"),
    pytest.param("jean dupont@gmail.com", None, id="space-in-local-not-guessed"),
    pytest.param("jean@dupont", None, id="unknown-single-label"),
    pytest.param("jean..dupont@dupont.fr", None, id="consecutive-dots"),
    pytest.param("a" * 65 + "@dupont.fr", None, id="local-too-long"),
    pytest.param("jean@dupont.fr; jd@gmail.com", "jean@dupont.fr", id="two-addresses"),
    pytest.param("Jean@Dupont.fr, jd@gmail.com", "jean@dupont.fr", id="two-addresses-comma"),
    pytest.param("a@b <jean@dupont.fr>", None, id="address-as-display-name"),
    pytest.param("Jean Dupont <>", None, id="display-name-without-address"),
]


@pytest.mark.parametrize(("raw", "suggestion"), INVALID_CASES)
def test_invalid_addresses(raw: str, suggestion: str | None) -> None:
    result = validate_email(raw)
    assert result.value is None
    assert [(f.code, f.suggestion) for f in result.findings] == [("email.invalid", suggestion)]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        pytest.param(42, "field.wrong_type", id="number"),
        pytest.param(["a@b.fr"], "field.wrong_type", id="list"),
        pytest.param("a" * 321, "field.too_long", id="over-320"),
        pytest.param("x" * 100_000 + "@dupont.fr", "field.too_long", id="100k"),
        pytest.param("jean\u202e@dupont.fr", "text.bidi_control", id="rtl-override"),
        pytest.param("jean@gооgle.com", "text.mixed_scripts", id="cyrillic-homograph"),
    ],
)
def test_refused_values(raw: object, code: str) -> None:
    result = validate_email(raw)
    assert result.value is None
    assert [f.code for f in result.findings] == [code]


@pytest.mark.parametrize(
    ("raw", "codes"),
    [
        pytest.param("Jean Dupont <jean@dupont.fr>", ["email.display_name_removed"], id="named"),
        pytest.param("<jean@dupont.fr>", [], id="brackets-alone-remove-no-name"),
        pytest.param("mailto:jean@dupont.fr", [], id="mailto-removes-no-name"),
    ],
)
def test_a_removed_display_name_is_said(raw: str, codes: list[str]) -> None:
    assert [f.code for f in validate_email(raw).findings] == codes


def test_homograph_suggests_latin() -> None:
    (finding,) = validate_email("jean@gооgle.com").findings
    assert finding.suggestion == "jean@google.com"


def test_absent_values_give_nothing() -> None:
    for raw in (None, "", "   ", "\u00a0"):
        result = validate_email(raw)
        assert (result.value, result.findings) == (None, ())


def test_disposable_is_an_error_by_default_and_configurable() -> None:
    result = validate_email("jean@mailinator.com")
    assert [(f.code, f.severity) for f in result.findings] == [("email.disposable", Severity.ERROR)]
    relaxed = validate_email("jean@mailinator.com", disposable_severity=Severity.WARNING)
    assert [f.severity for f in relaxed.findings] == [Severity.WARNING]
    assert relaxed.value == "jean@mailinator.com"


def test_typo_domain_listed_as_disposable_reports_only_the_typo() -> None:
    # gmial.com is registered by a throwaway service: the user meant gmail.com
    assert is_disposable_domain("gmial.com")
    assert [f.code for f in validate_email("jean@gmial.com").findings] == ["email.typo"]


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        pytest.param("mailinator.com", True, id="listed"),
        pytest.param("inbox.mailinator.com", True, id="subdomain-of-listed"),
        pytest.param("MAILINATOR.COM.", True, id="case-and-trailing-dot"),
        pytest.param("dupont.fr", False, id="company"),
        pytest.param("gmail.com", False, id="free-mail-is-not-disposable"),
    ],
)
def test_is_disposable_domain(domain: str, expected: bool) -> None:
    assert is_disposable_domain(domain) is expected


ROLE_CASES = [
    *[
        pytest.param(local, True, id=local)
        for local in ("contact", "info", "noreply", "no-reply", "no_reply", "admin", "sales")
    ],
    *[
        pytest.param(local, True, id=local)
        for local in ("support", "compta", "rh", "direction", "ne-pas-repondre", "Contact")
    ],
    pytest.param("contact2", True, id="digits"),
    pytest.param("info+crm", True, id="plus-tag"),
    pytest.param("service.client", True, id="dotted"),
    pytest.param("jean.dupont", False, id="person"),
    pytest.param("jean", False, id="first-name"),
    pytest.param("contactjean", False, id="prefix-only"),
]


@pytest.mark.parametrize(("local", "expected"), ROLE_CASES)
def test_is_role_address(local: str, expected: bool) -> None:
    assert is_role_address(local) is expected


def test_role_address_is_a_warning() -> None:
    result = validate_email("contact@dupont.fr")
    assert [(f.code, f.severity) for f in result.findings] == [
        ("email.role_address", Severity.WARNING)
    ]
    assert result.value == "contact@dupont.fr"


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        pytest.param("gmail.com", True, id="gmail"),
        pytest.param("orange.fr", True, id="orange"),
        pytest.param("wanadoo.fr", True, id="wanadoo"),
        pytest.param("free.fr", True, id="free"),
        pytest.param("laposte.net", True, id="laposte-net"),
        pytest.param("hotmail.co.uk", True, id="brand-any-country"),
        pytest.param("yahoo.com.br", True, id="brand-two-level-tld"),
        pytest.param("GMAIL.COM", True, id="case"),
        pytest.param("dupont.fr", False, id="company"),
        pytest.param("laposte.fr", False, id="la-poste-the-company"),
        pytest.param("orange.com", False, id="orange-the-company"),
    ],
)
def test_is_free_mail_domain(domain: str, expected: bool) -> None:
    assert is_free_mail_domain(domain) is expected


def test_free_mail_is_info_only_for_b2b() -> None:
    findings = validate_email("jean@gmail.com").findings
    assert [(f.code, f.severity) for f in findings] == [("email.free_mail", Severity.INFO)]
    assert validate_email("jean@gmail.com", b2b=False).findings == ()


def test_non_ascii_local_part_is_a_warning() -> None:
    result = validate_email("jérôme@dupont.fr")
    assert result.value == "jérôme@dupont.fr"
    assert [f.code for f in result.findings] == ["email.non_ascii_local"]


def test_parts_are_exposed_for_the_dedup_engine() -> None:
    result = validate_email("Jean.Dupont@Dupont.FR")
    assert (result.local, result.domain) == ("jean.dupont", "dupont.fr")


def test_suggest_domain_returns_none_for_known_and_far_domains() -> None:
    assert suggest_domain("gmail.com") is None
    assert suggest_domain("entreprise-dupont.fr") is None


def test_email_is_fast() -> None:
    start = time.perf_counter()
    for _ in range(200):
        validate_email("jean.dupont@gmial.com")
    assert (time.perf_counter() - start) / 200 < 0.002
