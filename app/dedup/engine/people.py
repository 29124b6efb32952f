"""Person names folded for matching: accents, hyphens, particles, nicknames, initials, sound.

"Jean-Pierre", "jean pierre" and "JEANPIERRE" share the compact form "jeanpierre";
"J-P" is the initials "jp"; "Bob" stands for "robert"; "de La Fontaine" and "Delafontaine"
share "delafontaine" and the core "fontaine"; "Dupont" and "Dupond" sound alike; a title
typed before a name ("Dr Pierre", "Mme Durand") is not part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.dedup.engine import tables
from app.dedup.engine.text import MAX_INPUT, fold

PARTICLES = frozenset({"de", "du", "des", "d", "la", "le", "van", "von", "der", "den", "da", "di"})
_VOWELS = frozenset("aeiou")
# Titles typed into a name field; "M" is left alone, as it is as often an initial
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "mme", "mmes", "mlle", "mlles", "monsieur", "madame",
     "mademoiselle", "dr", "docteur", "pr", "prof", "professeur", "me", "maitre"}
)  # fmt: skip


def without_titles(words: list[str]) -> list[str]:
    """The words of a name after the titles typed before it; never all of them."""
    start = 0
    while start < len(words) - 1 and words[start] in TITLES:
        start += 1
    return words[start:]


@dataclass(frozen=True, slots=True)
class PersonName:
    key: str  # folded words: "jean pierre"
    compact: str  # without spaces: "jeanpierre"
    canonical: frozenset[str]  # what a nickname stands for: "bob" → {"robert"}
    initials: str  # first letter of each word: "jp"
    is_initials: bool  # typed as initials only ("J.-P.", "JP", "J")
    core: str  # compact without particles: "fontaine" for "de la fontaine"
    words: frozenset[str]  # for compound names: "martin dupont" ⊃ "martin"
    sound: str  # French-aware phonetic code of the compact form


def person_name(raw: object) -> PersonName | None:
    """Normalise a first or last name; None when nothing is left."""
    if not isinstance(raw, str):
        return None
    # Names repeat (a base holds a few thousand first names), and a record is normalised
    # again each time it is a candidate: the same spelling is worked out once.
    return _person_name(raw[:MAX_INPUT])


@lru_cache(maxsize=1 << 17)
def _person_name(raw: str) -> PersonName | None:
    words = without_titles(fold(raw).split())
    if not words:
        return None
    compact = "".join(words)
    typed_initials = all(len(w) == 1 for w in words) or (
        len(compact) <= 2 and not (_VOWELS & set(compact))
    )
    initials = compact if typed_initials else "".join(w[0] for w in words)
    core = "".join(w for w in words if w not in PARTICLES) or compact
    return PersonName(
        key=" ".join(words),
        compact=compact,
        canonical=tables.nicknames().get(compact, frozenset({compact})),
        initials=initials,
        is_initials=typed_initials,
        core=core,
        words=frozenset(words),
        sound=sound(core),
    )


# Ordered rewrites from French spelling to sound; each pattern is applied to the whole word.
_SOUND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"[^a-z]", ""),
        (r"ph", "f"),
        (r"bv", "v"),
        (r"(sch|sh)", "ch"),
        (r"gu(?=[eiy])", "G"),  # hard g, kept apart from the soft g rule below
        (r"g(?=[eiy])", "j"),
        (r"(qu|ck|q)", "k"),
        (r"c(?=[eiy])", "s"),
        (r"c(?!h)", "k"),
        (r"eau|au", "o"),
        (r"ou", "u"),
        (r"(ai|ei)", "e"),
        (r"y", "i"),
        (r"w", "v"),
        (r"(?<!c)h", ""),
        (r"(?<=[aeiou])s(?=[aeiou])", "z"),
        (r"(en|an|em|am)(?![aeiou]|$)", "an"),
        (r"(ain|ein|un|im)(?![aeiou])", "in"),
        (r"(er|ez|et)$", "e"),
        (r"[tdsxz]+$", ""),
        (r"e$", ""),
        (r"(.)\1+", r"\1"),
    )
)


@lru_cache(maxsize=1 << 16)  # names repeat across a base: each word is coded once
def sound(word: str) -> str:
    """A phonetic code for French names: Dupont/Dupond → "dupon", Lefebvre/Lefèvre → "lefevr"."""
    code = word
    for pattern, replacement in _SOUND_RULES:
        code = pattern.sub(replacement, code)
    return code.lower() or word


_NAME_MARK = "\x01"  # never in a folded text
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def email_shape(local: str, first: PersonName | None, last: PersonName | None) -> str:
    """An address's local part with its holder's names replaced by a mark, or "".

    "g.martinez" of Gaëlle Martinez and "g.martin" of Gaëlle Martin share a shape: the two
    addresses differ only as the names do. One mark for either name, so a record with its
    names swapped keeps its shape; letters and digits only, so "v.bernard" and "vbernard"
    share one too. Names under three letters stay (an initial would match anywhere), the
    longer name goes first ("martine.martin").
    """
    shape = _NOT_ALNUM.sub("", local)
    names = sorted((n.compact for n in (first, last) if n is not None), key=len, reverse=True)
    for name in names:
        if len(name) >= 3:
            shape = shape.replace(name, _NAME_MARK)
    return shape if _NAME_MARK in shape else ""


_NOT_LETTERS = re.compile(r"[^a-z]+")


def first_name_from_email(local: str, first: PersonName, last: PersonName) -> PersonName | None:
    """The first name an address spells out next to the surname, when only initials were typed.

    "J. Dupont" <jean.dupont@acme.fr> is Jean Dupont: contacts keyed from a signature or an
    import often keep an initial, while the address, built by the employer or the person
    from the full name, keeps the name. The surname must be in the address and the rest
    must start with the typed initials ("jean-pierre.dupont" for "J.-P."); anything else
    ("jdupont", "paul.dupont", another surname) gives None.
    """
    if not first.is_initials or len(last.compact) < 2:
        return None
    words = [w for w in _NOT_LETTERS.split(local.lower()) if w]
    rest: list[str] | None = None
    for i in range(len(words)):  # the surname as one or more whole words ("de.la.fontaine")
        for j in range(i + 1, min(i + 5, len(words) + 1)):
            if "".join(words[i:j]) == last.compact:
                rest = words[:i] + words[j:]
                break
        if rest is not None:
            break
    if rest is None and len(words) == 1:  # "jeandupont"
        word = words[0]
        if word.endswith(last.compact):
            rest = [word[: -len(last.compact)]]
        elif word.startswith(last.compact):
            rest = [word[len(last.compact) :]]
    if not rest or len("".join(rest)) < 3:
        return None
    name = person_name(" ".join(rest))
    if name is None or name.is_initials or not name.initials.startswith(first.initials):
        return None
    return name
