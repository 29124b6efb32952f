"""Websites and domains.

"HTTPS://WWW.Dupont.FR/contact?x=1" → website "https://www.dupont.fr", domain "dupont.fr":
a company's website is its origin (scheme, host, non-default port); paths, queries and
fragments are page addresses, not the company's. A missing scheme means https. Credentials
in the URL, IP addresses, single-label hosts and schemes other than http(s) are refused.

Internationalised domains are checked with IDNA 2008/UTS 46 (the `idna` package) and stored
in Unicode, lower-cased ("https://café.fr"), so "xn--caf-dma.fr" and "café.fr" are one domain.
Hosts mixing Latin with Cyrillic or Greek look-alikes ("dupоnt.fr") are refused.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna

from app.validation.fields import text_input
from app.validation.findings import Finding, error
from app.validation.text import mixed_script_finding

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*://")
_WWW = re.compile(r"^www\d*\.")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# a plain ASCII host name (LDH labels): the common case, checked without the IDNA machinery
_ASCII_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


@dataclass(frozen=True, slots=True)
class WebsiteCheck:
    value: str | None
    domain: str | None
    findings: tuple[Finding, ...]


def _host(host: str) -> str | None:
    """The Unicode, lower-cased host, or None when it cannot be a public web host."""
    host = host.rstrip(".")
    if not host or "." not in host:
        return None
    literal = host.strip("[]")
    # only digits and dots, or a colon, can spell an address: most hosts skip the parse
    if ":" in literal or literal.replace(".", "").isdigit():
        try:
            ipaddress.ip_address(literal)
            return None
        except ValueError:
            pass
    lowered = host.lower()
    labels = lowered.split(".")
    if lowered.isascii() and "xn--" not in lowered and all(map(_ASCII_LABEL.fullmatch, labels)):
        ascii_host = unicode_host = lowered
    else:
        try:
            ascii_host = idna.encode(host, uts46=True).decode("ascii")
            unicode_host = idna.decode(ascii_host)
        except (idna.IDNAError, UnicodeError, ValueError):
            return None
    tld = ascii_host.rsplit(".", 1)[-1]
    if len(ascii_host) > 253 or len(tld) < 2 or not (tld.isalpha() or tld.startswith("xn--")):
        return None
    return unicode_host.lower()


def registrable_part(host: str) -> str:
    """The host without a leading "www." ("www2." ...): what two spellings of a site share."""
    return _WWW.sub("", host)


def _origin(text: str) -> tuple[str, str] | None:
    if "://" not in text[:12]:
        text = "https://" + text.lstrip("/")
    elif not _SCHEME.match(text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or parts.username or parts.password or not parts.hostname:
        return None
    host = _host(parts.hostname)
    if host is None:
        return None
    suffix = f":{port}" if port and port != _DEFAULT_PORTS[scheme] else ""
    return f"{scheme}://{host}{suffix}", host


def domain_of(text: str) -> str | None:
    """The website domain in a URL, a bare domain or an email address; None if there is none.

    The dedup engine keys companies on it: "https://www.Dupont.fr/x" and "contact@dupont.fr"
    both give "dupont.fr".
    """
    text = text.strip()
    if "@" in text and "://" not in text:
        text = text.rsplit("@", 1)[1]
    origin = _origin(text)
    return registrable_part(origin[1]) if origin else None


def validate_website(raw: object, *, field: str = "website") -> WebsiteCheck:
    text, findings = text_input(field, raw)
    if text is None:
        return WebsiteCheck(None, None, tuple(findings))
    if "@" in text and "://" not in text:
        # an email address typed in the website field: suggest its domain's site
        origin = _origin(text.rsplit("@", 1)[1])
        suggestion = origin[0] if origin else None
        return WebsiteCheck(
            None, None, (*findings, error(field, "website.invalid", suggestion=suggestion))
        )
    origin = _origin(text)
    if origin is None or " " in text.split("://", 1)[-1].split("/", 1)[0]:
        return WebsiteCheck(None, None, (*findings, error(field, "website.invalid")))
    value, host = origin
    spoof = mixed_script_finding(field, host)
    if spoof is not None:
        return WebsiteCheck(None, None, (*findings, spoof))
    return WebsiteCheck(value, registrable_part(host), tuple(findings))
