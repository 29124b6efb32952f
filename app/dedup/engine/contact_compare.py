"""How two contact views are compared, field by field (levels strongest first).

Identity evidence (names, personal email, mobile) is kept apart from workplace evidence
(switchboard, company record, email domain): colleagues share the second, never the first.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA, JaroWinkler, Levenshtein

from app.dedup.engine import terms as t
from app.dedup.engine.compare import Comparison, Level, exact
from app.dedup.engine.normalise import Workplace
from app.dedup.engine.people import PersonName

# levels at which a field counts as agreeing (for the rules and the dependencies)
EMAIL_AGREES = frozenset({"exact", "same_local", "similar_local"})


def _names_terms(prefix: str):
    return lambda a, b: (prefix + a.compact, prefix + b.compact)


def _sounds_alike(a: PersonName, b: PersonName) -> bool:
    return len(a.sound) >= 3 and a.sound == b.sound


def _one_typo_apart(a: str, b: str, jaro_winkler: float) -> bool:
    """One key slipped, doubled, dropped or two swapped ("Lzporte", "Isaeblle"), or close."""
    if len(a) >= 4 and len(b) >= 4 and OSA.distance(a, b, score_cutoff=1) <= 1:
        return True
    return JaroWinkler.normalized_similarity(a, b) >= jaro_winkler


def _two_typos_apart(a: str, b: str) -> bool:
    """Two slips in one surname ("Caspiarger" / "Caqpiargre"), as when it is taken down over
    the phone; only from six letters, as shorter names that far apart are other names."""
    return min(len(a), len(b)) >= 6 and OSA.distance(a, b, score_cutoff=2) <= 2


def _shortened(a: str, b: str) -> bool:
    """A short form no table lists ("Élo" for "Élodie"); "Jean" and "Jeanne" or "Louis" and
    "Louise" are other names, hence three letters cut at least."""
    short, full = (a, b) if len(a) < len(b) else (b, a)
    return len(short) >= 3 and len(full) - len(short) >= 3 and full.startswith(short)


def _initials_agree(a: PersonName, b: PersonName) -> bool:
    """ "J." or "J-P" typed for "Jean-Pierre"; or "J." on both sides, which says no more."""
    if a.is_initials and b.is_initials:
        return a.initials.startswith(b.initials) or b.initials.startswith(a.initials)
    if not (a.is_initials or b.is_initials):
        return False
    typed, full = (a, b) if a.is_initials else (b, a)
    return full.initials.startswith(typed.initials)


def _part_of_compound(a: PersonName, b: PersonName) -> bool:
    """ "Claire" for "Marie-Claire", "Thu" for "Thi Thu": one name of a compound first name,
    the one its holder goes by. Weak, as "Claire" and "Marie-Claire" may be two relatives.
    ("Jean" and "Jean-Luc" meet earlier, as similar first names.)"""
    short, full = (a, b) if len(a.words) < len(b.words) else (b, a)
    return not (a.is_initials or b.is_initials) and short.words < full.words


def _same_name(a: PersonName, b: PersonName) -> bool:
    # two initials alike are weighed as initials: "fn:j" is rare as a stored value, but one
    # person in fifteen has a first name starting with J
    return a.compact == b.compact and not a.is_initials


def _same_nickname(a: PersonName, b: PersonName) -> bool:
    return bool(a.canonical & b.canonical) and not (a.is_initials and b.is_initials)


FIRST_NAME = Comparison(
    "first_name",
    (
        Level("exact", _same_name, _names_terms(t.FIRST_NAME)),
        Level("nickname", _same_nickname, _names_terms(t.FIRST_NAME)),
        Level("initials", _initials_agree),
        Level(
            "shortened",  # one word each: "Jean" is not "Jean-Luc" cut short, it is a name
            lambda a, b: len(a.words) == len(b.words) == 1 and _shortened(a.compact, b.compact),
        ),
        Level(
            "similar",
            lambda a, b: _sounds_alike(a, b) or _one_typo_apart(a.compact, b.compact, 0.9),
            _names_terms(t.FIRST_NAME),
        ),
        Level("part", _part_of_compound),
    ),
)

LAST_NAME = Comparison(
    "last_name",
    (
        Level("exact", lambda a, b: a.compact == b.compact, _names_terms(t.LAST_NAME)),
        Level(
            # "de La Fontaine" = "Fontaine"; "Martin-Dupont" ⊃ "Martin"; "Dupont-Martin"
            "same_core",
            lambda a, b: a.core == b.core or a.words <= b.words or b.words <= a.words,
            _names_terms(t.LAST_NAME),
        ),
        Level(
            "similar",
            lambda a, b: _sounds_alike(a, b) or _one_typo_apart(a.core, b.core, 0.92),
            _names_terms(t.LAST_NAME),
        ),
        Level(
            "two_typos", lambda a, b: _two_typos_apart(a.core, b.core), _names_terms(t.LAST_NAME)
        ),
    ),
)

PERSONAL_EMAIL = Comparison(
    "personal_email",
    (
        Level("exact", lambda a, b: a.address == b.address, lambda a, b: (t.EMAIL + a.address,)),
        Level(
            "same_local", lambda a, b: a.local == b.local, lambda a, b: (t.LOCAL_PART + a.local,)
        ),
        Level(
            # "g.martinez@" and "g.martin@" at one employer: addresses built from the names
            # differ as the names do, which says nothing more than the names
            "follows_names",
            lambda a, b: (
                a.domain == b.domain
                and a.shape != ""
                and a.shape == b.shape
                and _alnum(a.local) != _alnum(b.local)
            ),
        ),
        Level(
            "similar_local",  # a typo at the same domain; "jean.martin2@" is another Jean Martin
            lambda a, b: (
                a.domain == b.domain
                and a.local[0] == b.local[0]  # "a.martin@" and "m.martin@" are relatives
                and _digits(a.local) == _digits(b.local)
                and Levenshtein.distance(a.local, b.local, score_cutoff=2) <= 2
            ),
            lambda a, b: (t.EMAIL_DOMAIN + a.domain,),
        ),
        Level(
            # "jean.martin2@" next to "jean.martin@": the mail server gave the name to someone
            # else first, so a second person with that name holds it (evidence against)
            "numbered_apart",
            lambda a, b: (
                a.domain == b.domain
                and _digits(a.local) != _digits(b.local)
                and _letters(a.local) == _letters(b.local)
            ),
        ),
    ),
)


def _alnum(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def _letters(text: str) -> str:
    return "".join(ch for ch in text if not ch.isdigit())


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _shares_part(a: Workplace, b: Workplace) -> bool:
    return bool(
        (a.landline and b.landline) or (a.company_id and b.company_id) or (a.domain and b.domain)
    )


WORKPLACE = Comparison(
    "workplace",
    (
        Level(
            "same_line",
            lambda a, b: a.landline != "" and a.landline == b.landline,
            lambda a, b: (t.PHONE + a.landline,),
        ),
        Level(
            "same_company",
            lambda a, b: a.company_id != "" and a.company_id == b.company_id,
            lambda a, b: (t.COMPANY + a.company_id,),
        ),
        Level(
            "same_domain",
            lambda a, b: a.domain != "" and a.domain == b.domain,
            lambda a, b: (t.EMAIL_DOMAIN + a.domain,),
        ),
    ),
    comparable=_shares_part,
)


def _same_title_words(a: str, b: str) -> bool:
    """ "Directeur commercial" / "Directrice commerciale", "DAF" / "DAF adjoint"."""
    words_a, words_b = set(a.split()), set(b.split())
    return (
        JaroWinkler.normalized_similarity(a, b) >= 0.9 or words_a <= words_b or words_b <= words_a
    )


# Titles are re-typed freely and change with promotions, so a different title is only weak
# evidence; it is what tells apart a father and son who share a name and a firm.
JOB_TITLE = Comparison(
    "job_title",
    (
        Level("exact", lambda a, b: a == b, lambda a, b: (t.JOB_TITLE + a,)),
        Level("similar", _same_title_words),
    ),
)

CONTACT_COMPARISONS: tuple[Comparison, ...] = (
    FIRST_NAME,
    LAST_NAME,
    PERSONAL_EMAIL,
    Comparison("mobile", (exact(t.PHONE),)),
    WORKPLACE,
    Comparison("civility", (exact(),)),
    JOB_TITLE,
)
