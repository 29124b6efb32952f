"""Contacts: people at a company (big accounts get many), some without one; family businesses
and colleagues sharing a switchboard or a role mailbox are the hard negatives made here."""

from __future__ import annotations

from typing import Any

from bench.independent.people import FREE, JOBS, ROLES
from bench.independent.phones import national
from bench.independent.source import Source, with_prob, zipf_cum
from bench.independent.text import slug


class ContactMaker:
    def __init__(
        self, source: Source, companies: list[dict[str, Any]], meta: list[dict[str, Any]]
    ) -> None:
        self.g = source
        self.companies = companies
        self.meta = meta
        self.records: list[dict[str, Any]] = []
        # per record, the name before display edits, gender and company index
        self.info: list[dict[str, Any]] = []
        self.co_cum = zipf_cum(len(companies), 0.6) if companies else []
        # popularity is drawn by rank; shuffled so the big accounts are not the first firms
        self.order = list(range(len(companies)))
        source.rng.shuffle(self.order)
        self.co_pattern: dict[str, int] = {}  # one address pattern per company domain
        self.used_mail: set[str] = set()
        self.family_done: set[int] = set()

    def domain_of(self, co: dict[str, Any]) -> str:
        w = co["website"]
        if not w or "facebook" in w:
            return ""
        return w.split("://")[-1].removeprefix("www.").split("/")[0]

    def email(
        self, first: str, last: str, co: dict[str, Any] | None, free: bool | None = None
    ) -> str:
        e = self._email(first, last, co, free)
        if e and e in self.used_mail:  # mailboxes are unique: IT or the provider adds a suffix
            local, dom = e.split("@")
            f, surname = slug(first, "-"), slug(last, "")
            suffixed = (f"{local}2", f"{local}3", f"{local}{self.g.rng.randint(4, 999)}")
            for alt in (f"{f}.{surname}", f"{f[0]}.{surname}", *suffixed):
                if f"{alt}@{dom}" not in self.used_mail:
                    e = f"{alt}@{dom}"
                    break
        if e:
            self.used_mail.add(e)
        return e

    def _email(
        self, first: str, last: str, co: dict[str, Any] | None, free: bool | None = None
    ) -> str:
        r = self.g.rng
        f, surname = slug(first, "-"), slug(last, "")
        fi = "".join(p[0] for p in f.split("-"))
        dom = self.domain_of(co) if co else ""
        if dom and not free:
            weights = [50, 20, 8, 8, 7, 7]
            pat = self.co_pattern.setdefault(co["id"], r.choices(range(6), weights)[0])
            local = [f"{f}.{surname}", f"{fi}.{surname}", f"{fi}{surname}", surname, f,
                     f"{surname}.{f}"][pat]  # fmt: skip
            if with_prob(r, 0.05):
                local = f.replace("-", "") + "." + surname
            return local + "@" + dom
        if free is False and not dom:
            return ""
        dom = r.choice(FREE)
        local = r.choice(
            [
                f"{f}.{surname}",
                f"{f}{surname}",
                f"{f}.{surname}{r.randint(1, 99)}",
                f"{surname}.{f}",
                f"{fi}{surname}{r.randint(1, 999)}",
                f"{f}{r.randint(50, 99)}",
            ]
        )
        return local + "@" + dom

    def person(
        self,
        co_idx: int | None,
        *,
        last: str | None = None,
        first: str | None = None,
        gender: str | None = None,
        phone: str | None = None,
        email: str | None = None,
    ) -> dict[str, Any]:
        g, r = self.g, self.g.rng
        gender = gender or r.choice("mf")
        first = first or g.first(gender)
        last = last or g.surname()
        co = self.companies[co_idx] if co_idx is not None else None
        if email is None:
            email = self._first_email(first, last, co)
        if phone is None:
            phone = self._first_phone(co_idx, co)
        last_disp = last.upper() if with_prob(r, 0.25) else last
        pid = len(self.records)
        civility = ""
        if with_prob(r, 0.8):
            if gender == "m":
                civility = r.choice(["M.", "M.", "Monsieur", "M", "Mr"])
            else:
                civility = r.choice(["Mme", "Mme", "Madame", "Mlle", "Mme."])
        rec = {
            "id": f"ct{pid:07d}",
            "civility": civility,
            "first_name": first,
            "last_name": last_disp,
            "email": email,
            "phone": phone,
            "job_title": r.choice(JOBS) if with_prob(r, 0.75) else "",
            "company_id": co["id"] if co is not None else "",
            "country": r.choices(["FR", "France", ""], [60, 15, 25])[0],
            "true_entity_id": f"ct{pid:07d}",
        }
        self.records.append(rec)
        self.info.append({"first": first, "last": last, "gender": gender, "co": co_idx})
        return rec

    def _first_email(self, first: str, last: str, co: dict[str, Any] | None) -> str:
        r = self.g.rng
        y = r.random()
        if co is not None and y < 0.65:
            return self.email(first, last, co)
        if y < 0.8:
            return self.email(first, last, None, free=True)
        if y < 0.85 and co is not None and self.domain_of(co):
            return r.choice(ROLES) + "@" + self.domain_of(co)
        return ""

    def _first_phone(self, co_idx: int | None, co: dict[str, Any] | None) -> str:
        g, r = self.g, self.g.rng
        y = r.random()
        if y < 0.45:
            return g.fmt_phone(g.mobile())
        if y < 0.7 and co is not None and co["phone"]:
            if with_prob(r, 0.6) or not national(co["phone"]):
                return co["phone"]
            # a direct line in the switchboard's block
            return g.fmt_phone(national(co["phone"])[:6] + f"{r.randint(0, 9999):04d}")
        if y < 0.8:
            return g.fmt_phone(g.phone(self.meta[co_idx]["zone"] if co_idx is not None else "1"))
        return ""

    def pick_company(self) -> int | None:
        if not self.companies or with_prob(self.g.rng, 0.08):
            return None
        k = self.g.rng.choices(range(len(self.companies)), cum_weights=self.co_cum)[0]
        return self.order[k]

    def make(self, n: int) -> None:
        r = self.g.rng
        while len(self.records) < n:
            co = self.pick_company()
            rec = self.person(co)
            x = r.random()
            owner = self.meta[co].get("owner") if co is not None else None
            if owner and co not in self.family_done and x < 0.35 and len(self.records) < n:
                self._family(co, owner, n)
            elif co is not None and x < 0.03 and len(self.records) < n:
                # colleagues sharing the switchboard and a role mailbox
                dom = self.domain_of(self.companies[co])
                if dom:
                    rec["email"] = f"{r.choice(ROLES)}@{dom}"
                    self.person(co, phone=self.companies[co]["phone"], email=rec["email"])

    def _family(self, co: int, owner: str, n: int) -> None:
        """Once per family business, its contact becomes the owner and 1-2 relatives, who share
        the surname and the switchboard (the owner's mobile when the firm has no line)."""
        r = self.g.rng
        self.family_done.add(co)
        self.records.pop()
        self.info.pop()
        ph = self.companies[co]["phone"]
        head = self.person(co, last=owner, phone=ph or None)
        head_gender = self.info[-1]["gender"]
        for _ in range(r.choice([1, 1, 2])):
            if len(self.records) >= n:
                break
            same_first = with_prob(r, 0.08)  # father and son, both "Jean"
            self.person(
                co,
                last=owner,
                phone=ph if ph and with_prob(r, 0.7) else None,
                first=head["first_name"] if same_first else None,
                gender=head_gender if same_first else None,
                email="" if with_prob(r, 0.4) else None,
            )
