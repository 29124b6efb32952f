"""Readable fr/en messages for the reasons that cost a record points (pure).

Reasons are stored as codes (no values, no text), so a message is rendered when read, in
the caller's language. Validator codes reuse the validation catalogue's messages.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.core.i18n import Lang, pick
from app.validation.catalogue import MESSAGES as FINDING_MESSAGES
from app.validation.catalogue import render

FIELD_LABELS: Mapping[str, Mapping[str, str]] = {
    "civility": {"fr": "civilité", "en": "civility"},
    "first_name": {"fr": "prénom", "en": "first name"},
    "last_name": {"fr": "nom", "en": "last name"},
    "email": {"fr": "e-mail", "en": "email"},
    "additional_emails": {"fr": "e-mails secondaires", "en": "additional emails"},
    "phone": {"fr": "téléphone", "en": "phone"},
    "additional_phones": {"fr": "téléphones secondaires", "en": "additional phones"},
    "job_title": {"fr": "fonction", "en": "job title"},
    "company_id": {"fr": "entreprise", "en": "company"},
    "country": {"fr": "pays", "en": "country"},
    "lifecycle_stage": {"fr": "étape du cycle de vie", "en": "lifecycle stage"},
    "lawful_basis": {"fr": "base légale", "en": "lawful basis"},
    "name": {"fr": "raison sociale", "en": "name"},
    "legal_form": {"fr": "forme juridique", "en": "legal form"},
    "siren": {"fr": "SIREN", "en": "SIREN"},
    "siret": {"fr": "SIRET", "en": "SIRET"},
    "vat_number": {"fr": "numéro de TVA", "en": "VAT number"},
    "website": {"fr": "site web", "en": "website"},
    "street": {"fr": "adresse", "en": "street"},
    "postcode": {"fr": "code postal", "en": "postcode"},
    "city": {"fr": "ville", "en": "city"},
    "sector": {"fr": "secteur", "en": "sector"},
}

REASON_MESSAGES: Mapping[str, Mapping[str, str]] = {
    "field.missing": {"fr": "Champ clé non renseigné.", "en": "Key field not filled in."},
    "phone.not_e164": {
        "fr": "Numéro non stocké au format international E.164 (+33…).",
        "en": "Number not stored in international E.164 form (+33…).",
    },
    "duplicate.open": {
        "fr": "Au moins un doublon probable attend une décision.",
        "en": "At least one likely duplicate awaits a decision.",
    },
    "stale.update": {
        "fr": "Fiche non mise à jour depuis longtemps.",
        "en": "Record not updated for a long time.",
    },
    "stale.interaction": {
        "fr": "Aucune interaction récente avec ce contact ou cette entreprise.",
        "en": "No recent interaction with this contact or company.",
    },
    "phone.country_mismatch": {
        "fr": "Le téléphone ne correspond pas au pays de l'adresse.",
        "en": "The phone number does not match the address's country.",
    },
    "siret.siren_mismatch": {
        "fr": "Le SIRET ne commence pas par le SIREN.",
        "en": "The SIRET does not start with the SIREN.",
    },
    "vat.siren_mismatch": {
        "fr": "Le numéro de TVA ne correspond pas au SIREN.",
        "en": "The VAT number does not match the SIREN.",
    },
    "email.domain_mismatch": {
        "fr": "Le domaine de l'e-mail n'est pas celui du site de l'entreprise.",
        "en": "The email domain is not the company website's domain.",
    },
}


def field_label(field: str | None, lang: Lang) -> str | None:
    if field is None:
        return None
    labels = FIELD_LABELS.get(field)
    return pick(labels, lang) if labels else field


def reason_message(code: str, field: str | None, lang: Lang) -> str:
    """`field label : message` (the catalogue's message for validator codes)."""
    if code in REASON_MESSAGES:
        text = pick(REASON_MESSAGES[code], lang)
    elif code in FINDING_MESSAGES:
        text = render(code, lang, {"field": field or ""})
    else:  # a code from a newer release read by an older one: say what we can
        text = code
    label = field_label(field, lang)
    if label is None:
        return text
    return f"{label} : {text}" if lang == "fr" else f"{label}: {text}"
