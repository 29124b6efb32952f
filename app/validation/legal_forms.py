"""Legal forms of companies (French first, then the foreign ones a French CRM meets).

`split_legal_form` finds a legal form written at the end or at the start of a company name, in
any of its usual spellings ("SAS", "S.A.S.", "S A S", "Société par actions simplifiée",
"(sas)"), and returns the name without it plus the canonical form. The matching engine keys
company names on what is left, so "DUPONT SAS" and "Dupont S.A.S." meet.

Rules, each chosen so that a real name is never eaten:
- a form is only recognised as whole words at the very end or the very start of the name, never
  in the middle, and only when something else remains ("SA" alone, "Société Anonyme" alone
  are returned unchanged with no form: a name that is only a legal form keeps it);
- a lone "Société", "Groupe", "Établissements" is not a legal form ("Société Générale" is a
  name); only the full French phrases ("société anonyme", "société à responsabilité
  limitée"...) are;
- short forms that are also ordinary words ("sa", "se", "spa", "ag"...) count only when written
  in capitals or with dots ("DUPONT SA", "Fiat S.p.A.", "Fiat SpA"), or when the whole name is
  in one case ("dupont sa"): "Sa Maison" and "Thermes Spa" stay names;
- a suffix is preferred to a prefix; at most one form is split off.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

# canonical spelling → spellings that mean it (the canonical one is implied). Dots, spaces
# between letters, case and accents are folded away by `_key`, so only distinct words go here.
_FORMS: dict[str, tuple[str, ...]] = {
    # France
    "SAS": ("Société par actions simplifiée", "Societe par action simplifiee"),
    "SASU": (
        "Société par actions simplifiée unipersonnelle",
        "SAS unipersonnelle",
        "Société par actions simplifiée à associé unique",
    ),
    "SARL": ("Société à responsabilité limitée", "Sàrl", "Société responsabilité limitée"),
    "EURL": (
        "Entreprise unipersonnelle à responsabilité limitée",
        "SARLU",
        "SARL unipersonnelle",
    ),
    "SA": ("Société anonyme", "Sociedad anónima"),
    "SCI": ("Société civile immobilière",),
    "SNC": ("Société en nom collectif", "Società in nome collettivo"),
    "SCOP": (
        "Société coopérative et participative",
        "Société coopérative ouvrière de production",
        "SCOP SA",
        "SCOP SARL",
        "SCOP SAS",
    ),
    "SCIC": ("Société coopérative d'intérêt collectif",),
    "SCA": ("Société en commandite par actions",),
    "SCS": ("Société en commandite simple",),
    "SC": ("Société civile",),
    "SCP": ("Société civile professionnelle",),
    "SCM": ("Société civile de moyens",),
    "SCEA": ("Société civile d'exploitation agricole",),
    "GIE": ("Groupement d'intérêt économique",),
    "GAEC": ("Groupement agricole d'exploitation en commun",),
    "EARL": ("Exploitation agricole à responsabilité limitée",),
    "SELARL": ("Société d'exercice libéral à responsabilité limitée",),
    "SELAS": ("Société d'exercice libéral par actions simplifiée",),
    "SELAFA": ("Société d'exercice libéral à forme anonyme",),
    "SEM": ("Société d'économie mixte", "SAEM"),
    "EI": ("Entreprise individuelle", "Micro-entreprise", "Auto-entrepreneur"),
    "EIRL": ("Entreprise individuelle à responsabilité limitée",),
    "Association": ("Association loi 1901", "Association loi de 1901", "Asso"),
    "SE": ("Société européenne", "Societas Europaea"),
    # Belgium, Luxembourg, Switzerland
    "SPRL": ("Société privée à responsabilité limitée",),
    "SRL": (
        "Société à responsabilité limitée de droit belge",
        "Società a responsabilità limitata",
        "S.r.l.",
    ),
    "ASBL": ("Association sans but lucratif",),
    "BVBA": ("Besloten vennootschap met beperkte aansprakelijkheid",),
    "SECS": ("Société en commandite simple de droit luxembourgeois",),
    # Germany, Austria
    "GmbH": ("Gesellschaft mit beschränkter Haftung", "Ges.m.b.H."),
    "GmbH & Co. KG": ("GmbH und Co KG", "GmbH + Co KG"),
    "AG": ("Aktiengesellschaft",),
    "KG": ("Kommanditgesellschaft",),
    "KGaA": ("Kommanditgesellschaft auf Aktien",),
    "OHG": ("Offene Handelsgesellschaft",),
    "UG": ("UG (haftungsbeschränkt)", "Unternehmergesellschaft"),
    "e.V.": ("eingetragener Verein",),
    # English-speaking countries
    "Ltd": ("Limited", "Co. Ltd", "Co. Limited", "Pty Ltd", "Pvt Ltd", "Private Limited"),
    "PLC": ("Public limited company",),
    "Inc": ("Incorporated",),
    "Corp": ("Corporation",),
    "LLC": ("Limited liability company",),
    "LLP": ("Limited liability partnership",),
    "LP": ("Limited partnership",),
    # Italy, Spain, Portugal, Netherlands
    "SpA": ("Società per azioni",),
    "SRLS": ("Società a responsabilità limitata semplificata",),
    "SL": ("Sociedad limitada", "Sociedad de responsabilidad limitada", "SRL de CV"),
    "SLU": ("Sociedad limitada unipersonal",),
    "SAU": ("Sociedad anónima unipersonal",),
    "Lda": ("Limitada", "Sociedade por quotas"),
    "BV": ("Besloten vennootschap",),
    "NV": ("Naamloze vennootschap",),
}

# Short forms that are also everyday words in French, English or Italian: they count only when
# written in capitals, with dots, or in a name typed entirely in one case.
_AMBIGUOUS = frozenset({"sa", "se", "ag", "ei", "sl", "sc", "lp", "kg", "lda", "sem", "asso"})
# "SPA" in capitals is far more often a spa than an Italian company: dots or "SpA" only.
_STRICT = frozenset({"spa"})

_MAX_WORDS = 8
_TOKEN = re.compile(r"\S+")
_KEEP = re.compile(r"[^0-9a-z&+]")
_LEFT_TRIM = " \t,;:/|-–—)]"
_RIGHT_TRIM = " \t,;:/|-–—([&+"


@lru_cache(maxsize=1 << 16)  # a base's names repeat their words: folding each once pays
def _key(token: str) -> str:
    """Fold case, accents and punctuation: "S.A.S." → "sas", "(Sàrl)" → "sarl"."""
    decomposed = unicodedata.normalize("NFKD", token)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _KEEP.sub("", ascii_only.casefold())


def _words(text: str) -> tuple[str, ...]:
    return tuple(k for k in (_key(t) for t in text.replace("-", " ").split()) if k)


def _build() -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    by_words: dict[tuple[str, ...], str] = {}
    by_letters: dict[str, str] = {}
    for canonical, spellings in _FORMS.items():
        for spelling in (canonical, *spellings):
            words = _words(spelling)
            by_words[words] = canonical
            if len(words) == 1:
                by_letters[words[0]] = canonical
    return by_words, by_letters


_BY_WORDS, _BY_LETTERS = _build()

CANONICAL_FORMS: frozenset[str] = frozenset(_FORMS)


# Words that can open or close a form: most candidate spans are rejected on these alone.
_STARTS = frozenset(words[0] for words in _BY_WORDS)
_ENDS = frozenset(words[-1] for words in _BY_WORDS)


class _Token:
    __slots__ = ("end", "key", "start", "text", "words")

    def __init__(self, match: re.Match[str]) -> None:
        self.text = match.group()
        self.start = match.start()
        self.end = match.end()
        self.key = _key(self.text)
        self.words = _words(self.text) if "-" in self.text else (self.key,)

    def may_start(self) -> bool:
        return len(self.key) <= 2 or self.key in _STARTS or self.words[0] in _STARTS

    def may_end(self) -> bool:
        return len(self.key) <= 2 or self.key in _ENDS or self.words[-1] in _ENDS


def _may_hold_form(first: str, last: str) -> bool:
    """Whether a form could start at the first piece of a name or end at its last one, read
    without tokenising the rest: most names are ruled out here."""
    start, end = _key(first), _key(last)
    if len(start) <= 2 or len(end) <= 2:
        return True
    return (
        start in _STARTS
        or end in _ENDS
        or ("-" in first and _words(first)[0] in _STARTS)
        or ("-" in last and _words(last)[-1] in _ENDS)
    )


def _tokens(name: str) -> list[_Token]:
    # hyphens join words of a form ("Micro-entreprise") but also names ("Jean-Pierre"):
    # tokens stay whitespace-separated and hyphenated forms are matched by their folded key.
    return [t for t in (_Token(m) for m in _TOKEN.finditer(name)) if t.key]


def _plausible(tokens: list[_Token], key: str, name: str) -> bool:
    if key not in _AMBIGUOUS and key not in _STRICT:
        return True
    text = "".join(t.text for t in tokens).strip("()[],;")
    dotted = "." in text.rstrip(".")
    if key in _STRICT:
        return dotted or text.rstrip(".") in CANONICAL_FORMS
    if dotted or text.rstrip(".") in CANONICAL_FORMS or _is_single_case(name):
        return True
    return all(ch.isupper() for ch in text if ch.isalpha())


def _lookup(tokens: list[_Token], name: str, *, in_name: bool = True) -> str | None:
    """The canonical form spelled by exactly these tokens of `name`, or None. (The name's
    case is read only for the few forms that are also everyday words.)"""
    words = tuple(t.key for t in tokens)
    hyphen_split = tuple(w for t in tokens for w in t.words)
    for candidate in (words, hyphen_split):
        canonical = _BY_WORDS.get(candidate)
        if canonical is not None:
            key = "".join(candidate)
            return canonical if not in_name or _plausible(tokens, key, name) else None
    # "S A R L", "S.A R.L": a run of one- or two-letter pieces spelling an abbreviation
    if len(tokens) >= 2 and all(len(t.key) <= 2 for t in tokens):
        joined = "".join(words)
        canonical = _BY_LETTERS.get(joined)
        if canonical is not None and (not in_name or _plausible(tokens, joined, name)):
            return canonical
    return None


def _is_single_case(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return all(ch.isupper() for ch in letters) or all(ch.islower() for ch in letters)


def split_legal_form(name: str) -> tuple[str, str | None]:
    """Split a legal form off the end or the start of `name`.

    Returns (the name without the form, the canonical form), or (name, None) when there is no
    form or when the name is nothing but a form. The returned name is stripped of the
    punctuation that tied it to the form ("Acme, Inc." → "Acme", "Dupont (SAS)" → "Dupont") and
    keeps its own spelling otherwise.
    """
    pieces = _TOKEN.findall(name)
    if len(pieces) < 2 or not _may_hold_form(pieces[0], pieces[-1]):
        return name.strip(), None
    return _split_tokens(_tokens(name), name)


def _split_tokens(tokens: list[_Token], name: str) -> tuple[str, str | None]:
    if len(tokens) < 2:
        return name.strip(), None
    longest = min(_MAX_WORDS, len(tokens) - 1)
    for size in range(longest, 0, -1) if tokens[-1].may_end() else ():
        if not tokens[-size].may_start():
            continue
        canonical = _lookup(tokens[-size:], name)
        if canonical is not None:
            rest = name[: tokens[-size].start].rstrip(_RIGHT_TRIM)
            if rest:
                return rest.lstrip(_LEFT_TRIM).strip(), canonical
    for size in range(longest, 0, -1) if tokens[0].may_start() else ():
        if not tokens[size - 1].may_end():
            continue
        canonical = _lookup(tokens[:size], name)
        if canonical is not None:
            rest = name[tokens[size - 1].end :].lstrip(_LEFT_TRIM)
            if rest:
                return rest.rstrip(_RIGHT_TRIM).strip(), canonical
    return name.strip(), None


def canonical_legal_form(text: str) -> str | None:
    """The canonical spelling of a legal form typed on its own ("s.a.r.l." → "SARL")."""
    tokens = _tokens(text)
    if not tokens or len(tokens) > _MAX_WORDS:
        return None
    # on its own the text can only mean a form: "spa" in a legal-form field is SpA
    return _lookup(tokens, text, in_name=False)


def is_legal_form(text: str) -> bool:
    return canonical_legal_form(text) is not None


def legal_form_spellings() -> Iterable[tuple[str, str]]:
    """(spelling, canonical) pairs of the table, for tests and documentation."""
    for canonical, spellings in _FORMS.items():
        yield canonical, canonical
        for spelling in spellings:
            yield spelling, canonical
