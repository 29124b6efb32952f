"""Email addresses: syntax, typo suggestions, disposable, role and free-mail addresses.

Syntax is email-validator's (RFC 5322/6531 with the usual real-world restrictions). DNS
deliverability is an opt-in flag because it is network I/O: the web-form path stays pure.

The normalised value lower-cases the whole address. RFC 5321 lets the part before the @ be
case-sensitive, but no mainstream mail server treats it so, and CRMs, ESPs and people do not
either: "Jean.Dupont@x.fr" and "jean.dupont@x.fr" are the same person for matching and
suppression lists. We do not strip dots or +tags (Gmail-specific rules); the dedup engine may.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import email_validator
from disposable_email_domains import blocklist
from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from app.validation.fields import text_input
from app.validation.findings import Finding, Severity, error, info, warning
from app.validation.tables import lines
from app.validation.text import mixed_script_finding

# Endings that are not real top-level domains but are one keystroke from one.
TLD_TYPOS: dict[str, str] = {
    "con": "com",
    "cmo": "com",
    "ocm": "com",
    "vom": "com",
    "xom": "com",
    "comm": "com",
    "coom": "com",
    "cpm": "com",
    "clm": "com",
    "frr": "fr",
    "ffr": "fr",
    "fe": "fr",
    "fd": "fr",
    "rf": "fr",
    "ft": "fr",
    "fr1": "fr",
    "nte": "net",
    "ner": "net",
    "nett": "net",
    "orgg": "org",
    "ogr": "org",
    "rog": "org",
}

# "Jean Dupont <jean.dupont@acme.fr>", as a mail client copies an address
_DISPLAY_NAME = re.compile(r"[^<>@]*<([^<>]+)>")
_SEVERAL = re.compile(r"[\s,;]+")

# Real-looking domains that are nonetheless a slip for a provider's only domain.
DOMAIN_TYPOS: dict[str, str] = {
    "gmail.fr": "gmail.com",
    "gmail.com.fr": "gmail.com",
    "icloud.fr": "icloud.com",
    "googlemail.fr": "googlemail.com",
}

# Brands whose every country domain is a free-mail service (hotmail.co.uk, yahoo.com.br...).
_FREE_MAIL_BRANDS = frozenset({"gmail", "hotmail", "yahoo", "outlook", "live", "gmx", "aol"})


@cache
def _providers() -> tuple[str, ...]:
    return lines("free_mail_domains.txt")


@cache
def _provider_set() -> frozenset[str]:
    return frozenset(_providers())


@cache
def _fuzzy_targets() -> tuple[str, ...]:
    # three-letter names (sfr.fr, gmx.de, aol.fr, mac.com) are one edit from countless
    # company domains: they are only matched exactly
    return tuple(p for p in _providers() if len(p.split(".", 1)[0]) >= 4)


@cache
def _provider_labels() -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.split(".", 1)[0] for p in _providers()))


@cache
def _role_locals() -> frozenset[str]:
    return frozenset(lines("role_local_parts.txt"))


def is_free_mail_domain(domain: str) -> bool:
    """True for consumer mailbox providers (gmail.com, orange.fr, yahoo.co.uk...)."""
    domain = domain.strip().lower().rstrip(".")
    if domain in _provider_set():
        return True
    brand, _, suffix = domain.partition(".")
    return brand in _FREE_MAIL_BRANDS and 0 < len(suffix) <= 6


def is_role_address(local: str) -> bool:
    """True when the part before the @ names a function ("contact", "no-reply", "compta2")."""
    folded = local.strip().lower().split("+", 1)[0]
    folded = "".join(ch for ch in folded if ch.isalpha())
    return folded in _role_locals()


def is_disposable_domain(domain: str) -> bool:
    labels = domain.strip().lower().rstrip(".").split(".")
    # a subdomain of a disposable service is disposable too (x.mailinator.com)
    return any(".".join(labels[i:]) in blocklist for i in range(len(labels) - 1))


def suggest_domain(domain: str) -> str | None:
    """A likely intended domain for a misspelt one, or None when it looks fine."""
    domain = domain.lower().rstrip(".")
    if domain in _provider_set():
        return None
    if domain in DOMAIN_TYPOS:
        return DOMAIN_TYPOS[domain]
    name, dot, tld = domain.rpartition(".")
    candidate = f"{name}.{TLD_TYPOS[tld]}" if dot and tld in TLD_TYPOS else domain
    if candidate in _provider_set():
        return candidate
    if len(candidate) >= 7:
        # transpositions count as one edit ("gmial"); short domains allow one edit, long two
        cutoff = 1 if len(candidate) < 10 else 2
        best = extractOne(candidate, _fuzzy_targets(), scorer=OSA.distance, score_cutoff=cutoff)
        if best is not None:
            return str(best[0])
    return candidate if candidate != domain else None


def _repair(address: str) -> str | None:
    """A valid address close to an invalid one ("jean@gmail", "jean@gmail,com"), or the
    first of several typed in one field ("jean@acme.fr; jd@gmail.com")."""
    several = [part for part in _SEVERAL.split(address) if "@" in part]
    if len(several) > 1:
        address = several[0]
        first = _normalised(address)
        if first is not None:
            return first
    local, at, domain = address.rpartition("@")
    local = local.rstrip("@")
    domain = domain.replace(" ", "")
    if not at or not local or not domain or " " in local:
        return None
    domain = domain.replace(",", ".").replace(";", ".")
    while ".." in domain:
        domain = domain.replace("..", ".")
    domain = domain.strip(".")
    if "." not in domain:
        # "jean@gmail", "jean@gmial": a provider's name without its ending
        label = extractOne(domain.lower(), _provider_labels(), scorer=OSA.distance, score_cutoff=1)
        if label is None or len(domain) < 4:
            return None
        domain = next(p for p in _providers() if p.split(".", 1)[0] == label[0])
    domain = suggest_domain(domain) or domain
    repaired = _normalised(f"{local}@{domain}")
    return None if repaired == address.lower() else repaired


def _normalised(address: str) -> str | None:
    try:
        result = email_validator.validate_email(address, check_deliverability=False, strict=True)
    except email_validator.EmailNotValidError:
        return None
    return str(result.normalized).lower()


@dataclass(frozen=True, slots=True)
class EmailCheck:
    value: str | None
    findings: tuple[Finding, ...]
    local: str | None = None
    domain: str | None = None


def validate_email(
    raw: object,
    *,
    field: str = "email",
    b2b: bool = True,
    disposable_severity: Severity = Severity.ERROR,
    check_deliverability: bool = False,
) -> EmailCheck:
    """Validate and normalise one address; `check_deliverability=True` queries DNS (I/O)."""
    text, findings = text_input(field, raw, nfkc=False)
    if text is None:
        return EmailCheck(None, tuple(findings))
    if text[:7].lower() == "mailto:":
        text = text[7:]
    named = _DISPLAY_NAME.fullmatch(text.strip())
    display_name = named is not None and not named[0].startswith("<")
    text = (named[1] if named else text).strip().strip("<>").strip()
    try:
        # strict: the 64-character limit before the @, which mail servers do enforce
        result = email_validator.validate_email(
            text, check_deliverability=check_deliverability, strict=True
        )
    except email_validator.EmailUndeliverableError:
        return EmailCheck(None, (*findings, error(field, "email.undeliverable")))
    except email_validator.EmailNotValidError:
        return EmailCheck(
            None, (*findings, error(field, "email.invalid", suggestion=_repair(text)))
        )
    # lower-casing the local part is safe for matching: see the module docstring
    local = result.local_part.lower()
    domain = result.domain.lower()
    value = f"{local}@{domain}"
    spoof = mixed_script_finding(field, value)
    if spoof is not None:
        return EmailCheck(None, (*findings, spoof))
    typo = suggest_domain(result.ascii_domain)
    if typo is not None:
        findings.append(warning(field, "email.typo", value, suggestion=f"{local}@{typo}"))
    # typo domains of big providers are often registered and listed as disposable; the typo
    # is what the user must hear about
    if typo is None and is_disposable_domain(result.ascii_domain):
        findings.append(Finding(field, "email.disposable", disposable_severity, value))
    if display_name:  # said, as the name is not kept
        findings.append(warning(field, "email.display_name_removed", value))
    if is_role_address(local):
        findings.append(warning(field, "email.role_address", value))
    if not local.isascii():
        findings.append(warning(field, "email.non_ascii_local", value))
    if b2b and is_free_mail_domain(result.ascii_domain):
        findings.append(info(field, "email.free_mail", value))
    return EmailCheck(value, tuple(findings), local, domain)
