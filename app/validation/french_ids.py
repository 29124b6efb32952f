"""SIREN, SIRET and VAT numbers, checked by python-stdnum (never a hand-written checksum).

stdnum knows the special rule of La Poste's establishments (SIREN 356000000, whose SIRETs are
checked by digit sum instead of Luhn) and Monaco's French VAT numbers. We add the
cross-checks a record needs: a SIRET's first nine digits are its SIREN, and a French VAT
number embeds the SIREN. Normalised values are digits only (VAT: country prefix + digits).
Non-French VAT numbers are checked by stdnum's module for their country when there is one.
"""

from __future__ import annotations

import re
from types import ModuleType

from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength, ValidationError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret
from stdnum.fr import tva as fr_tva

from app.validation.fields import text_input
from app.validation.findings import FieldResult, error

_SEPARATORS = re.compile(r"[\s.\-/_,]+")

_SIREN_CODES = {
    InvalidLength: "siren.invalid_length",
    InvalidChecksum: "siren.invalid_checksum",
    InvalidFormat: "siren.invalid_format",
}
_SIRET_CODES = {
    InvalidLength: "siret.invalid_length",
    InvalidChecksum: "siret.invalid_checksum",
    InvalidFormat: "siret.invalid_format",
}
_VAT_CODES = {
    InvalidLength: "vat.invalid_length",
    InvalidChecksum: "vat.invalid_checksum",
    InvalidFormat: "vat.invalid_format",
}


def compact(text: str) -> str:
    """Digits and letters only, upper-cased: "732 829 320" → "732829320"."""
    return _SEPARATORS.sub("", text).upper()


def _code(exc: ValidationError, codes: dict[type[ValidationError], str]) -> str:
    # most specific first: stdnum's InvalidLength is a kind of InvalidFormat
    for kind, code in codes.items():
        if isinstance(exc, kind):
            return code
    return codes[InvalidFormat]


def validate_siren(raw: object, *, field: str = "siren") -> FieldResult:
    text, findings = text_input(field, raw)
    if text is None:
        return FieldResult(None, tuple(findings))
    try:
        return FieldResult(fr_siren.validate(compact(text)), tuple(findings))
    except ValidationError as exc:
        return FieldResult(None, (*findings, error(field, _code(exc, _SIREN_CODES))))


def validate_siret(raw: object, *, field: str = "siret", siren: str | None = None) -> FieldResult:
    """Validate a SIRET; with `siren` (already valid), also require that it starts with it."""
    text, findings = text_input(field, raw)
    if text is None:
        return FieldResult(None, tuple(findings))
    try:
        value = fr_siret.validate(compact(text))
    except ValidationError as exc:
        return FieldResult(None, (*findings, error(field, _code(exc, _SIRET_CODES))))
    if siren is not None and value[:9] != siren:
        return FieldResult(None, (*findings, error(field, "siret.siren_mismatch", siren=siren)))
    return FieldResult(value, tuple(findings))


def siren_of_siret(siret: str) -> str:
    return fr_siret.to_siren(siret)


def french_vat_for(siren: str) -> str:
    """The French VAT number of a (valid) SIREN: "FR" + key + SIREN."""
    return "FR" + fr_siren.to_tva(siren)


def _foreign_module(prefix: str) -> ModuleType | None:
    if prefix.lower() in eu_vat.MEMBER_STATES or prefix in ("EL", "XI"):
        return eu_vat
    return get_cc_module(prefix.lower(), "vat")


def _normalise_vat(number: str) -> str:
    """The normalised VAT number, or raises stdnum's ValidationError."""
    prefix = number[:2]
    if prefix == "FR" or number.isdigit():
        # eleven digits with no prefix are read as French: key + SIREN
        return "FR" + fr_tva.validate(number)
    if not prefix.isalpha():
        raise InvalidFormat()
    module = _foreign_module(prefix)
    if module is None:
        raise InvalidFormat()
    value = module.validate(number)
    return value if value[:2].isalpha() else prefix + value


def validate_vat(
    raw: object, *, field: str = "vat_number", siren: str | None = None
) -> FieldResult:
    """Validate a VAT number; with `siren` (already valid), a French one must embed it."""
    text, findings = text_input(field, raw)
    if text is None:
        return FieldResult(None, tuple(findings))
    try:
        value = _normalise_vat(compact(text))
    except ValidationError as exc:
        return FieldResult(None, (*findings, error(field, _code(exc, _VAT_CODES))))
    embedded = value[4:] if value.startswith("FR") else None
    # Monaco's French VAT numbers embed no SIREN ("FRxx000...")
    monaco = embedded is not None and embedded.startswith("000")
    if siren is not None and embedded is not None and not monaco and embedded != siren:
        mismatch = error(field, "vat.siren_mismatch", suggestion=french_vat_for(siren))
        return FieldResult(None, (*findings, mismatch))
    return FieldResult(value, tuple(findings))
