"""Countries as ISO 3166-1 alpha-2 codes, from codes or names in French, English or locally.

A shipped table (data/countries.json) holds every alpha-2 code plus Kosovo's customary XK, and
the alpha-3 codes and names of the countries a French CRM meets; "UK" means GB and "EL" (the
EU's code) means GR. Lookups fold case, accents, hyphens and a leading article ("La France",
"Royaume-Uni", "RÉPUBLIQUE FRANÇAISE"). Unknown names get a close-spelling suggestion.
"""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz import fuzz
from rapidfuzz.process import extractOne

from app.validation.fields import text_input
from app.validation.findings import FieldResult, error
from app.validation.tables import json_table
from app.validation.text import fold

_PUNCTUATION = re.compile(r"[\s\-'’.,()/]+")
_ARTICLES = ("la ", "le ", "les ", "l ", "the ")


@cache
def alpha2_codes() -> frozenset[str]:
    return frozenset(json_table("countries.json")["alpha2"].split())


@cache
def _aliases() -> dict[str, str]:
    return dict(json_table("countries.json")["aliases"])


@cache
def _fuzzy_names() -> tuple[str, ...]:
    return tuple(name for name in _aliases() if len(name) >= 4)


def _key(text: str) -> str:
    return _PUNCTUATION.sub(" ", fold(text)).strip()


def to_alpha2(text: str) -> str | None:
    """ "France", "fra", "FR", "République française" → "FR"; None when unknown."""
    key = _key(text)
    if len(key) == 2 and key.upper() in alpha2_codes():
        return key.upper()
    found = _aliases().get(key)
    if found is None:
        for article in _ARTICLES:
            if key.startswith(article):
                found = _aliases().get(key[len(article) :])
                break
    return found


def suggest_country(text: str) -> str | None:
    key = _key(text)
    if len(key) < 4:
        return None
    best = extractOne(key, _fuzzy_names(), scorer=fuzz.ratio, score_cutoff=80)
    return _aliases()[best[0]] if best else None


def validate_country(raw: object, *, field: str = "country") -> FieldResult:
    text, findings = text_input(field, raw)
    if text is None:
        return FieldResult(None, tuple(findings))
    code = to_alpha2(text)
    if code is None:
        return FieldResult(
            None, (*findings, error(field, "country.invalid", suggestion=suggest_country(text)))
        )
    return FieldResult(code, tuple(findings))
