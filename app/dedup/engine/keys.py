"""Blocking keys: the few stable strings under which a record's candidates are looked up.

Two records are compared only if they share a key. Keys are prefixed ("siren:…",
"email:…", "name:…") so one indexed column holds them all. Free-mail domains and role
mailboxes produce no key; a name made only of generic words ("Plomberie Chauffage") is
keyed only with its town or postcode. `bounded_keys` then drops the keys whose block is too big
to read for one lookup (the caller passes the block sizes it counted in the base);
`BLOCK_CAPS` says how big is too big for each kind of key, for the lookup and the scan
alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.dedup.engine import terms as t
from app.dedup.engine.names import acronym_variants
from app.dedup.engine.normalise import CompanyView, ContactView
from app.dedup.engine.people import PersonName, sound

# keys that are not term-frequency terms; a typo cannot break both a prefix and a suffix key
PERSON, SOUND, NAME_SOUND = "name:", "ph:", "nph:"
PREFIXES, SUFFIXES = "np:", "ns:"
# within one employer's record: a name part, or the two initials
AT_WORK_NAME, AT_WORK_INITIALS = "wn:", "wi:"
# a name of generic words only, in one town or postcode ("Fleurs & Jardins" at Rennes)
GENERIC_AT = "gn:"
# a company's street in its postcode or town; the longest word naming it, there too
STREET_AT, WORD_AT = "sa:", "wa:"

# Stored next to the term-frequency terms, blocking keys are told apart by their prefix:
# "ed:", "co:", "fn:", "city:"… are terms only and must not form blocks.
CONTACT_KEY_PREFIXES = frozenset(
    {t.EMAIL, t.PHONE, PERSON, SOUND, PREFIXES, SUFFIXES, AT_WORK_NAME, AT_WORK_INITIALS}
)
COMPANY_KEY_PREFIXES = frozenset(
    {t.SIREN, t.DOMAIN, t.PHONE, t.NAME, t.BASE, t.FINGERPRINT, t.ACRONYM, NAME_SOUND,
     PREFIXES, SUFFIXES, GENERIC_AT, STREET_AT, WORD_AT}
)  # fmt: skip

BLOCKING_PREFIXES = {"contact": CONTACT_KEY_PREFIXES, "company": COMPANY_KEY_PREFIXES}

# Raise an entity's version with any change to how its keys or terms are built: stored bases
# are then re-indexed on upgrade (app/dedup/key_versions.py). 1: the street and name-word
# company keys, names read without titles, brackets, "&"; the first versioned keys.
KEYS_VERSION: Mapping[str, int] = {"contact": 1, "company": 1}

DEFAULT_MAX_BLOCK = 200  # records read for one key, at most
DEFAULT_MAX_CANDIDATES = 1_000  # records read for one lookup, at most
# A person's name keys fill with namesakes as the base grows ("martin|jean" holds hundreds
# of people at a million contacts), a switchboard number with colleagues, an employer's
# initials with its staff; a pair only such a block brings together is rarely a duplicate
# that a smaller block (the person's email, another name key) does not bring anyway. On
# 100k generated contacts in 10k companies, capping these kinds at 25 instead of 200
# removed 59% of the pairs with precision and recall unchanged (0.971 / 0.964); at 10 the
# recall dropped. A personal email keeps the default cap, and so do a company's identifiers
# (SIREN, domain, phone: a big firm's establishments share its SIREN). Company name keys
# are capped alike: acronym, sound and prefix/suffix blocks gather unrelated firms ("acr:sa",
# "ns:ance"); on 100k generated companies a cap of 25 cut the pairs compared from 1.89M to
# 0.50M with precision, recall and F1 unchanged to three decimals (seed 1; 4 of 5,792 true
# pairs no longer share a usable key).
# The keys that only exist to survive a typo (a surname's sound with the first initial, its
# first or last four letters, a firm's longest name word in its town) are capped tighter:
# they brought 70 % of the contact pairs and 57 % of the company pairs, and almost every
# true pair among them shares another key too. At 10, on seed 7 generated data and on the
# independent generator (seed 11), contact pairs fell from 345k to 226k and 547k to 330k at
# 100k and from 6.40M to 3.64M at 1M, company pairs from 648k to 433k, 831k to 544k and
# 6.21M to 3.77M, with precision, recall and F1 unchanged to three decimals; at 5 the
# independent contacts' recall fell (0.944 to 0.943).
SMALL_BLOCK = 25
TYPO_BLOCK = 10
BLOCK_CAPS: Mapping[str, Mapping[str, int]] = {
    "contact": dict.fromkeys((PERSON, t.PHONE, AT_WORK_NAME, AT_WORK_INITIALS), SMALL_BLOCK)
    | dict.fromkeys((SOUND, PREFIXES, SUFFIXES), TYPO_BLOCK),
    "company": dict.fromkeys(
        (t.NAME, t.BASE, t.FINGERPRINT, t.ACRONYM, GENERIC_AT, STREET_AT), SMALL_BLOCK
    )
    | dict.fromkeys((NAME_SOUND, PREFIXES, SUFFIXES, WORD_AT), TYPO_BLOCK),
}  # fmt: skip


def company_keys(view: CompanyView) -> frozenset[str]:
    keys: set[str] = set()
    for prefix, value in ((t.SIREN, view.siren), (t.DOMAIN, view.domain), (t.PHONE, view.phone)):
        if value:
            keys.add(prefix + value)
    name = view.name
    if name is not None and name.distinctive:  # never a key made of generic words alone
        keys.add(t.NAME + name.compact)
        keys.add(t.BASE + name.base)  # "IBM France" meets "IBM"
        keys.add(t.FINGERPRINT + name.fingerprint)
        keys.add(NAME_SOUND + " ".join(sorted(sound(w) for w in name.distinctive)))
        words = name.fingerprint.split()
        keys.add(PREFIXES + " ".join(sorted(w[:4] for w in words)))
        keys.add(SUFFIXES + " ".join(sorted(w[-4:] for w in words)))
    keys.update(_in_place(view))
    if name is not None:
        if name.is_acronym_like:
            keys.add(t.ACRONYM + name.base)
        keys.update(t.ACRONYM + a for a in acronym_variants(name))
    return frozenset(keys)


def _in_place(view: CompanyView) -> set[str]:
    """Keys scoped to a postcode, and to a town (either may be missing on one side).

    Every name key holds all of a name's words, so a slip in any of them ("Penarpiaud et
    Fis", "CAÉ Chanivenou", "Caron Automobiles SARM") or two in the one word that names the
    firm ("Levomtte Location") breaks them all; and a common name's blocks outgrow their cap
    in a big base. Within one postcode or town, the firm's street, or the longest word of
    its name, is selective enough to compare on. A name of generic words only has no name
    key at all: alone it names many firms, but rarely twice in one place, so it is keyed
    whole there.
    """
    address, name = view.address, view.name
    if address is None:
        return set()
    places = [place for place in (address.postcode, address.city) if place]
    keys = {STREET_AT + address.street + "|" + place for place in places if address.street}
    if name is not None and name.distinctive:
        longest = max(name.distinctive, key=lambda w: (len(w), w))
        keys.update(WORD_AT + longest + "|" + place for place in places)
    elif name is not None and name.fingerprint:
        keys.update(GENERIC_AT + name.fingerprint + "|" + place for place in places)
    return keys


def contact_keys(view: ContactView) -> frozenset[str]:
    keys: set[str] = set()
    if view.personal_email:
        keys.add(t.EMAIL + view.personal_email.address)
    for phone in (view.mobile, view.workplace.landline if view.workplace else ""):
        if phone:
            keys.add(t.PHONE + phone)
    first, last = view.first_name, view.last_name
    if first and last:
        # unordered, so swapped first/last names meet; one key per nickname reading
        for given in first.canonical | {first.compact}:
            keys.add(PERSON + "|".join(sorted((given, last.compact))))
        keys.add(SOUND + last.sound + "|" + first.compact[0])  # "Dupond" finds "Dupont"
        given = min(first.canonical)
        keys.add(PREFIXES + last.compact[:4] + "|" + given)
        keys.add(SUFFIXES + last.compact[-4:] + "|" + given)
        if view.workplace and view.workplace.company_id:
            keys.update(_at_work(view.workplace.company_id, first, last))
    return frozenset(keys)


def _at_work(company_id: str, first: PersonName, last: PersonName) -> set[str]:
    """Keys scoped to the employer's record, where few people are and much goes wrong.

    The name keys above need one name intact and the other's first letter or sound: they
    miss a surname with two slips or a short one with one ("Morin" / "Mrin"), a first name
    mistyped at its first letter, initials next to a mistyped surname ("L. Etcheberchire"),
    a married name, swapped names with a slip. Among the colleagues of one firm, one name
    part alone, or the two initials, is selective enough to compare on.
    """
    work = company_id + "|"
    parts = {last.compact} if first.is_initials else {first.compact, last.compact}
    keys = {AT_WORK_NAME + work + part for part in parts}
    # unordered, so swapped names meet; "J.-P." gives "j", like the first letter of "Jean-Pierre"
    initials = sorted((first.initials[0], last.compact[0]))
    keys.add(AT_WORK_INITIALS + work + "".join(initials))
    return keys


def is_blocking_key(key: str, prefixes: frozenset[str]) -> bool:
    """Whether a stored string is a blocking key of the entity whose `prefixes` are given."""
    return key[: key.find(":") + 1] in prefixes


def block_cap(key: str, caps: Mapping[str, int], default: int = DEFAULT_MAX_BLOCK) -> int:
    """The biggest block of `key`'s kind worth reading (`caps` by prefix, one of BLOCK_CAPS)."""
    return caps.get(key[: key.find(":") + 1], default)


def bounded_keys(
    keys: Iterable[str],
    block_sizes: Mapping[str, int],
    *,
    max_block: int = DEFAULT_MAX_BLOCK,
    max_candidates: int = DEFAULT_MAX_CANDIDATES,
    caps: Mapping[str, int] | None = None,
) -> tuple[str, ...]:
    """The keys worth looking up, most selective first, within both bounds.

    A key whose block exceeds its kind's cap in `caps`, or `max_block` for the kinds `caps`
    leaves out ("name:jean|martin" at a million contacts), is dropped: it would read
    hundreds of records to find the few that other keys find too. Keys are then taken
    smallest block first until `max_candidates` records are reached. Keys missing from
    `block_sizes` count as empty.
    """
    chosen: list[str] = []
    budget = max_candidates
    caps = caps or {}
    for key in sorted(set(keys), key=lambda k: (block_sizes.get(k, 0), k)):
        size = block_sizes.get(key, 0)
        if size > block_cap(key, caps, max_block) or size > budget:
            continue
        chosen.append(key)
        budget -= size
    return tuple(chosen)
