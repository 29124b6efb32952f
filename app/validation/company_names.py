"""Company names: cleaned, legal form split off, capitals tamed.

- Spacing and Unicode follow `app.validation.text`.
- The legal form is split off with `split_legal_form` ("DUPONT SAS" → "Dupont" + "SAS"), except
  when what is left starts with a function word ("SCI du Parc", "Association des Amis du
  Louvre"): then the form is part of how the name reads, the display name keeps it and the
  form is still reported.
- Casing is kept when the name mixes capitals and small letters (the company's own spelling:
  "BNP Paribas", "leboncoin", "McKinsey & Company"). A name typed entirely in capitals or
  entirely in small letters is re-cased word by word: function words in small letters unless
  first ("Boulangerie de la Gare"), acronyms in capitals ("IBM France", "SNCF"), the rest
  with an initial capital. A word is an acronym when it has a digit or dots ("3M", "I.B.M."),
  is a known acronym (data/company_acronyms.txt), has at most four letters and no vowel
  ("SNCF", "BNP", "KPMG"), or has at most three letters and is not a common short word
  (data/company_short_words.txt: "Bio", "Sud", "Cafe" are words, "EDF", "AXA" are not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from app.validation.fields import text_input
from app.validation.findings import Finding, error, info
from app.validation.legal_forms import split_legal_form
from app.validation.tables import lines
from app.validation.text import fold, mixed_script_finding

_FUNCTION_WORDS = frozenset(
    {"de", "du", "des", "d", "la", "le", "les", "l", "et", "en", "au", "aux", "sur", "sous"}
    | {"par", "pour", "a", "of", "the", "and", "for", "y", "von", "van", "der", "di", "da"}
)
_VOWELS = frozenset("aeiouy")
_PIECES = re.compile(r"([ '\-/&+])")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


@cache
def _short_words() -> frozenset[str]:
    return frozenset(lines("company_short_words.txt"))


@cache
def _acronyms() -> frozenset[str]:
    return frozenset(lines("company_acronyms.txt"))


def _is_acronym(piece: str) -> bool:
    if any(ch.isdigit() for ch in piece) or "." in piece.rstrip("."):
        return True
    folded = fold(piece).strip(".")
    letters = [ch for ch in folded if ch.isalpha()]
    if folded in _acronyms():
        return True
    if len(letters) <= 4 and not _VOWELS.intersection(letters):
        return True
    return len(letters) <= 3 and folded not in _short_words()


def _recase_piece(piece: str, first: bool) -> str:
    folded = fold(piece)
    if not first and folded in _FUNCTION_WORDS:
        return piece.lower()
    # a leading function word is a word ("Le Petit Bois"), never an acronym
    if (not first or folded not in _FUNCTION_WORDS) and _is_acronym(piece):
        return piece.upper()
    return piece[:1].upper() + piece[1:].lower()


def recase_company_name(name: str) -> str:
    """Re-case a name typed in a single case; mixed-case names are returned as they are."""
    letters = [ch for ch in name if ch.isalpha()]
    if not letters or not (name.isupper() or name.islower()):
        return name
    out: list[str] = []
    first = True
    for part in _PIECES.split(name):
        if not part or _PIECES.fullmatch(part) or not any(ch.isalnum() for ch in part):
            out.append(part)
            continue
        out.append(_recase_piece(part, first))
        first = False
    return "".join(out)


def _reads_with_form(rest: str) -> bool:
    first_word = re.split(r"[ ']", rest, maxsplit=1)[0]
    return fold(first_word) in _FUNCTION_WORDS


def normalise_company_name(name: str) -> tuple[str, str | None]:
    """(display name, canonical legal form) for an already cleaned name."""
    name = name.translate(_APOSTROPHES)
    rest, form = split_legal_form(name)
    while form is not None:  # "Dupont SA SAS", "GmbH Dupont KG": the outermost form wins
        rest, inner = split_legal_form(rest)
        if inner is None:
            break
    display = name if form is not None and _reads_with_form(rest) else rest
    return recase_company_name(display), form


@dataclass(frozen=True, slots=True)
class CompanyNameCheck:
    value: str | None
    legal_form: str | None
    findings: tuple[Finding, ...]


def validate_company_name(raw: object, *, field: str = "name") -> CompanyNameCheck:
    text, findings = text_input(field, raw)
    if text is None:
        return CompanyNameCheck(None, None, tuple(findings))
    if not any(ch.isalnum() for ch in text):
        return CompanyNameCheck(None, None, (*findings, error(field, "company_name.no_letters")))
    spoof = mixed_script_finding(field, text)
    if spoof is not None:
        return CompanyNameCheck(None, None, (*findings, spoof))
    value, form = normalise_company_name(text)
    if form is not None:
        findings.append(info(field, "company_name.legal_form_extracted", value, legal_form=form))
    return CompanyNameCheck(value, form, tuple(findings))
