"""Unicode hygiene shared by every text field.

Decisions, applied the same way everywhere:
- NFKC normalisation: composes combining accents with their letters ("e" + U+0301 → "é", the
  form every other system stores) and folds compatibility characters typed by accident —
  fullwidth letters from Asian keyboards ("Ｊｅａｎ" → "Jean"), ligatures ("ﬁ" → "fi"),
  non-breaking and other Unicode spaces. Email addresses use NFC instead (email-validator).
- whitespace: trimmed, and every run of whitespace (NBSP, thin space, tab, newline...) becomes
  one ASCII space — these are single-line fields.
- invisible characters (zero-width space/joiners, word joiner, BOM, soft hyphen, LRM/RLM) are
  removed, with an `text.invisible_removed` info, because they only break matching.
- bidirectional overrides/embeddings/isolates (U+202A–202E, U+2066–2069) are refused: they
  make a value display differently from what it is ("RTL override" spoofing).
- other control characters, lone surrogates, private-use and non-characters are refused.
- look-alikes: Cyrillic or Greek letters mixed with Latin ones in one field ("Dupоnt" with a
  Cyrillic "о") are refused with a Latin suggestion when every odd letter has a twin; text
  entirely in Cyrillic or Greek is a legitimate name and is kept.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.validation.findings import Finding, error, info

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_INVISIBLE = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064\ufeff]")
_INVALID = re.compile("[\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff]")

_LOOKALIKES = str.maketrans(
    "аеорсухіјѕһԁԛԝӏАВЕКМНОРСТХІЈЅУΑΒΕΖΗΙΚΜΝΟΡΤΥΧαοριυνκχ",
    "aeopcyxijshdqwlABEKMHOPCTXIJSYABEZHIKMNOPTYXaopiuvkx",
)


@dataclass(frozen=True, slots=True)
class Cleaned:
    value: str
    refused: str | None = None  # the first refusal code, the value must not be stored
    invisible_removed: bool = False


def clean(raw: str, *, nfkc: bool = True) -> Cleaned:
    """Apply the module's Unicode decisions to one single-line value."""
    if _INVALID.search(raw):
        return Cleaned("", "text.invalid_chars")
    if _BIDI.search(raw):
        return Cleaned("", "text.bidi_control")
    if _CONTROL.search(raw):
        return Cleaned("", "text.control_chars")
    removed = False
    if not raw.isascii():
        stripped = _INVISIBLE.sub("", raw)
        removed = len(stripped) != len(raw)
        raw = unicodedata.normalize("NFKC" if nfkc else "NFC", stripped)
    return Cleaned(" ".join(raw.split()), None, removed)


def text_findings(field: str, cleaned: Cleaned) -> list[Finding]:
    if cleaned.refused:
        return [error(field, cleaned.refused)]
    if cleaned.invisible_removed:
        return [info(field, "text.invisible_removed", cleaned.value)]
    return []


def fold(text: str) -> str:
    """Lower-case without accents, for table lookups: "Île-de-France" → "ile-de-france"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _script(ch: str) -> str:
    if ch.isascii():
        return "LATIN"
    return unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]


def has_mixed_scripts(text: str) -> bool:
    """True when Latin letters share the value with Cyrillic or Greek ones (look-alike spoofing)."""
    if text.isascii():
        return False
    scripts = {_script(ch) for ch in text if ch.isalpha()}
    return "LATIN" in scripts and bool(scripts & {"CYRILLIC", "GREEK"})


def latin_twin(text: str) -> str | None:
    """The value with look-alike letters replaced by their Latin twins, if all have one."""
    twin = text.translate(_LOOKALIKES)
    return None if has_mixed_scripts(twin) else twin


def mixed_script_finding(field: str, value: str) -> Finding | None:
    if not has_mixed_scripts(value):
        return None
    return error(field, "text.mixed_scripts", suggestion=latin_twin(value))
