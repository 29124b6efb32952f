"""Company names folded into the parts the matcher compares.

"Dupont SAS" → key "dupont" + legal form SAS; "IBM France" → key "ibm" + branch "france";
"I.B.M" and "I B M" → "ibm"; "Société Nationale des Chemins de fer Français" keeps the
letter pattern its acronym "sncf" is matched against. Generic words ("Boulangerie",
"Établissements") stay in the key but are told apart from the words that name the business.
"Dupont & Fils", "Dupont et Fils" and "Dupont and Fils" share one key; "Électricité de France
(EDF)" is read as "Électricité de France", "Dupont (ex-Martin)" as "Dupont".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.dedup.engine import tables
from app.dedup.engine.text import MAX_INPUT, tokens
from app.validation.legal_forms import canonical_legal_form, split_legal_form

# Abbreviations written interchangeably with the full word inside company names.
_ABBREVIATIONS = {
    "ets": "etablissements",
    "cie": "compagnie",
    "st": "saint",
    "grp": "groupe",
    "intl": "international",
    "sce": "services",
    "svc": "services",
}
ACRONYM_MIN, ACRONYM_MAX = 3, 6
# "&" folds away, so the words spelling it out go too (between two words only: "Et Cetera")
_CONNECTORS = frozenset({"et", "and", "und"})
# a name with one part in brackets, and what follows it: "Électricité de France (EDF) SA"
_BRACKETED = re.compile(r"^([^()]*)\(([^()]*)\)([^()]*)$")


@dataclass(frozen=True, slots=True)
class CompanyName:
    key: str  # folded, legal form and branch words removed: "ibm" for "IBM France SAS"
    suffix: str  # branch, country or activity words split off the end: "france", ""
    full: str  # key and suffix: "ibm france"
    compact: str  # `full` without spaces, so "saint gobain" meets "saintgobain"
    base: str  # `key` without spaces
    legal_form: str | None  # canonical form split off the name ("SAS")
    fingerprint: str  # sorted words of `full` minus stop and noise words
    distinctive: tuple[str, ...]  # words of `key` naming the business (no generic word)
    trades: frozenset[str]  # trade words ("boulangerie"): different trades, different firms
    # (first letter, required) per word of `key`, to match an acronym against the full name
    letters: tuple[tuple[str, bool], ...]

    @property
    def is_acronym_like(self) -> bool:
        """A single short word such as "sncf" that may abbreviate a longer name."""
        return (
            " " not in self.key
            and ACRONYM_MIN <= len(self.base) <= ACRONYM_MAX
            and self.base.isalpha()
        )


def _expand(words: list[str]) -> list[str]:
    singular = tables.generic_singulars()
    out = []
    for i, word in enumerate(words):
        # in the singular first: "stes" and "cies" are abbreviations too, read as "ste", "cie"
        word = singular.get(word, word)
        if word == "ste":  # "Sté Dupont" is a company, "Ste Marie" a saint
            out.append("societe" if i == 0 else "sainte")
        else:
            word = _ABBREVIATIONS.get(word, word)
            out.append(singular.get(word, word))
    return out


def _is_generic(word: str) -> bool:
    return (
        word in tables.stop_words() or word in tables.noise_words() or word in tables.trade_words()
    )


def _strip_suffix(words: list[str]) -> tuple[list[str], list[str]]:
    """Split trailing branch words off ("IBM France", "Dupont Logistique").

    A word goes only if a word naming the business stays before it, and never after a stop
    word: "Centre Technique des Matériaux" keeps its last word.
    """
    suffix: list[str] = []
    branch, trade, stop = tables.suffix_words(), tables.trade_words(), tables.stop_words()
    while len(words) > 1 and (words[-1] in branch or words[-1] in trade) and words[-2] not in stop:
        rest = words[:-1]
        if not any(not _is_generic(w) and w not in branch for w in rest):
            break
        suffix.insert(0, words[-1])
        words = rest
    return words, suffix


def _split_form(text: str) -> tuple[str, str | None]:
    """Split legal forms off until none is left ("Dupont SA SAS"); the outermost one wins."""
    first: str | None = None
    for _ in range(len(text)):  # each round removes a word, so this always ends
        rest, form = split_legal_form(text)
        if form is None:
            break
        text, first = rest, first or form
    return text, first


def _without_connectors(words: list[str]) -> list[str]:
    last = len(words) - 1
    return [w for i, w in enumerate(words) if w not in _CONNECTORS or i in (0, last)]


def _bracketed(raw: str) -> CompanyName | None:
    """A name with one part in brackets, read without the brackets' aside.

    An acronym and its long name, either way round, read as the long name ("Électricité de
    France (EDF)", "EDF (Électricité de France)"). Any other aside ("(ex-Martin)", "(Groupe
    Total)", "(Lyon)") qualifies the name and is left out of it, except a legal form or
    branch words ("(SARL)", "(France)"), which are read as usual: None then.
    """
    found = _BRACKETED.match(raw)
    if found is None:
        return None
    outside, inside, after = found.groups()
    outer, inner = company_name(outside + " " + after), company_name(inside + " " + after)
    if abbreviates(company_name(inside), outer):
        return outer
    if abbreviates(company_name(outside), inner):
        return inner
    return outer if outer.key and _is_aside(inside) else None


def _is_aside(text: str) -> bool:
    words = tokens(text)
    branch = tables.suffix_words()
    return bool(words) and not canonical_legal_form(text) and not all(w in branch for w in words)


def company_name(raw: object) -> CompanyName:
    """Normalise a company name; never raises, "" or non-text gives an empty key."""
    if isinstance(raw, str) and "(" in raw:
        bracketed = _bracketed(raw[:MAX_INPUT])
        if bracketed is not None:
            return bracketed
    # forms are split on the folded words, so normalising a key again never changes it
    text, form = _split_form(" ".join(_expand(list(tokens(raw)))))
    words = _without_connectors(text.split())
    suffix: list[str] = []
    while True:  # "Dupont SAS France": the form only shows once the branch is gone
        words, more = _strip_suffix(words)
        suffix = more + suffix
        rest, later_form = _split_form(" ".join(words)) if more else ("", None)
        if later_form is None:
            break
        words, form = rest.split(), form or later_form
    stop, noise, trade = tables.stop_words(), tables.noise_words(), tables.trade_words()
    key = " ".join(words)
    full = " ".join(words + suffix)
    return CompanyName(
        key=key,
        suffix=" ".join(suffix),
        full=full,
        compact=full.replace(" ", ""),
        base=key.replace(" ", ""),
        legal_form=form,
        fingerprint=" ".join(
            sorted(w for w in (*words, *suffix) if w not in stop and w not in noise)
        ),
        distinctive=tuple(w for w in words if not _is_generic(w)),
        trades=frozenset(w for w in (*words, *suffix) if w in trade),
        letters=tuple((w[0], w not in stop) for w in words) if len(words) > 1 else (),
    )


def strict_acronym(name: CompanyName) -> str:
    """First letters of the words that are not stop words: "banque nationale de paris" → "bnp"."""
    return "".join(letter for letter, required in name.letters if required)


def acronym_variants(name: CompanyName) -> frozenset[str]:
    """The acronyms a person might write for a long name, for blocking keys.

    The strict acronym, the one that keeps stop words ("edf" for "électricité de France"),
    and, for names of five words or more, each spelling that leaves one word out ("sncf" for
    "société nationale des chemins de fer français").
    """
    if not name.letters:
        return frozenset()
    strict = strict_acronym(name)
    variants = {strict, "".join(letter for letter, _ in name.letters)}
    if len(strict) >= 5:  # shorter drop-one spellings would collide with too many names
        variants.update(strict[:i] + strict[i + 1 :] for i in range(1, len(strict)))
    return frozenset(v for v in variants if ACRONYM_MIN <= len(v) <= ACRONYM_MAX and v.isalpha())


def abbreviates(short: CompanyName, long: CompanyName) -> bool:
    """Whether `short` ("bnp") spells the initials of `long` ("banque nationale de paris").

    Every letter must start a word of the long name, in order, from its first word; stop
    words may be used or skipped; one other word may be skipped when the name has four or
    more (people drop "fer" from SNCF).
    """
    if not short.is_acronym_like or not long.letters:
        return False
    letters = long.letters
    required = sum(1 for _, req in letters if req)
    allowed_skips = 1 if required >= 4 else 0
    target = short.base
    # states: (position in target, skips used); tiny (≤ 6 letters × few words) so a set is fine
    states = {(0, 0)}
    for letter, req in letters:
        nxt: set[tuple[int, int]] = set()
        for pos, skips in states:
            if pos < len(target) and target[pos] == letter:
                nxt.add((pos + 1, skips))
            if not req:
                nxt.add((pos, skips))
            elif skips < allowed_skips and pos > 0:
                nxt.add((pos, skips + 1))
        if not nxt:
            return False
        states = nxt
    return any(pos == len(target) for pos, _ in states)
