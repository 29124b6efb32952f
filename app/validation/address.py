"""Postcodes by country, French départements, city names and their consistency.

France: five digits; the département is the first two (Corsica's 20xxx is 2A below 20200 and
2B from it) or three overseas (971–976); 980xx belongs to Monaco, which uses the French postal
system under its own country code. A four-digit French postcode is almost always a spreadsheet
that ate the leading zero ("1000" for Bourg-en-Bresse's 01000): refused, with the padded
value suggested. The city → département table (data/fr_cities.json) covers the ~200 largest
French towns; elsewhere no city check is made.
"""

from __future__ import annotations

import re
from functools import cache

from app.validation.fields import text_input
from app.validation.findings import FieldResult, Finding, error, warning
from app.validation.tables import json_table
from app.validation.text import fold

_FOUR = r"\d{4}"
_FIVE = r"\d{5}"
_PATTERNS: dict[str, str] = {
    "FR": _FIVE,
    "MC": r"980\d{2}",
    "RE": r"974\d{2}",
    "GP": r"971\d{2}",
    "MQ": r"972\d{2}",
    "GF": r"973\d{2}",
    "YT": r"976\d{2}",
    "PM": r"97500",
    "BL": r"97133",
    "MF": r"97150",
    "NC": r"988\d{2}",
    "PF": r"987\d{2}",
    "WF": r"986\d{2}",
    **dict.fromkeys(("BE", "CH", "LU", "AT", "DK", "NO", "HU", "SI", "BG", "CY"), _FOUR),
    **dict.fromkeys(("AU", "NZ", "ZA", "TN", "LI", "AM", "GE", "PH"), _FOUR),
    **dict.fromkeys(("DE", "ES", "IT", "FI", "EE", "HR", "LT", "MA", "DZ", "SN"), _FIVE),
    **dict.fromkeys(("MX", "TR", "UA", "GR", "MY", "TH", "ID", "VN", "SA", "EG"), _FIVE),
    "US": r"\d{5}(-\d{4})?",
    "NL": r"\d{4} [A-Z]{2}",
    "PT": r"\d{4}-\d{3}",
    "PL": r"\d{2}-\d{3}",
    "SE": r"\d{3} \d{2}",
    "CZ": r"\d{3} \d{2}",
    "SK": r"\d{3} \d{2}",
    "JP": r"\d{3}-\d{4}",
    "BR": r"\d{5}-\d{3}",
    "CA": r"[A-Z]\d[A-Z] \d[A-Z]\d",
    "IE": r"[A-Z]\d[\dW] [0-9AC-FHKNPRTV-Y]{4}",
    "GB": r"(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2})",
}
_DIGITS_ONLY = frozenset(c for c, p in _PATTERNS.items() if not re.search(r"[ \-A-Z(]", p))
_COMPILED = {country: re.compile(pattern) for country, pattern in _PATTERNS.items()}
_LOOSE = re.compile(r"[A-Z0-9][A-Z0-9 \-]{1,9}")
# "F-75001", "CH-1200", "L-1234", "D-10115": the old European country prefix
_COUNTRY_PREFIX = re.compile(r"^[A-Z]{1,3}[\- ](?=\d)")
# where a space or hyphen goes once the separators are removed
_LAYOUT: dict[str, tuple[int, str]] = {
    "NL": (4, " "),
    "SE": (3, " "),
    "CZ": (3, " "),
    "SK": (3, " "),
    "PT": (4, "-"),
    "PL": (2, "-"),
    "JP": (3, "-"),
    "BR": (5, "-"),
    "CA": (3, " "),
    "IE": (3, " "),
}


def _layout(country: str, code: str) -> str:
    bare = re.sub(r"[\s\-]", "", code)
    if country == "GB" and len(bare) > 3:
        return f"{bare[:-3]} {bare[-3:]}"
    if country == "US" and len(bare) == 9 and bare.isdigit():
        return f"{bare[:5]}-{bare[5:]}"
    if country in _LAYOUT:
        at, separator = _LAYOUT[country]
        return f"{bare[:at]}{separator}{bare[at:]}" if len(bare) > at else bare
    return bare if country in _DIGITS_ONLY else code


def french_department(postcode: str) -> str | None:
    """The département of a valid French postcode ("2A", "75", "974"); None for Monaco."""
    if postcode.startswith("20"):
        return "2A" if postcode < "20200" else "2B"
    if postcode.startswith(("97", "98")):
        return None if postcode.startswith("980") else postcode[:3]
    return postcode[:2]


def _french_shape(code: str) -> bool:
    return code.isdigit() and len(code) == 5 and not code.startswith(("00", "96", "99"))


def validate_postcode(raw: object, *, field: str = "postcode", country: str | None) -> FieldResult:
    """Validate for `country` (ISO alpha-2; France when None)."""
    text, findings = text_input(field, raw)
    if text is None:
        return FieldResult(None, tuple(findings))
    country = (country or "FR").upper()
    code = text.upper()
    if country in _DIGITS_ONLY:
        code = _COUNTRY_PREFIX.sub("", code).strip()
    code = _layout(country, code)
    pattern = _COMPILED.get(country, _LOOSE)
    if not pattern.fullmatch(code) or (country == "FR" and not _french_shape(code)):
        suggestion = None
        if country == "FR" and code.isdigit() and len(code) == 4 and code != "0000":
            suggestion = "0" + code
        return FieldResult(
            None,
            (*findings, error(field, "postcode.invalid", suggestion=suggestion, country=country)),
        )
    if country == "FR" and code.startswith("980"):
        findings.append(warning(field, "postcode.country_mismatch", code, expected_country="MC"))
    return FieldResult(code, tuple(findings))


_CITY_PIECES = re.compile(r"([ '\-])")
_CITY_FUNCTION_WORDS = frozenset(
    {"sur", "sous", "en", "de", "du", "des", "la", "le", "les", "d", "l", "aux", "au", "et"}
    | {"les", "lez"}  # folded "lès"
)
_CEDEX = re.compile(r"\b(cedex|cs|bp)\b.*$")
_ARRONDISSEMENT = re.compile(r"\s+\d+\s*(e|er|eme|ème)?(\s+arrondissement)?$")


def normalise_city(city: str) -> str:
    """Re-case a city typed in one case: "AIX-EN-PROVENCE" → "Aix-en-Provence"."""
    if not (city.isupper() or city.islower()):
        return city
    out: list[str] = []
    first = True
    for piece in _CITY_PIECES.split(city):
        if not piece or _CITY_PIECES.fullmatch(piece):
            out.append(piece)
            continue
        lower = piece.lower()
        if fold(lower) in {"cedex", "bp", "cs"}:
            out.append(piece.upper())
        elif not first and fold(lower) in _CITY_FUNCTION_WORDS:
            out.append(lower)
        else:
            out.append(lower.capitalize())
        first = False
    return "".join(out)


def city_key(city: str) -> str:
    """Folded city for lookups: no accents, CEDEX or arrondissement; "St" → "saint"."""
    key = _CEDEX.sub("", fold(city))
    key = _ARRONDISSEMENT.sub("", key)
    key = re.sub(r"[\s\-'’.]+", " ", key).strip()
    return re.sub(r"^(st|ste)\b", lambda m: "saint" if m[1] == "st" else "sainte", key)


def validate_city(raw: object, *, field: str = "city") -> FieldResult:
    text, findings = text_input(field, raw)
    if text is None:
        return FieldResult(None, tuple(findings))
    if not any(ch.isalpha() for ch in text):
        return FieldResult(None, (*findings, error(field, "name.no_letters")))
    return FieldResult(normalise_city(text.replace("’", "'")), tuple(findings))


@cache
def _french_cities() -> dict[str, tuple[str, ...]]:
    return {city: tuple(depts) for city, depts in json_table("fr_cities.json").items()}


def city_postcode_finding(
    city: str | None, postcode: str | None, country: str | None, *, field: str = "postcode"
) -> Finding | None:
    """A warning when a French postcode's département is not the (known) city's."""
    if not city or not postcode or (country or "FR") != "FR":
        return None
    departments = _french_cities().get(city_key(city))
    department = french_department(postcode)
    if departments is None or department is None or department in departments:
        return None
    return warning(field, "postcode.city_mismatch", postcode, departments=", ".join(departments))
