"""Which URLs and event types a subscription accepts (pure)."""

from __future__ import annotations

import pytest

from app.webhooks.outbox import EVENT_TYPES
from app.webhooks.subscriptions_rules import InvalidUrl, check_events, check_url


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://crm.example.fr/hooks/crm-dq", id="https"),
        pytest.param("http://127.0.0.1:8080/x", id="loopback-http-port"),
        pytest.param("https://crm.example.fr/hooks?token=abc&x=1", id="query-kept"),
        pytest.param("https://société-générale.fr/hook", id="idn-accents"),
        pytest.param("https://xn--socit-gnrale-ihbd.fr/", id="punycode"),
        pytest.param("https://例え.jp/", id="japanese-idn"),
        pytest.param("https://[::1]:8443/hook", id="ipv6-literal"),
        pytest.param("http://crm_hooks:8000/in", id="docker-service-underscore"),
        pytest.param("https://exemple.fr/chemin/%C3%A9t%C3%A9", id="percent-encoded-path"),
        pytest.param("https://a.fr/" + "x" * 2030, id="2048-chars"),
    ],
)
def test_accepted_urls_are_kept_as_given(url: str) -> None:
    assert check_url(url) == url


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        pytest.param("", "1 to 2048", id="empty"),
        pytest.param("https://a.fr/" + "x" * 2040, "1 to 2048", id="too-long"),
        pytest.param("ftp://crm.example.fr/x", "http and https", id="ftp"),
        pytest.param("javascript:alert(1)", "http and https", id="javascript"),
        pytest.param("file:///etc/passwd", "http and https", id="file"),
        pytest.param("crm.example.fr/hook", "http and https", id="no-scheme"),
        pytest.param("https:///hook", "needs a host", id="no-host"),
        pytest.param("https://user:pass@crm.example.fr/", "credentials", id="credentials"),
        pytest.param("https://crm.example.fr/#frag", "fragment", id="fragment"),
        pytest.param("https://crm.example.fr:99999/", "cannot be parsed", id="port-out-of-range"),
        pytest.param("https://crm.example.fr:0/", "port 0", id="port-zero"),
        pytest.param("https://crm.example.fr/a b", "spaces", id="space"),
        pytest.param("https://crm.example.fr/\nHost: evil", "spaces", id="header-injection"),
        pytest.param("https://crm.example.fr/\u200b", "spaces", id="zero-width-space"),
        pytest.param("https://ex\u0430mple.com/", "mixes", id="cyrillic-a-lookalike"),
        pytest.param("https://\u03bfpenai.com/", "mixes", id="greek-omicron-lookalike"),
        pytest.param("https://a..b/", "host name", id="empty-label"),
        pytest.param("https://a$b.fr/", "host name", id="dollar-in-host"),
        pytest.param("https://xn--.fr/", "domain", id="broken-punycode"),
        pytest.param("https://xn--exmple-4nf.com/", "mixes", id="punycode-hides-lookalike"),
    ],
)
def test_refused_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(InvalidUrl, match=reason):
        check_url(url)


def test_events_are_sorted_and_deduplicated() -> None:
    assert check_events(["record.merged", "duplicate.detected", "record.merged"]) == [
        "duplicate.detected",
        "record.merged",
    ]


def test_every_outbox_event_type_and_the_wildcard_are_subscribable() -> None:
    assert check_events([*EVENT_TYPES, "*"]) == sorted([*EVENT_TYPES, "*"])


@pytest.mark.parametrize(
    ("events", "message"),
    [
        pytest.param([], "at least one", id="none"),
        pytest.param(["record.deleted"], "unknown", id="unknown"),
        pytest.param(["Record.Merged"], "unknown", id="case"),
        pytest.param(["record.merged", ""], "unknown", id="empty-string"),
        pytest.param(["record.*"], "unknown", id="partial-wildcard"),
    ],
)
def test_bad_event_lists_are_refused(events: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_events(events)
