"""Every finding code the validators can emit, with its message in French and English.

Codes are a stable API (forms and integrations switch on them); messages may be reworded.
Templates take `{field}` and the finding's params; a suggestion is appended as a hint.
Templates never quote the value the user typed, but a suggestion is derived from it ("did you
mean jean@gmail.com?"): rendered messages, like normalised values, are personal data and are
shown to the user, never logged.
"""

from __future__ import annotations

from collections.abc import Mapping

from app.core.i18n import Lang, pick

MESSAGES: dict[str, dict[str, str]] = {
    # any field
    "field.required": {"fr": "Ce champ est obligatoire.", "en": "This field is required."},
    "field.one_of_required": {
        "fr": "Renseignez au moins l'un de ces champs : {fields}.",
        "en": "Fill in at least one of these fields: {fields}.",
    },
    "field.wrong_type": {
        "fr": "Type de valeur incorrect : {expected} attendu.",
        "en": "Wrong kind of value: {expected} expected.",
    },
    "field.too_long": {
        "fr": "Valeur trop longue (au plus {max} caractères).",
        "en": "Value too long (at most {max} characters).",
    },
    "field.unknown": {
        "fr": "Champ inconnu, ignoré.",
        "en": "Unknown field, ignored.",
    },
    "field.invalid_choice": {
        "fr": "Valeur non reconnue ; valeurs possibles : {choices}.",
        "en": "Unrecognised value; allowed values: {choices}.",
    },
    "field.invalid_uuid": {
        "fr": "Identifiant invalide (UUID attendu).",
        "en": "Invalid identifier (a UUID is expected).",
    },
    "field.invalid_datetime": {
        "fr": "Date invalide (format ISO 8601 attendu).",
        "en": "Invalid date (ISO 8601 expected).",
    },
    "field.naive_datetime": {
        "fr": "La date doit préciser son fuseau horaire (par ex. Z ou +01:00).",
        "en": "The date must include its time zone (e.g. Z or +01:00).",
    },
    "field.future_datetime": {
        "fr": "Cette date est dans le futur.",
        "en": "This date is in the future.",
    },
    # Unicode hygiene
    "text.control_chars": {
        "fr": "Caractères de contrôle interdits.",
        "en": "Control characters are not allowed.",
    },
    "text.bidi_control": {
        "fr": "Caractères d'inversion du sens d'écriture interdits.",
        "en": "Text-direction override characters are not allowed.",
    },
    "text.invalid_chars": {
        "fr": "Caractères invalides ou non affichables.",
        "en": "Invalid or unprintable characters.",
    },
    "text.invisible_removed": {
        "fr": "Des caractères invisibles ont été supprimés.",
        "en": "Invisible characters were removed.",
    },
    "text.mixed_scripts": {
        "fr": "Lettres d'alphabets différents mélangées (caractères sosies).",
        "en": "Letters from different alphabets are mixed (look-alike characters).",
    },
    # email
    "email.invalid": {"fr": "Adresse e-mail invalide.", "en": "Invalid email address."},
    "email.display_name_removed": {
        "fr": "Le nom affiché autour de l'adresse a été retiré ; seule l'adresse est gardée.",
        "en": "The display name around the address was removed; only the address is kept.",
    },
    "email.typo": {
        "fr": "Le domaine de cette adresse semble mal orthographié.",
        "en": "The domain of this address looks misspelt.",
    },
    "email.disposable": {
        "fr": "Adresse e-mail jetable.",
        "en": "Disposable email address.",
    },
    "email.role_address": {
        "fr": "Adresse générique (service ou fonction), pas celle d'une personne.",
        "en": "Generic role address, not a person's own.",
    },
    "email.free_mail": {
        "fr": "Adresse d'une messagerie grand public, pas d'un domaine d'entreprise.",
        "en": "Free-mail provider address, not a company domain.",
    },
    "email.undeliverable": {
        "fr": "Le domaine de cette adresse ne reçoit pas d'e-mails.",
        "en": "The domain of this address does not accept email.",
    },
    "email.non_ascii_local": {
        "fr": "Partie avant @ avec des caractères non ASCII : beaucoup de serveurs la refusent.",
        "en": "Non-ASCII characters before the @: many mail servers reject them.",
    },
    # phone
    "phone.invalid": {"fr": "Numéro de téléphone invalide.", "en": "Invalid phone number."},
    "phone.invalid_characters": {
        "fr": "Le numéro contient des caractères non autorisés.",
        "en": "The number contains characters that are not allowed.",
    },
    "phone.too_short": {"fr": "Numéro trop court.", "en": "Number too short."},
    "phone.too_long": {"fr": "Numéro trop long.", "en": "Number too long."},
    "phone.several": {
        "fr": "Plusieurs numéros dans un seul champ : gardez-en un (le premier est suggéré).",
        "en": "Several numbers in one field: keep one (the first is suggested).",
    },
    "phone.invalid_country_code": {
        "fr": "Indicatif pays inconnu.",
        "en": "Unknown country calling code.",
    },
    "phone.type": {"fr": "Type de ligne : {type}.", "en": "Line type: {type}."},
    "phone.premium_rate": {"fr": "Numéro surtaxé.", "en": "Premium-rate number."},
    "phone.country_mismatch": {
        "fr": "Numéro du pays {phone_country}, adresse dans le pays {country}.",
        "en": "Number from country {phone_country}, address in country {country}.",
    },
    "phone.extension_ignored": {
        "fr": "Le poste ({extension}) n'est pas gardé dans le numéro normalisé.",
        "en": "The extension ({extension}) is not kept in the normalised number.",
    },
    # French identifiers
    "siren.invalid_format": {
        "fr": "SIREN invalide : 9 chiffres attendus.",
        "en": "Invalid SIREN: 9 digits expected.",
    },
    "siren.invalid_length": {
        "fr": "SIREN invalide : il doit compter 9 chiffres.",
        "en": "Invalid SIREN: it must have 9 digits.",
    },
    "siren.invalid_checksum": {
        "fr": "SIREN invalide : la clé de contrôle ne correspond pas.",
        "en": "Invalid SIREN: the check digit does not match.",
    },
    "siren.derived_from_siret": {
        "fr": "SIREN déduit du SIRET.",
        "en": "SIREN derived from the SIRET.",
    },
    "siret.invalid_format": {
        "fr": "SIRET invalide : 14 chiffres attendus.",
        "en": "Invalid SIRET: 14 digits expected.",
    },
    "siret.invalid_length": {
        "fr": "SIRET invalide : il doit compter 14 chiffres.",
        "en": "Invalid SIRET: it must have 14 digits.",
    },
    "siret.invalid_checksum": {
        "fr": "SIRET invalide : la clé de contrôle ne correspond pas.",
        "en": "Invalid SIRET: the check digit does not match.",
    },
    "siret.siren_mismatch": {
        "fr": "Les 9 premiers chiffres du SIRET doivent être le SIREN.",
        "en": "The first 9 digits of the SIRET must be the SIREN.",
    },
    "vat.invalid_format": {
        "fr": "Numéro de TVA invalide : format non reconnu.",
        "en": "Invalid VAT number: unrecognised format.",
    },
    "vat.invalid_length": {
        "fr": "Numéro de TVA invalide : longueur incorrecte.",
        "en": "Invalid VAT number: wrong length.",
    },
    "vat.invalid_checksum": {
        "fr": "Numéro de TVA invalide : la clé ne correspond pas.",
        "en": "Invalid VAT number: the check key does not match.",
    },
    "vat.siren_mismatch": {
        "fr": "Le numéro de TVA ne correspond pas au SIREN.",
        "en": "The VAT number does not match the SIREN.",
    },
    # people
    "name.digits": {
        "fr": "Un nom ne peut pas contenir de chiffres.",
        "en": "A name cannot contain digits.",
    },
    "name.invalid_chars": {
        "fr": "Ce nom contient des caractères non autorisés.",
        "en": "This name contains characters that are not allowed.",
    },
    "name.no_letters": {
        "fr": "Ce nom ne contient aucune lettre.",
        "en": "This name contains no letters.",
    },
    "civility.missing": {"fr": "Civilité non renseignée.", "en": "Title not given."},
    "civility.unknown": {
        "fr": "Civilité non reconnue (M., Mme, Dr, Pr ou Me).",
        "en": "Unrecognised title (M., Mme, Dr, Pr or Me).",
    },
    # companies
    "company_name.no_letters": {
        "fr": "La raison sociale ne contient ni lettre ni chiffre.",
        "en": "The company name contains no letter or digit.",
    },
    "company_name.legal_form_extracted": {
        "fr": "Forme juridique ({legal_form}) retirée du nom.",
        "en": "Legal form ({legal_form}) taken out of the name.",
    },
    "legal_form.unknown": {
        "fr": "Forme juridique non reconnue.",
        "en": "Unrecognised legal form.",
    },
    "legal_form.mismatch": {
        "fr": "La forme juridique du nom ({legal_form}) diffère de celle renseignée.",
        "en": "The legal form in the name ({legal_form}) differs from the one given.",
    },
    # address, country, web
    "postcode.invalid": {
        "fr": "Code postal invalide pour le pays {country}.",
        "en": "Invalid postcode for country {country}.",
    },
    "postcode.city_mismatch": {
        "fr": "Le code postal ne correspond pas au département de la ville ({departments}).",
        "en": "The postcode does not match the city's département ({departments}).",
    },
    "postcode.country_mismatch": {
        "fr": "Ce code postal appartient au pays {expected_country}.",
        "en": "This postcode belongs to country {expected_country}.",
    },
    "country.invalid": {"fr": "Pays non reconnu.", "en": "Unrecognised country."},
    "website.invalid": {"fr": "Adresse de site web invalide.", "en": "Invalid website address."},
}

HINT = {"fr": "Vouliez-vous dire « {suggestion} »\u00a0?", "en": "Did you mean “{suggestion}”?"}

# Param values that are codes themselves and read better translated.
LABELS: dict[str, dict[str, dict[str, str]]] = {
    "expected": {
        "text": {"fr": "texte", "en": "text"},
        "object": {"fr": "objet JSON", "en": "JSON object"},
    },
    "type": {
        "mobile": {"fr": "mobile", "en": "mobile"},
        "fixed_line": {"fr": "fixe", "en": "fixed line"},
        "fixed_line_or_mobile": {"fr": "fixe ou mobile", "en": "fixed line or mobile"},
        "toll_free": {"fr": "numéro gratuit", "en": "toll-free"},
        "premium_rate": {"fr": "numéro surtaxé", "en": "premium rate"},
        "shared_cost": {"fr": "coût partagé", "en": "shared cost"},
        "voip": {"fr": "VoIP", "en": "VoIP"},
        "personal_number": {"fr": "numéro personnel", "en": "personal number"},
        "pager": {"fr": "bipeur", "en": "pager"},
        "uan": {"fr": "numéro d'accès universel", "en": "universal access number"},
        "voicemail": {"fr": "messagerie vocale", "en": "voicemail"},
        "unknown": {"fr": "inconnu", "en": "unknown"},
    },
}


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, lang: Lang, values: Mapping[str, str]) -> str:
    """The message for `code` in `lang`; the code itself if it is not catalogued."""
    template = MESSAGES.get(code)
    if template is None:
        return code
    localised = _Values()
    for key, value in values.items():
        localised[key] = LABELS.get(key, {}).get(value, {}).get(lang, value)
    text = pick(template, lang).format_map(localised)
    suggestion = values.get("suggestion")
    if suggestion:
        text = f"{text} {pick(HINT, lang).format_map(_Values(suggestion=suggestion))}"
    return text
