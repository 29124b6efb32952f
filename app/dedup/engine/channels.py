"""Phones, emails, websites and addresses in the one form each the matcher compares.

Phones become E.164 with a mobile flag (a mobile belongs to a person, a landline is often a
switchboard); emails are lower-cased and split, with role mailboxes and free-mail domains
flagged; websites and email domains become registrable domains ("www.shop.acme.co.uk/x" →
"acme.co.uk").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from app.dedup.engine import tables
from app.dedup.engine.text import MAX_INPUT, digits, fold
from app.validation.country import to_alpha2
from app.validation.email import is_free_mail_domain, is_role_address
from app.validation.web import domain_of

# Second-level registries under which the registrable domain has three labels.
_TWO_LABEL_SUFFIXES = frozenset(
    {"co.uk", "org.uk", "ac.uk", "gov.uk", "com.au", "net.au", "org.au", "co.nz", "co.jp",
     "com.br", "co.za", "com.cn", "com.mx", "co.in", "asso.fr", "gouv.fr", "nom.fr", "com.tr"}
)  # fmt: skip
_SPACE = re.compile(r"\s")  # what str.isspace() calls a space, as the re module does
_CITY_NOISE = re.compile(r"^(\d+(e|er|eme)?|cedex|arrondissement)$")  # "Paris 15e Cedex 08"
# a postal box or bulk-mail code beside the street: "BP 123", "CS 40512", "TSA 70011", "Cedex"
_POSTAL_ROUTING = re.compile(r"\b(?:(?:bp|cs|tsa|boite postale) ?\d+|cedex(?: \d+)?)\b")


def country(raw: object) -> str | None:
    """ISO 3166 alpha-2 code ("France", "fra", "FR" → "FR"), None when unknown."""
    return _alpha2(raw[:MAX_INPUT]) if isinstance(raw, str) else None


@lru_cache(maxsize=1024)  # a base writes its countries a handful of ways
def _alpha2(text: str) -> str | None:
    return to_alpha2(text)


@dataclass(frozen=True, slots=True)
class Phone:
    e164: str
    is_mobile: bool


# French numbers as stored (E.164) or as a CRM import writes them ("01.56.98.79.92",
# "+33 (0)1 88 60 95 86") need no parsing. Mobile ranges (6, 7) hold unallocated blocks:
# which are mobile is read from the numbering metadata itself, so the shortcut cannot drift
# from it; anything else in those ranges goes through the full parse.
_FRENCH_E164 = re.compile(r"\+33([1-9][0-9]{8})")
_FRENCH_WRITTEN = re.compile(r"(?:0|\+33(?:0)?|0033(?:0)?)([1-9][0-9]{8})")
_FRENCH_MOBILE = re.compile(
    phonenumbers.PhoneMetadata.metadata_for_region("FR").mobile.national_number_pattern
)
_SEPARATORS = str.maketrans("", "", " .-()/\u00a0")


def phone(raw: object, region: str | None = None) -> Phone | None:
    """E.164 form of a possible phone number in `region` (ISO country, default FR)."""
    if not isinstance(raw, str) or not digits(raw):
        return None
    found = _FRENCH_E164.fullmatch(raw)
    if found is None and region in (None, "FR"):
        found = _FRENCH_WRITTEN.fullmatch(raw[:50].translate(_SEPARATORS))
    if found is not None:
        national = found[1]
        if national[0] not in "67":
            return Phone("+33" + national, is_mobile=False)
        if _FRENCH_MOBILE.fullmatch(national):
            return Phone("+33" + national, is_mobile=True)
    # Parsing costs more than the rest of a record's normalisation; switchboards repeat.
    return _parsed_phone(raw[:50], region or "FR")


@lru_cache(maxsize=1 << 16)
def _parsed_phone(raw: str, region: str) -> Phone | None:
    try:
        parsed = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    is_mobile = phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    return Phone(e164, is_mobile)


@dataclass(frozen=True, slots=True)
class Email:
    address: str  # lower-cased, sub-address ("+tag") removed
    local: str
    domain: str  # registrable domain
    is_role: bool  # contact@, info@…: a shared mailbox, never a person
    is_free: bool  # gmail.com, orange.fr…: the domain says nothing about an employer
    # the local part with its holder's names taken out ("g.martinez" of Gaëlle Martinez →
    # "g" + a mark), set by the contact view; "" when no name shows in it
    shape: str = ""


def email(raw: object) -> Email | None:
    if not isinstance(raw, str):
        return None
    text = raw.strip().lower()[:MAX_INPUT]
    local, at, host = text.rpartition("@")
    local = local.split("+", 1)[0].strip()
    if not at or not local or "@" in local or _SPACE.search(local):
        return None
    # a malformed domain still tells two copies of one address apart from other addresses
    domain = registrable_domain(host) or (host if "." in host.strip(".") else None)
    if domain is None:
        return None
    return Email(
        address=f"{local}@{host}",
        local=local,
        domain=domain,
        is_role=is_role_address(local),
        is_free=is_free_mail_domain(host) or is_free_mail_domain(domain),
    )


def company_domain(raw: object) -> str | None:
    """The registrable domain of a company's own website; None for free mail or shared hosts."""
    domain = registrable_domain(raw)
    if domain is None or domain in tables.shared_hosts() or is_free_mail_domain(domain):
        return None
    return domain


def registrable_domain(raw: object) -> str | None:
    """The domain a company registers: "https://www.shop.acme.fr:443/x" → "acme.fr"."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    return _registrable_domain(raw[:MAX_INPUT])


@lru_cache(maxsize=1 << 16)  # a few domains (free mail, employers) carry most addresses
def _registrable_domain(raw: str) -> str | None:
    host = domain_of(raw)
    if host is None:
        return None
    labels = host.split(".")
    keep = 3 if ".".join(labels[-2:]) in _TWO_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:]) if len(labels) >= keep else None


@dataclass(frozen=True, slots=True)
class Address:
    street: str  # folded, abbreviations expanded, "BP 12" removed: "12 avenue de la republique"
    postcode: str
    city: str  # folded, "Paris 15e" and "Cedex" removed

    @property
    def department(self) -> str:
        return self.postcode[:2] if len(self.postcode) == 5 else ""


def address(street: object, postcode: object, city: object) -> Address | None:
    words = tables.street_words()
    street_key = " ".join(words.get(w, w) for w in _POSTAL_ROUTING.sub(" ", fold(street)).split())
    code = digits(postcode)
    code = code if 4 <= len(code) <= 5 else ""
    city_words = [w for w in fold(city).split() if not _CITY_NOISE.match(w)]
    city_key = " ".join({"st": "saint", "ste": "sainte"}.get(w, w) for w in city_words)
    if not (street_key or code or city_key):
        return None
    return Address(street_key, code, city_key)
