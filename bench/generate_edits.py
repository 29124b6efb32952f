"""How the generator turns a record into a duplicate: one to three realistic edits."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from bench import generate_words as W

Record = dict[str, Any]

_NEIGHBOURS = dict(zip("azertyuiopqsdfghjklmwxcvbn", "zaeryutoipsqfdhgkjmlxwvcnb", strict=True))
_NICKNAMES = {
    "Robert": ("Bob",), "William": ("Bill", "Will"), "Catherine": ("Cathy", "Kate"),
    "Jean-Pierre": ("J-P", "JP"), "Emmanuel": ("Manu",), "Frédéric": ("Fred",),
    "Nicolas": ("Nico",), "Stéphane": ("Steph",), "Sébastien": ("Seb",), "Alexandre": ("Alex",),
    "Christophe": ("Chris",), "Nathalie": ("Nath",), "Philippe": ("Phil",), "Thomas": ("Tom",),
    "Dominique": ("Dom",), "Patrick": ("Pat",), "Isabelle": ("Isa",), "Véronique": ("Véro",),
    "Valérie": ("Val",), "Maxime": ("Max",), "Jean-François": ("J-F", "JF"), "Jean-Luc": ("JL",),
    "Jean-Marc": ("J.M.",), "Marie-Christine": ("M-C",), "Anne-Sophie": ("A-S",),
    "Christine": ("Chris",), "Alexandra": ("Alex",), "Raphaël": ("Raph",), "Gabriel": ("Gaby",),
    "Jacques": ("Jacky",), "Daniel": ("Dany",), "Anthony": ("Tony",), "Benoît": ("Ben",),
    "Mathieu": ("Mat",), "Jean-Claude": ("J-C",), "Élodie": ("Élo",), "Caroline": ("Caro",),
}  # fmt: skip
_LEGAL_SPELLINGS = {
    "SAS": ("S.A.S.", "sas", "Société par actions simplifiée"),
    "SARL": ("S.A.R.L.", "Sarl", "S A R L"),
    "SA": ("S.A.", "Société Anonyme"),
}


def typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    word = words[i]
    pos = rng.randint(1, len(word) - 1) if rng.random() < 0.85 else 0
    kind = rng.choice(("delete", "double", "substitute", "transpose"))
    if kind == "delete":
        word = word[:pos] + word[pos + 1 :]
    elif kind == "double":
        word = word[:pos] + word[pos] + word[pos:]
    elif kind == "substitute":
        ch = _NEIGHBOURS.get(word[pos].lower(), "e")
        word = word[:pos] + (ch.upper() if word[pos].isupper() else ch) + word[pos + 1 :]
    elif pos < len(word) - 1:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    words[i] = word
    return " ".join(words)


def _case(rng: random.Random, text: str) -> str:
    return rng.choice((text.upper(), text.lower(), text.title()))


def _blank(rng: random.Random, r: Record, fields: tuple[str, ...]) -> None:
    present = [f for f in fields if r.get(f)]
    for field in rng.sample(present, min(len(present), rng.choice((1, 1, 2)))):
        r[field] = ""


def _pick(rng: random.Random, edits: dict[Callable[..., bool], int]) -> list[Callable[..., bool]]:
    k = rng.choices((1, 2, 3), (50, 35, 15))[0]
    return rng.choices(list(edits), list(edits.values()), k=k)


# --- companies ------------------------------------------------------------------------------
def c_typo(rng: random.Random, r: Record, gen: Any) -> bool:
    new = typo(rng, r["name"])
    r["name"] = new
    return True


def c_accents(rng: random.Random, r: Record, gen: Any) -> bool:
    for f in ("name", "city", "street"):
        r[f] = W.strip_accents(r[f])
    return True


def c_case(rng: random.Random, r: Record, gen: Any) -> bool:
    r["name"] = _case(rng, r["name"])
    return True


def c_legal_form(rng: random.Random, r: Record, gen: Any) -> bool:
    base = W.strip_legal_form(r["name"])
    form = r["legal_form"] or next((f for f in W.LEGAL_FORMS if f and r["name"].endswith(f)), "")
    if form and rng.random() < 0.5:  # removed
        r["name"], r["legal_form"] = base, ""
    else:  # added, or written another way
        form = form or rng.choice(("SAS", "SARL", "SA"))
        spelled = rng.choice((form, *_LEGAL_SPELLINGS.get(form, ())))
        r["name"], r["legal_form"] = f"{base} {spelled}", ""
    return True


def c_acronym(rng: random.Random, r: Record, gen: Any) -> bool:
    short = W.acronym(r["name"])
    if len(short) < 3 or len(W.strip_legal_form(r["name"]).split()) < 3:
        return False
    r["name"] = short
    return True


def c_dotted(rng: random.Random, r: Record, gen: Any) -> bool:
    name = W.strip_legal_form(r["name"])
    if not (name.isupper() and name.isalpha() and len(name) <= 6):
        return False
    r["name"] = rng.choice((".".join(name) + ".", " ".join(name), ".".join(name)))
    return True


def c_renamed(rng: random.Random, r: Record, gen: Any) -> bool:
    if not r["siren"]:
        return False
    r["name"] = W.company_name(rng, gen.surname)[0]
    return True


def c_phone(rng: random.Random, r: Record, gen: Any) -> bool:
    digits = "".join(ch for ch in r["phone"] if ch.isdigit())
    if not r["phone"]:
        return False
    national = "0" + digits[-9:]
    r["phone"] = W.format_phone(rng, national)
    return True


def c_missing(rng: random.Random, r: Record, gen: Any) -> bool:
    _blank(rng, r, ("siren", "siret", "vat_number", "website", "phone", "street", "postcode"))
    return True


def c_noise(rng: random.Random, r: Record, gen: Any) -> bool:
    if r["name"].split()[0] in W.NOISE:
        return False
    r["name"] = rng.choice(("Ets ", "Établissements ", "Société ")) + r["name"]
    return True


def c_address(rng: random.Random, r: Record, gen: Any) -> bool:
    street = r["street"]
    for full, short in (("avenue", "av."), ("boulevard", "bd"), ("rue", "r."), ("place", "pl.")):
        street = street.replace(full, short)
    r["street"] = street
    r["city"] = rng.choice((r["city"].upper(), r["city"] + " Cedex", r["city"]))
    if r["website"] and rng.random() < 0.5:
        r["website"] = rng.choice(("www.", "https://www.", "http://")) + r["website"]
    return True


COMPANY_EDITS: dict[Callable[..., bool], int] = {
    c_typo: 20, c_accents: 10, c_case: 10, c_legal_form: 15, c_acronym: 8, c_dotted: 4,
    c_renamed: 5, c_phone: 10, c_missing: 15, c_noise: 4, c_address: 9,
}  # fmt: skip


def perturb_company(rng: random.Random, r: Record, gen: Any) -> Record:
    for edit in _pick(rng, COMPANY_EDITS):
        if not edit(rng, r, gen):
            c_typo(rng, r, gen)
    return r


# --- contacts -------------------------------------------------------------------------------
def p_typo(rng: random.Random, r: Record, gen: Any) -> bool:
    field = rng.choice(("first_name", "last_name", "last_name"))
    r[field] = typo(rng, r[field])
    return True


def p_accents(rng: random.Random, r: Record, gen: Any) -> bool:
    r["first_name"], r["last_name"] = (
        W.strip_accents(r["first_name"]),
        W.strip_accents(r["last_name"]),
    )
    return True


def p_case(rng: random.Random, r: Record, gen: Any) -> bool:
    r["last_name"] = r["last_name"].upper()
    if rng.random() < 0.3:
        r["first_name"] = r["first_name"].lower()
    return True


def p_swap(rng: random.Random, r: Record, gen: Any) -> bool:
    r["first_name"], r["last_name"] = r["last_name"], r["first_name"]
    return True


def p_nickname(rng: random.Random, r: Record, gen: Any) -> bool:
    if r["first_name"] in _NICKNAMES:
        r["first_name"] = rng.choice(_NICKNAMES[r["first_name"]])
    elif "-" in r["first_name"]:
        r["first_name"] = rng.choice(
            (r["first_name"].replace("-", " "), r["first_name"].replace("-", ""))
        )
    else:
        r["first_name"] = r["first_name"][0] + "."
    return True


def p_second_email(rng: random.Random, r: Record, gen: Any) -> bool:
    first, last = r["first_name"], r["last_name"]
    if r["email"] and "@" in r["email"] and rng.random() < 0.5:
        domain = r["email"].rpartition("@")[2]
        local = W.local_part(rng, first, last, style=rng.randrange(W.COMPANY_EMAIL_STYLES))
        r["email"] = gen.unique_email(local, domain)
    else:
        local = W.local_part(rng, first, last)
        r["email"] = gen.unique_email(local, rng.choice(W.FREE_MAIL))
    return True


def p_phone(rng: random.Random, r: Record, gen: Any) -> bool:
    if r["phone"] and rng.random() < 0.6:
        digits = "".join(ch for ch in r["phone"] if ch.isdigit())
        r["phone"] = W.format_phone(rng, "0" + digits[-9:])
    else:
        r["phone"] = W.format_phone(rng, gen.mobile())
    return True


def p_missing(rng: random.Random, r: Record, gen: Any) -> bool:
    _blank(rng, r, ("email", "phone", "company_id", "civility", "job_title"))
    return True


def p_married(rng: random.Random, r: Record, gen: Any) -> bool:
    if r["civility"] not in ("Mme", "Madame"):
        return False
    r["last_name"] = gen.surname()
    return True


def p_company_dup(rng: random.Random, r: Record, gen: Any) -> bool:
    dups = gen.company_dups.get(r["company_id"])
    if not dups:
        return False
    r["company_id"] = rng.choice(dups)
    return True


CONTACT_EDITS: dict[Callable[..., bool], int] = {
    p_typo: 22, p_accents: 8, p_case: 8, p_swap: 6, p_nickname: 12, p_second_email: 10,
    p_phone: 13, p_missing: 15, p_married: 2, p_company_dup: 4,
}  # fmt: skip


def perturb_contact(rng: random.Random, r: Record, gen: Any) -> Record:
    for edit in _pick(rng, CONTACT_EDITS):
        if not edit(rng, r, gen):
            p_typo(rng, r, gen)
    return r
