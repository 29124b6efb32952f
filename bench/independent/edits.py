"""Duplicates: a copy of a record through 2-4 of its kind's edits, each field also edited now
and then outside the draw, as clerks retype whatever they like."""

from __future__ import annotations

import random
from typing import Any

from bench.independent.companies import CompanyMaker
from bench.independent.company_names import FORM_VARIANTS
from bench.independent.contacts import ContactMaker
from bench.independent.people import FREE, JOB_SHORT, JOBS, NICK
from bench.independent.phones import national
from bench.independent.places import ABBR
from bench.independent.source import Source, with_prob
from bench.independent.text import strip_accents

# tried in order, the first that applies is made
NAME_SWAPS = (
    ("Établissements", "Ets"),
    ("Ets", "Établissements"),
    ("Compagnie", "Cie"),
    ("Société", "Sté"),
    ("Saint", "St"),
    (" et ", " & "),
    (" & ", " et "),
    ("Frères", "Freres"),
    ("Groupe ", ""),
    ("Industries", "Ind."),
    ("Services", "Svcs"),
)


def typo(rng: random.Random, s: str) -> str:
    """One slip of the keyboard, never on the first letter, which people rarely miss."""
    idx = [i for i, c in enumerate(s) if c.isalpha()]
    if len(idx) < 4:
        return s
    i = rng.choice(idx[1:])
    op = rng.random()
    if op < 0.3:
        return s[:i] + rng.choice("aeioumnrst") + s[i + 1 :]
    if op < 0.55:
        return s[:i] + s[i + 1 :]
    if op < 0.8 and i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + s[i] + s[i:]


def duplicate_company(
    maker: CompanyMaker, i: int, dup_company_of: dict[str, str]
) -> dict[str, Any]:
    """A second record of company `i`; `dup_company_of` learns it, for contacts to point at."""
    g, r = maker.g, maker.g.rng
    src, meta = maker.records[i], maker.meta[i]
    d = dict(src)
    d["id"] = f"co{len(maker.records):07d}"
    edits = r.sample(range(10), r.choice([2, 3, 3, 4]))
    d["name"] = _company_name(r, src["name"], meta, edits, d)
    if 4 in edits or with_prob(r, 0.1):
        _company_identifiers(g, d)
    if 5 in edits or with_prob(r, 0.1):
        _company_website(r, d)
    if 6 in edits or with_prob(r, 0.25):
        digits = national(d["phone"])
        y = r.random()
        if y < 0.55 and digits:
            d["phone"] = g.fmt_phone(digits)
        elif y < 0.8:
            d["phone"] = ""
        else:
            d["phone"] = g.fmt_phone(g.phone(meta["zone"]))
    if 7 in edits or with_prob(r, 0.1):
        _company_street(g, d)
    if 8 in edits or with_prob(r, 0.1):
        _company_city(r, d)
    if 9 in edits:
        d["country"] = r.choice(["FR", "France", "", "fr"])
    dup_company_of[src["id"]] = d["id"]
    return d


def _company_name(
    r: random.Random, name: str, meta: dict[str, Any], edits: list[int], d: dict[str, Any]
) -> str:
    if 0 in edits or with_prob(r, 0.3):
        name = name.upper() if with_prob(r, 0.8) else name.title()
    if 1 in edits or with_prob(r, 0.25):
        form = meta["form"]
        base = meta["base"] if name.upper() != name else meta["base"].upper()
        y = r.random()
        if form and y < 0.35:
            name, d["legal_form"] = base, r.choice([form, ""])
        elif form and y < 0.7:
            name = f"{base} {r.choice(FORM_VARIANTS.get(form, [form]))}"
            d["legal_form"] = ""
        elif form:
            name = f"{form} {base}"
            d["legal_form"] = r.choice([form, ""])
    if 2 in edits:
        if meta.get("long") and with_prob(r, 0.7):
            acr = "".join(w[0].upper() for w in meta["long"] if w[0].isupper())
            name = acr if with_prob(r, 0.5) else f"{acr} ({name})"
        else:
            for a, b in NAME_SWAPS:
                if a in name:
                    name = name.replace(a, b)
                    break
            else:
                name = strip_accents(name)
    if 3 in edits and with_prob(r, 0.8):
        name = typo(r, name)
    return name


def _company_identifiers(g: Source, d: dict[str, Any]) -> None:
    r = g.rng
    y = r.random()
    if y < 0.5:
        d["siren"] = ""
        d["siret"] = "" if with_prob(r, 0.6) else d["siret"]
        d["vat_number"] = ""
    elif y < 0.75 and d["siren"]:
        s = d["siren"]
        d["siren"] = f"{s[:3]} {s[3:6]} {s[6:]}"
    elif d["siret"]:
        d["siren"] = ""
    elif d["siren"] and with_prob(r, 0.5):
        d["vat_number"] = g.vat(d["siren"])
        d["siren"] = ""


def _company_website(r: random.Random, d: dict[str, Any]) -> None:
    w = d["website"]
    if w and with_prob(r, 0.4):
        d["website"] = ""
    elif w:
        core = w.split("://")[-1].removeprefix("www.").rstrip("/")
        prefix = r.choice(["", "www.", "https://", "https://www.", "http://www."])
        d["website"] = prefix + core + r.choice(["", "/", "/contact"])


def _company_street(g: Source, d: dict[str, Any]) -> None:
    r = g.rng
    s = d["street"]
    y = r.random()
    if s and y < 0.6:
        for a, bs in ABBR.items():
            if a in s.split() or a in s:
                s = s.replace(a, r.choice(bs), 1)
        if with_prob(r, 0.3):
            s = s.upper()
        d["street"] = s
    elif y < 0.85:
        d["street"] = ""
    else:
        d["street"] = g.street()  # moved within the city


def _company_city(r: random.Random, d: dict[str, Any]) -> None:
    c = d["city"]
    y = r.random()
    if "Saint-" in c and y < 0.5:
        d["city"] = c.replace("Saint-", "St-" if with_prob(r, 0.5) else "St ")
    elif y < 0.5:
        d["city"] = strip_accents(c).upper()
    elif y < 0.75:
        d["postcode"] = ""
    elif c.startswith("Paris") and d["postcode"]:
        d["city"] = f"Paris {int(d['postcode'][-2:])}e"
    else:
        d["city"] = c.replace("-", " ")


def duplicate_contact(
    maker: ContactMaker, i: int, dup_company_of: dict[str, str]
) -> dict[str, Any]:
    """A second record of contact `i`, pointing at its company's duplicate now and then."""
    g, r = maker.g, maker.g.rng
    src, inf = maker.records[i], maker.info[i]
    d = dict(src)
    d["id"] = f"ct{len(maker.records):07d}"
    edits = set(r.sample(range(12), r.choice([2, 3, 3, 4])))
    first, last = _contact_name(g, src["first_name"], inf, edits)
    d["first_name"], d["last_name"] = first, last
    if with_prob(r, 0.04):  # the whole name typed in one field
        d["first_name"], d["last_name"] = (first + " " + last).upper(), ""
        if with_prob(r, 0.5):
            d["first_name"], d["last_name"] = "", f"{last} {first}"
    if 6 in edits or with_prob(r, 0.1):
        _contact_email(maker, src, inf, d)
    if 7 in edits or with_prob(r, 0.2):
        digits = national(src["phone"])
        y = r.random()
        if digits and y < 0.5:
            d["phone"] = g.fmt_phone(digits)
        elif y < 0.8:
            d["phone"] = ""
        elif with_prob(r, 0.5):
            d["phone"] = g.fmt_phone(g.mobile())
        else:
            d["phone"] = maker.companies[inf["co"]]["phone"] if inf["co"] is not None else ""
    if 8 in edits or with_prob(r, 0.2):
        job = src["job_title"]
        y = r.random()
        if job and job in JOB_SHORT and y < 0.4:
            d["job_title"] = JOB_SHORT[job]
        elif y < 0.6:
            d["job_title"] = r.choice(JOBS)
        else:
            d["job_title"] = ""
    if 9 in edits or with_prob(r, 0.08):
        _contact_company(maker, src, inf, d, dup_company_of)
    male = inf["gender"] == "m"
    if 10 in edits:
        d["civility"] = r.choice(["", "M." if male else "Madame", "Monsieur" if male else "Mme"])
    if 11 in edits:
        d["country"] = r.choice(["FR", "France", ""])
    return d


def _contact_name(g: Source, first: str, inf: dict[str, Any], edits: set[int]) -> tuple[str, str]:
    # from the undisplayed surname: the source record may show it upper-cased
    r, last = g.rng, inf["last"]
    if 0 in edits or with_prob(r, 0.25):
        last = last.upper()
    if 1 in edits or with_prob(r, 0.12):
        first, last = strip_accents(first), strip_accents(last)
    if 2 in edits:
        first, last = _respelt(r, first, last)
    if 3 in edits and with_prob(r, 0.4):
        first, last = last, first
    if 4 in edits:
        last = typo(r, last) if with_prob(r, 0.75) else last
        if with_prob(r, 0.25):
            first = typo(r, first)
    if 5 in edits and with_prob(r, 0.15) and inf["gender"] == "f":
        last = g.surname() if with_prob(r, 0.5) else f"{last}-{g.surname()}"  # married name
    return first, last


def _respelt(r: random.Random, first: str, last: str) -> tuple[str, str]:
    """A nickname, a compound first name cut or run together, a particle re-spelled."""
    if first in NICK and with_prob(r, 0.6):
        return NICK[first], last
    if "-" in first:
        a, b = first.split("-", 1)
        return r.choice(
            [f"{a} {b}", f"{a}-{b[0]}.", a, (a[0] + b[0]).upper(), f"{a}{b.lower()}"]
        ), last
    if " " in last or "'" in last or last.lower().startswith(("le ", "de ", "du ")):
        spellings = [last.replace(" ", ""), last.split(" ")[-1], last.upper(),
                     last.replace(" ", "-"), last.lower()]  # fmt: skip
        return first, r.choice(spellings)
    if "-" in last:
        return first, r.choice(last.split("-"))
    return typo(r, first), last


def _contact_email(
    maker: ContactMaker, src: dict[str, Any], inf: dict[str, Any], d: dict[str, Any]
) -> None:
    r = maker.g.rng
    e = src["email"]
    y = r.random()
    if e and y < 0.35:
        local, dom = e.split("@")
        dotted = ".".join(p.capitalize() for p in local.split("."))
        d["email"] = r.choice([e.upper(), local.title() + "@" + dom, dotted + "@" + dom.upper()])
    elif y < 0.65:
        d["email"] = ""
    elif y < 0.9:
        co = maker.companies[inf["co"]] if inf["co"] is not None else None
        d["email"] = maker.email(inf["first"], inf["last"], co, free=with_prob(r, 0.6))
    else:
        d["email"] = " " + e + " " if e else ""


def _contact_company(
    maker: ContactMaker,
    src: dict[str, Any],
    inf: dict[str, Any],
    d: dict[str, Any],
    dup_company_of: dict[str, str],
) -> None:
    r = maker.g.rng
    y = r.random()
    cid = src["company_id"]
    if cid and cid in dup_company_of and y < 0.5:
        d["company_id"] = dup_company_of[cid]
    elif y < 0.75:
        d["company_id"] = ""
    elif y < 0.85 and maker.companies:  # changed employer: keeps mobile / personal mail
        new = maker.pick_company()
        if new is not None:
            d["company_id"] = maker.companies[new]["id"]
            if "@" in d["email"] and d["email"].split("@")[1] not in FREE:
                d["email"] = maker.email(inf["first"], inf["last"], maker.companies[new])
