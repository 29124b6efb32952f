"""Phone numbers: parsed with phonenumbers, normalised to E.164, typed (mobile, fixed line...).

The record's country is the default region, France when unknown. French habits handled:
"06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033 6...", a missing leading 0 ("612345678"),
"poste 12" extensions, and overseas numbers dialled as from mainland France ("0692..." is
Réunion: the national prefix is shared, the country code is not).
Letters are refused: vanity numbers ("1-800-FLOWERS") do not exist in France and letters in a
phone field are almost always another field's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType, ValidationResult

from app.validation.fields import text_input
from app.validation.findings import Finding, error, info, warning

DEFAULT_REGION = "FR"

# French overseas departments and collectivities share the mainland's trunk prefix 0 but have
# their own country codes; a number dialled "0692..." from a French form is meant for them.
# Keyed by the first three national digits (ARCEP plan), so a failed parse costs one retry.
_FRENCH_OVERSEAS: dict[str, str] = {
    **dict.fromkeys(("262", "263", "692", "693"), "RE"),
    **dict.fromkeys(("590", "690", "691"), "GP"),
    **dict.fromkeys(("596", "696", "697"), "MQ"),
    **dict.fromkeys(("594", "694"), "GF"),
    **dict.fromkeys(("269", "639"), "YT"),
    "508": "PM",
}

# Numbering plans shared by several countries: a number from one is at home in the others.
_SAME_PLAN: tuple[frozenset[str], ...] = (
    frozenset({"FR", "RE", "GP", "MQ", "GF", "YT", "PM", "BL", "MF", "NC", "PF", "WF"}),
    frozenset({"GB", "GG", "JE", "IM"}),
    frozenset({"US", "CA", "PR", "VI", "GU", "AS", "MP"}),
    frozenset({"FI", "AX"}),
    frozenset({"NO", "SJ"}),
    frozenset({"IT", "VA", "SM"}),
)

_TYPES: dict[int, str] = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}

_PARSE_ERRORS: dict[int, str] = {
    NumberParseException.INVALID_COUNTRY_CODE: "phone.invalid_country_code",
    NumberParseException.NOT_A_NUMBER: "phone.invalid",
    NumberParseException.TOO_SHORT_AFTER_IDD: "phone.too_short",
    NumberParseException.TOO_SHORT_NSN: "phone.too_short",
    NumberParseException.TOO_LONG: "phone.too_long",
}

_IMPOSSIBLE: dict[int, str] = {
    ValidationResult.INVALID_COUNTRY_CODE: "phone.invalid_country_code",
    ValidationResult.TOO_SHORT: "phone.too_short",
    ValidationResult.TOO_LONG: "phone.too_long",
    ValidationResult.INVALID_LENGTH: "phone.invalid",
}

_EXTENSION = re.compile(
    r"\s*[,;]?\s*(?:poste|postes|p\.|ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE
)
_LABEL = re.compile(r"^(?:t[ée]l[ée]phone|t[ée]l|phone)[\s.:]*", re.IGNORECASE)
_ALLOWED = re.compile(r"[0-9+()./\- ]+")
# "01 23 45 67 89 / 06 12 34 56 78", "… ou 06 …": two numbers where a CRM has one field
_SEVERAL = re.compile(r"\s*(?:[/;,|\n]|\s(?:ou|et|or|and)\s)\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PhoneCheck:
    value: str | None  # E.164
    findings: tuple[Finding, ...]
    number_type: str | None = None
    region: str | None = None


def same_numbering_country(region: str, country: str) -> bool:
    """True when a number from `region` is expected at an address in `country`."""
    if region == country:
        return True
    return any(region in plan and country in plan for plan in _SAME_PLAN)


def _region_for(country: str | None, default_region: str) -> str:
    if country and len(country) == 2 and country.isalpha():
        return country.upper()
    return default_region


def _parse(text: str, region: str) -> tuple[phonenumbers.PhoneNumber, int]:
    """The number and its type; UNKNOWN type means invalid (as `is_valid_number` decides)."""
    number = phonenumbers.parse(text, region)
    number_type = phonenumbers.number_type(number)
    international = text.startswith(("+", "00"))
    if number_type == PhoneNumberType.UNKNOWN and not international and region == "FR":
        overseas = _FRENCH_OVERSEAS.get(str(number.national_number)[:3])
        if overseas is not None:
            candidate = phonenumbers.parse(text, overseas)
            candidate_type = phonenumbers.number_type(candidate)
            if candidate_type != PhoneNumberType.UNKNOWN:
                return candidate, candidate_type
    return number, number_type


def validate_phone(
    raw: object,
    *,
    field: str = "phone",
    country: str | None = None,
    default_region: str = DEFAULT_REGION,
) -> PhoneCheck:
    """Validate one number.

    `country` (ISO alpha-2) is the address's: it is the default region for numbers written
    without a country code, and a number from another numbering plan gets a warning. Without
    it, `default_region` is used and nothing is compared.
    """
    text, findings = text_input(field, raw)
    if text is None:
        return PhoneCheck(None, tuple(findings))
    check = _check(text, findings, field, country, default_region)
    if check.value is None and (first := _first_of_several(text, field, country, default_region)):
        # as for several emails, nothing is dropped silently: the caller picks one
        return PhoneCheck(None, (*findings, error(field, "phone.several", suggestion=first)))
    return check


def _first_of_several(
    text: str, field: str, country: str | None, default_region: str
) -> str | None:
    """The first number, when the text holds two or more valid ones and nothing else."""
    parts = _SEVERAL.split(text)
    if len(parts) < 2:
        return None
    values = [_check(part, [], field, country, default_region).value for part in parts]
    return values[0] if None not in values else None


def _check(
    text: str, findings: list[Finding], field: str, country: str | None, default_region: str
) -> PhoneCheck:
    text = _LABEL.sub("", text)  # "Tél. : 01 ...", RFC 3966 "tel:+33..."
    extension = _EXTENSION.search(text)
    if extension:
        text = text[: extension.start()]
    if not text or not _ALLOWED.fullmatch(text):
        return PhoneCheck(None, (*findings, error(field, "phone.invalid_characters")))
    region = _region_for(country, default_region)
    try:
        number, type_id = _parse(text, region)
    except NumberParseException as exc:
        code = _PARSE_ERRORS.get(exc.error_type, "phone.invalid")
        return PhoneCheck(None, (*findings, error(field, code)))
    if type_id == PhoneNumberType.UNKNOWN:
        reason = phonenumbers.is_possible_number_with_reason(number)
        code = _IMPOSSIBLE.get(reason, "phone.invalid")
        return PhoneCheck(None, (*findings, error(field, code)))
    value = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    number_type = _TYPES.get(type_id, "unknown")
    number_region = phonenumbers.region_code_for_number(number)
    findings.append(info(field, "phone.type", value, type=number_type))
    if number_type == "premium_rate":
        findings.append(warning(field, "phone.premium_rate", value))
    if extension:
        findings.append(warning(field, "phone.extension_ignored", value, extension=extension[1]))
    if country and number_region and not same_numbering_country(number_region, region):
        findings.append(
            warning(
                field,
                "phone.country_mismatch",
                value,
                phone_country=number_region,
                country=region,
            )
        )
    return PhoneCheck(value, tuple(findings), number_type, number_region)
