"""Normalised views of records: every field folded once, so comparing a pair is cheap.

`company_view` and `contact_view` take plain dicts of field values (DESIGN field names),
never raise on bad input (an unusable value becomes None: no evidence), and return frozen
views the keys, comparisons and scorer read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number
from stdnum.fr import tva

from app.dedup.engine.channels import (
    Address,
    Email,
    address,
    company_domain,
    country,
    email,
    phone,
)
from app.dedup.engine.names import CompanyName, company_name
from app.dedup.engine.people import (
    PARTICLES,
    PersonName,
    email_shape,
    first_name_from_email,
    person_name,
    without_titles,
)
from app.dedup.engine.text import MAX_INPUT, digits, fold
from app.validation.legal_forms import canonical_legal_form
from app.validation.names import canonical_civility

__all__ = [
    "CompanyView",
    "ContactView",
    "Workplace",
    "company_name",
    "company_view",
    "contact_view",
    "person_name",
]

_GENDER = {"M.": "m", "Mme": "f"}  # Dr, Pr, Me say nothing about it


@lru_cache(maxsize=1024)  # a base writes its civilities a handful of ways
def _gender(civility: str) -> str | None:
    return _GENDER.get(canonical_civility(civility) or "")


# a base writes its legal forms a handful of ways
_legal_form = lru_cache(maxsize=1024)(canonical_legal_form)


@dataclass(frozen=True, slots=True)
class CompanyView:
    name: CompanyName | None
    legal_form: str | None
    siren: str | None
    siret: str | None
    domain: str | None  # registrable domain of the website, unless a shared host
    phone: str | None  # E.164
    address: Address | None
    country: str | None


@dataclass(frozen=True, slots=True)
class Workplace:
    """What colleagues share: a switchboard, a company record, an employer's mail domain."""

    landline: str  # E.164 of a non-mobile phone, "" if none
    company_id: str
    domain: str  # registrable domain of the email unless free mail


@dataclass(frozen=True, slots=True)
class ContactView:
    first_name: PersonName | None
    last_name: PersonName | None
    civility: str | None  # "m" | "f"
    email: Email | None
    personal_email: Email | None  # the email unless it is a role mailbox (contact@…)
    mobile: str | None  # E.164 of a mobile phone: it belongs to one person
    workplace: Workplace | None
    country: str | None
    job_title: str | None = None  # folded ("directrice achats")


def _text(fields: Mapping[str, object], name: str) -> str:
    value = fields.get(name)
    return value[:MAX_INPUT] if isinstance(value, str) else ""


def _identifiers(fields: Mapping[str, object]) -> tuple[str | None, str | None]:
    """Valid SIREN and SIRET; the SIREN falls back on the SIRET's or the VAT number's."""
    # a missing or cut number fails on its length before the library's costlier clean-up
    siret = digits(_text(fields, "siret"))
    siret = siret if len(siret) == 14 and siret_number.is_valid(siret) else None
    siren = digits(_text(fields, "siren"))
    if siret and siren == siret[:9]:  # a valid SIRET's check already covered its SIREN
        return siren, siret
    if len(siren) != 9 or not siren_number.is_valid(siren):
        vat = _text(fields, "vat_number")
        siren = None
        if siret:
            siren = siret[:9]
        elif vat and tva.is_valid(vat):
            tail = tva.compact(vat)[-9:]
            siren = tail if siren_number.is_valid(tail) else None
    return siren, siret


def company_view(fields: Mapping[str, object]) -> CompanyView:
    name = company_name(fields.get("name"))
    siren, siret = _identifiers(fields)
    land = country(fields.get("country"))
    number = phone(fields.get("phone"), land)
    return CompanyView(
        name=name if name.key else None,
        legal_form=_legal_form(_text(fields, "legal_form")) or name.legal_form,
        siren=siren,
        siret=siret,
        domain=company_domain(fields.get("website")),
        phone=number.e164 if number else None,
        address=address(fields.get("street"), fields.get("postcode"), fields.get("city")),
        country=land,
    )


def _whole_name(first: object, last: object) -> tuple[object, object]:
    """A whole name typed in one field and the other left empty, as a form with one "Nom"
    field gets it ("Jean DUPONT", "Dr DUPONT Jean"), split into first name and surname: the
    word in capitals is the surname when only one is, else the second. Only two words once
    titles are set aside, and never a particle first: "Le Goff" is a surname, "Jean Pierre
    Martin" could be either.
    (Names typed the other way round are lined up when a pair is scored, see `orient`.)"""
    typed = [value for value in (first, last) if isinstance(value, str) and value.strip()]
    if len(typed) != 1:
        return first, last
    typed_words = typed[0][:MAX_INPUT].split()
    words = typed_words[len(typed_words) - len(without_titles([fold(w) for w in typed_words])) :]
    if len(words) != 2 or fold(words[0]) in PARTICLES:
        return first, last
    given, family = words
    if given.isupper() and not family.isupper():
        given, family = family, given
    return given, family


def contact_view(fields: Mapping[str, object]) -> ContactView:
    land = country(fields.get("country"))
    number = phone(fields.get("phone"), land)
    given, family = _whole_name(fields.get("first_name"), fields.get("last_name"))
    first, last = person_name(given), person_name(family)
    mail = email(fields.get("email"))
    if mail is not None:
        if first is not None and last is not None and not mail.is_role:
            first = first_name_from_email(mail.local, first, last) or first
        shape = email_shape(mail.local, first, last)
        if shape:  # built anew rather than with replace(), several times faster
            mail = Email(mail.address, mail.local, mail.domain, mail.is_role, mail.is_free, shape)
    company = fields.get("company_id")
    company_id = "" if company is None or company == "" else str(company)[:MAX_INPUT]
    workplace = Workplace(
        landline=number.e164 if number and not number.is_mobile else "",
        company_id=company_id,
        domain=mail.domain if mail and not mail.is_free else "",
    )
    return ContactView(
        first_name=first,
        last_name=last,
        civility=_gender(_text(fields, "civility")),
        email=mail,
        personal_email=mail if mail and not mail.is_role else None,
        mobile=number.e164 if number and number.is_mobile else None,
        workplace=workplace
        if any((workplace.landline, workplace.company_id, workplace.domain))
        else None,
        country=land,
        job_title=fold(fields.get("job_title")) or None,
    )
