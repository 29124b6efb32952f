"""People's names and civility.

Casing. Each piece of a name (pieces are split at spaces, hyphens and apostrophes) is
re-cased only when it was typed in a single case — "DUPONT", "dupont", or caps-lock inverted
"dUPONT" — to an initial capital: "jean-pierre DUPONT" → "Jean-Pierre Dupont", "MARIE-ÉLISE" →
"Marie-Élise", "o'brien" → "O'Brien", "mcdonald" → "McDonald". A piece typed in mixed case
("McDonald", "DiCaprio", "LeBlanc", "De Smet") is the person's own spelling and is kept.

French particles (last names only). When re-cased, "de", "du", "des" and "d'" are lower-case
wherever they stand, and the articles "le", "la", "les" keep a capital: "DE LA FONTAINE" →
"de La Fontaine", "DU BELLAY" → "du Bellay", "D'ORMESSON" → "d'Ormesson", "LE GOFF" → "Le Goff".
This is the civil-register spelling, which is how the name reads after the first name ("Jean
de La Fontaine"). A last name that is only a particle ("DES") is a name and gets a capital.

Apostrophes (’ ʼ ` ´) become "'" so that "d’Ormesson" and "d'Ormesson" are one name.
Digits, symbols and control characters are refused; letters from mixed alphabets are refused
(look-alikes, see `app.validation.text`); fullwidth letters are folded by NFKC.

Civility is normalised to five forms: "M.", "Mme", "Dr", "Pr", "Me" (Maître). "Mademoiselle"
and "Mlle" become "Mme", as French administrations have done since 2012; "Mrs", "Ms", "Miss"
become "Mme" and "Mr" becomes "M.".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from app.validation.fields import text_input
from app.validation.findings import FieldResult, error, warning
from app.validation.text import fold, mixed_script_finding

CIVILITIES: tuple[str, ...] = ("M.", "Mme", "Dr", "Pr", "Me")

_CIVILITY_ALIASES: dict[str, str] = {
    "m": "M.",
    "mr": "M.",
    "mister": "M.",
    "monsieur": "M.",
    "mme": "Mme",
    "madame": "Mme",
    "mrs": "Mme",
    "ms": "Mme",
    "miss": "Mme",
    "mlle": "Mme",
    "melle": "Mme",
    "mademoiselle": "Mme",
    "dr": "Dr",
    "docteur": "Dr",
    "doctor": "Dr",
    "pr": "Pr",
    "prof": "Pr",
    "professeur": "Pr",
    "professor": "Pr",
    "me": "Me",
    "maitre": "Me",
}

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_PIECES = re.compile(r"([ '\-])")
_LOWER_PARTICLES = frozenset({"de", "du", "des", "d"})
_ARTICLES = frozenset({"le", "la", "les"})
_ALLOWED_SYMBOLS = frozenset(" '-.")
_SPACED_JOINERS = re.compile(r"\s*([-']+(?:\s*[-']+)*)\s*")


def _single_case(piece: str) -> bool:
    letters = [ch for ch in piece if ch.isalpha()]
    if not letters:
        return False
    if all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters):
        return True
    # caps-lock inverted: "dUPONT"
    return letters[0].islower() and all(ch.isupper() for ch in letters[1:])


def _capitalise(piece: str) -> str:
    lower = piece.lower()
    if lower.startswith("mc") and len(lower) > 3:
        return "Mc" + lower[2:].capitalize()
    return lower.capitalize()


def recase(name: str, *, particles: bool) -> str:
    """Apply the module's casing rules to an already cleaned name."""
    parts = _PIECES.split(name)
    pieces = [p for p in parts if p and p not in " '-"]
    only_piece = len(pieces) == 1
    out: list[str] = []
    for index, part in enumerate(parts):
        if not part or part in " '-" or not _single_case(part):
            out.append(part)
            continue
        lower = part.lower()
        next_sep = parts[index + 1] if index + 1 < len(parts) else ""
        is_particle = lower in _LOWER_PARTICLES and (lower != "d" or next_sep == "'")
        if particles and is_particle and not only_piece:
            out.append(lower)
        elif particles and lower in _ARTICLES:
            out.append(lower.capitalize())
        else:
            out.append(_capitalise(part))
    return "".join(out)


def validate_person_name(raw: object, *, field: str, part: Literal["first", "last"]) -> FieldResult:
    """Clean, check and re-case a first or last name."""
    text, findings = text_input(field, raw)
    if text is None:
        return FieldResult(None, tuple(findings))
    text = text.translate(_APOSTROPHES)
    if any(ch.isdigit() for ch in text):
        return FieldResult(None, (*findings, error(field, "name.digits")))
    if not any(ch.isalpha() for ch in text):
        return FieldResult(None, (*findings, error(field, "name.no_letters")))
    # letters, combining marks (after NFKC, only those with no precomposed form) and . ' - space
    if any(not (ch.isalpha() or ch in _ALLOWED_SYMBOLS or _is_mark(ch)) for ch in text):
        return FieldResult(None, (*findings, error(field, "name.invalid_chars")))
    spoof = mixed_script_finding(field, text)
    if spoof is not None:
        return FieldResult(None, (*findings, spoof))
    # "Jean - Pierre" → "Jean-Pierre", "d' Ormesson" → "d'Ormesson", no dangling hyphen
    text = _SPACED_JOINERS.sub(lambda m: m.group(1)[0], text).strip(" -'")
    if not text:
        return FieldResult(None, (*findings, error(field, "name.no_letters")))
    return FieldResult(recase(text, particles=part == "last"), tuple(findings))


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


def validate_first_name(raw: object, *, field: str = "first_name") -> FieldResult:
    return validate_person_name(raw, field=field, part="first")


def validate_last_name(raw: object, *, field: str = "last_name") -> FieldResult:
    return validate_person_name(raw, field=field, part="last")


def canonical_civility(text: str) -> str | None:
    """ "Monsieur", "MR", "m." → "M."; None when not recognised."""
    return _CIVILITY_ALIASES.get(fold(text).replace(".", "").strip())


def validate_civility(
    raw: object, *, field: str = "civility", required: bool = True
) -> FieldResult:
    """Canonical civility; absent → `civility.missing` warning when `required`."""
    text, findings = text_input(field, raw)
    if text is None:
        if required and not findings:
            return FieldResult(None, (warning(field, "civility.missing"),))
        return FieldResult(None, tuple(findings))
    canonical = canonical_civility(text)
    if canonical is None:
        return FieldResult(None, (*findings, warning(field, "civility.unknown")))
    return FieldResult(canonical, tuple(findings))
