"""Websites and domains."""

from __future__ import annotations

import pytest

from app.validation.web import domain_of, validate_website

VALID = [
    pytest.param(
        "HTTPS://WWW.Dupont.FR/contact?x=1", "https://www.dupont.fr", "dupont.fr", id="brief"
    ),
    pytest.param("dupont.fr", "https://dupont.fr", "dupont.fr", id="bare-domain"),
    pytest.param("www.dupont.fr", "https://www.dupont.fr", "dupont.fr", id="www"),
    pytest.param("//dupont.fr", "https://dupont.fr", "dupont.fr", id="protocol-relative"),
    pytest.param("http://dupont.fr", "http://dupont.fr", "dupont.fr", id="http-kept"),
    pytest.param("https://dupont.fr:443/", "https://dupont.fr", "dupont.fr", id="default-port"),
    pytest.param("http://dupont.fr:8080/x", "http://dupont.fr:8080", "dupont.fr", id="other-port"),
    pytest.param("http://dupont.fr.", "http://dupont.fr", "dupont.fr", id="trailing-dot"),
    pytest.param(
        "https://www2.dupont.co.uk", "https://www2.dupont.co.uk", "dupont.co.uk", id="www2"
    ),
    pytest.param("https://shop.dupont.fr", "https://shop.dupont.fr", "shop.dupont.fr", id="sub"),
    pytest.param("https://café.fr", "https://café.fr", "café.fr", id="idn-unicode"),
    pytest.param("xn--caf-dma.fr", "https://café.fr", "café.fr", id="idn-punycode"),
    pytest.param("https://CAFÉ.fr", "https://café.fr", "café.fr", id="idn-upper"),
    pytest.param("ｄｕｐｏｎｔ．ｆｒ", "https://dupont.fr", "dupont.fr", id="fullwidth"),
    pytest.param("  dupont.fr\u00a0", "https://dupont.fr", "dupont.fr", id="padding"),
    pytest.param("https://dupont.fr#top", "https://dupont.fr", "dupont.fr", id="fragment"),
    pytest.param("https://123.fr", "https://123.fr", "123.fr", id="digits-before-a-tld"),
]


@pytest.mark.parametrize(("raw", "website", "domain"), VALID)
def test_valid_websites(raw: str, website: str, domain: str) -> None:
    result = validate_website(raw)
    assert (result.value, result.domain, result.findings) == (website, domain, ())


INVALID = [
    pytest.param("ftp://dupont.fr", "website.invalid", id="ftp"),
    pytest.param("javascript:alert(1)", "website.invalid", id="javascript"),
    pytest.param("http://user:secret@dupont.fr", "website.invalid", id="credentials"),
    pytest.param("http://192.168.1.1", "website.invalid", id="ipv4"),
    pytest.param("https://[::1]/", "website.invalid", id="ipv6"),
    pytest.param("http://10.0.0.1.:8080/x", "website.invalid", id="ipv4-port-trailing-dot"),
    pytest.param("https://[2001:db8::1]", "website.invalid", id="ipv6-documentation"),
    pytest.param("localhost", "website.invalid", id="single-label"),
    pytest.param("dupont .fr", "website.invalid", id="space"),
    pytest.param("https://", "website.invalid", id="no-host"),
    pytest.param("https://dupont.123", "website.invalid", id="numeric-tld"),
    pytest.param("https://dupont.fr:99999", "website.invalid", id="bad-port"),
    pytest.param("http://ex_ample.fr", "website.invalid", id="underscore"),
    pytest.param("https://" + "a" * 64 + ".fr", "website.invalid", id="label-too-long"),
    pytest.param("https://dupоnt.fr", "text.mixed_scripts", id="cyrillic-homograph"),
    pytest.param("https://xn--80ak6aa92e.com", "text.mixed_scripts", id="punycode-homograph"),
    pytest.param("x" * 3000, "field.too_long", id="too-long"),
    pytest.param(["dupont.fr"], "field.wrong_type", id="list"),
]


@pytest.mark.parametrize(("raw", "code"), INVALID)
def test_invalid_websites(raw: object, code: str) -> None:
    result = validate_website(raw)
    assert (result.value, result.domain) == (None, None)
    assert [f.code for f in result.findings] == [code]


def test_email_in_website_field_suggests_its_site() -> None:
    (finding,) = validate_website("contact@dupont.fr").findings
    assert (finding.code, finding.suggestion) == ("website.invalid", "https://dupont.fr")


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        pytest.param("https://www.Dupont.fr/x", "dupont.fr", id="url"),
        pytest.param("contact@Dupont.FR", "dupont.fr", id="email"),
        pytest.param("dupont.fr", "dupont.fr", id="bare"),
        pytest.param("not a domain", None, id="garbage"),
        pytest.param("", None, id="empty"),
    ],
)
def test_domain_of(text: str, domain: str | None) -> None:
    assert domain_of(text) == domain
