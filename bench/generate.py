"""Seeded generator of French B2B companies and contacts with ground truth for deduplication.

Realistic where matchers fail: Zipf-distributed surnames (many Martins, a long tail of rare
Breton or Alsatian ones), relatives and colleagues sharing a surname and a switchboard,
namesakes in one firm, companies named after a trade ("Boulangerie Martin", "Garage du
Centre"), legal forms, groups whose subsidiaries share a website ("X France", "X Services"),
establishments (same SIREN, other SIRET), valid SIREN/SIRET/VAT, +33 phones in every format,
personal, free-mail and generic (contact@) emails.

Each duplicate copies a record and applies one to three edits: typos, dropped accents, case,
swapped first/last names, nicknames, acronym for the full name, dotted or spaced acronym,
legal form added/removed, renamed company under the same SIREN, second email, reformatted
or other phone, missing fields. Every record carries `true_entity_id`.

Run: python -m bench.generate --companies 10000 --contacts 10000 --dup-rate 0.05 --seed 7 --out DIR
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import random
from pathlib import Path

from stdnum import luhn

from bench import generate_words as W
from bench.generate_edits import perturb_company, perturb_contact


def _zipf(n: int, s: float) -> list[float]:
    return [1.0 / (rank**s) for rank in range(1, n + 1)]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        # the long tail: a few hundred thousand rarer names, themselves Zipf-distributed
        self.rare_surnames = sorted({W.rare_surname(rng) for _ in range(400_000)})
        rng.shuffle(self.rare_surnames)
        self.rare_weights = list(itertools.accumulate(_zipf(len(self.rare_surnames), 0.5)))
        self.email_style: dict[str, int] = {}  # company id → its address pattern
        self.surname_weights = list(itertools.accumulate(_zipf(len(W.SURNAMES), 0.7)))
        self.city_weights = list(itertools.accumulate(_zipf(len(W.CITIES), 1.0)))
        self.first_weights = {
            gender: list(itertools.accumulate(_zipf(len(names), 0.5)))
            for gender, names in (("m", W.MALE), ("f", W.FEMALE))
        }
        self.used_domains: set[str] = set()
        self.used_sirens: set[str] = set()
        self.used_emails: set[str] = set()
        self.used_phones: set[str] = set()
        self.family: dict[str, str] = {}  # company id → surname of the family that runs it
        self.company_dups: dict[str, list[str]] = {}  # company id → ids of its duplicates

    # --- people -------------------------------------------------------------------------
    def surname(self) -> str:
        if self.rng.random() < 0.3:
            return self.rng.choices(W.SURNAMES, cum_weights=self.surname_weights)[0]
        return self.rng.choices(self.rare_surnames, cum_weights=self.rare_weights)[0]

    def first_name(self, gender: str) -> str:
        names = W.MALE if gender == "m" else W.FEMALE
        return self.rng.choices(names, cum_weights=self.first_weights[gender])[0]

    # --- identifiers and channels -------------------------------------------------------
    def siren(self) -> str:
        while True:
            body = str(self.rng.randint(10_000_000, 99_999_999))
            siren = body + luhn.calc_check_digit(body)
            if siren not in self.used_sirens:
                self.used_sirens.add(siren)
                return siren

    def siret(self, siren: str, nic: int) -> str:
        body = siren + f"{nic:04d}"
        return body + luhn.calc_check_digit(body)

    def unique_phone(self, first_digits: str) -> str:
        while True:
            number = first_digits + "".join(
                self.rng.choices("0123456789", k=10 - len(first_digits))
            )
            if number not in self.used_phones:
                self.used_phones.add(number)
                return number

    def landline(self, postcode: str) -> str:
        area = W.AREA_BY_DEPARTMENT.get(postcode[:2], "0" + self.rng.choice("12345"))
        return self.unique_phone(area + self.rng.choice("123456789"))

    def mobile(self) -> str:
        return self.unique_phone(self.rng.choice(("06", "073", "075", "076", "077", "078")))

    def domain_for(self, name: str) -> str:
        base = W.slug(name)[:30].strip("-") or "entreprise"
        tld = self.rng.choice((".fr", ".fr", ".com"))
        domain = base + tld
        while domain in self.used_domains:
            domain = f"{base}-{self.rng.choice(W.CITY_SLUGS)}{self.rng.randint(1, 99)}{tld}"
        self.used_domains.add(domain)
        return domain

    def place(self) -> tuple[str, str]:
        city, postcode = self.rng.choices(W.CITIES, cum_weights=self.city_weights)[0]
        if postcode.endswith("*"):  # big cities: one postcode per district
            postcode = postcode[:-1] + str(self.rng.randint(1, 9))
        return city, postcode

    def street(self) -> str:
        kind, name = self.rng.choice(W.STREET_TYPES), self.rng.choice(W.STREET_NAMES)
        return f"{self.rng.randint(1, 180)} {kind} {name}"

    # --- companies ----------------------------------------------------------------------
    def company(self, cid: int, name: str | None = None, **overrides: object) -> dict[str, object]:
        rng = self.rng
        if name is None:
            name, family = W.company_name(rng, self.surname)
            if family:
                self.family[f"co{cid:07d}"] = family
        city, postcode = self.place()
        siren = self.siren() if rng.random() < 0.65 else ""
        record: dict[str, object] = {
            "id": f"co{cid:07d}",
            "name": name,
            "legal_form": "",
            "siren": siren,
            "siret": self.siret(siren, rng.randint(1, 300)) if siren and rng.random() < 0.5 else "",
            "vat_number": W.vat(siren) if siren and rng.random() < 0.2 else "",
            "website": self.domain_for(name) if rng.random() < 0.7 else "",
            "phone": W.format_phone(rng, self.landline(postcode)) if rng.random() < 0.85 else "",
            "street": self.street() if rng.random() < 0.8 else "",
            "postcode": postcode if rng.random() < 0.9 else "",
            "city": city,
            "country": rng.choice(("FR", "France", "")),
        }
        form = rng.choices(W.LEGAL_FORMS, W.LEGAL_FORM_WEIGHTS)[0]
        if form and rng.random() < 0.5:
            record["name"] = f"{name} {form}"
        elif form:
            record["legal_form"] = form
        record.update(overrides)
        record["true_entity_id"] = record["id"]
        return record

    def companies(self, n: int, dup_rate: float) -> list[dict[str, object]]:
        rng = self.rng
        n_dups = int(n * dup_rate)
        records: list[dict[str, object]] = []
        while len(records) < n - n_dups:
            parent = self.company(len(records))
            records.append(parent)
            roll = rng.random()
            if roll < 0.04 and parent["siren"]:  # other establishments of the same company
                for _ in range(rng.randint(1, 2)):
                    records.append(self._establishment(parent, len(records)))
            elif roll < 0.07:  # a group: subsidiaries with their own SIREN, the group's site
                for branch in rng.sample(W.BRANCHES, rng.randint(1, 3)):
                    records.append(self._subsidiary(parent, branch, len(records)))
        del records[n - n_dups :]
        dups = self._duplicates(records, n_dups, perturb_company)
        for dup in dups:
            self.company_dups.setdefault(str(dup["true_entity_id"]), []).append(str(dup["id"]))
        return records + dups

    def _establishment(self, parent: dict[str, object], cid: int) -> dict[str, object]:
        siren = str(parent["siren"])
        return self.company(
            cid, name=str(parent["name"]), legal_form=parent["legal_form"], siren=siren,
            siret=self.siret(siren, self.rng.randint(301, 9000)), website=parent["website"],
        )  # fmt: skip

    def _subsidiary(self, parent: dict[str, object], branch: str, cid: int) -> dict[str, object]:
        base = W.strip_legal_form(str(parent["name"]))
        overrides = {"website": parent["website"]} if self.rng.random() < 0.7 else {}
        if self.rng.random() < 0.2:
            overrides["phone"] = parent["phone"]
        return self.company(cid, name=f"{base} {branch}", **overrides)

    def _duplicates(self, records, n_dups, perturb):
        rng = self.rng
        out: list[dict[str, object]] = []
        prefix = str(records[0]["id"])[:2]
        for i in range(n_dups):
            source = rng.choice(out) if out and rng.random() < 0.1 else rng.choice(records)
            dup = perturb(rng, dict(source), self)
            dup["id"] = f"{prefix}{len(records) + i:07d}"
            dup["true_entity_id"] = source["true_entity_id"]
            out.append(dup)
        return out

    # --- contacts -----------------------------------------------------------------------
    def contacts(
        self, n: int, dup_rate: float, companies: list[dict[str, object]]
    ) -> list[dict[str, object]]:
        rng = self.rng
        n_dups = int(n * dup_rate)
        originals = [c for c in companies if c["id"] == c["true_entity_id"]]
        sizes = list(itertools.accumulate(rng.paretovariate(1.3) for _ in originals))
        records: list[dict[str, object]] = []
        staff: dict[str, list[dict[str, object]]] = {}
        while len(records) < n - n_dups:
            company = rng.choices(originals, cum_weights=sizes)[0] if rng.random() < 0.92 else None
            colleagues = staff.setdefault(str(company["id"]), []) if company else []
            record = self.contact(len(records), company, colleagues)
            colleagues.append(record)
            records.append(record)
        return records + self._duplicates(records, n_dups, perturb_contact)

    def contact(
        self, pid: int, company: dict[str, object] | None, colleagues: list[dict[str, object]]
    ) -> dict[str, object]:
        rng = self.rng
        gender = rng.choice("mf")
        first, last = self.first_name(gender), self.surname()
        family = self.family.get(str(company["id"])) if company else None
        if colleagues and rng.random() < 0.003:  # a namesake in the same firm (father and son)
            elder = colleagues[-1]
            first, last = str(elder["first_name"]), str(elder["last_name"])
            gender = "m" if elder["civility"] in ("M.", "Monsieur", "M") else "f"
        elif family and len(colleagues) < 6 and rng.random() < 0.4:  # relatives in a family firm
            last = family
        phone = ""
        roll = rng.random()
        if company and company["phone"] and roll < 0.4:
            phone = str(company["phone"])  # the switchboard
        elif roll < 0.75:
            phone = W.format_phone(rng, self.mobile())
        elif company and roll < 0.85:
            phone = W.format_phone(rng, self.landline(str(company["postcode"]) or "75001"))
        return {
            "id": f"ct{pid:07d}",
            "civility": rng.choice(("M.", "Monsieur", "M"))
            if gender == "m"
            else rng.choice(("Mme", "Madame")),
            "first_name": first,
            "last_name": last,
            "email": self.email_for(first, last, company),
            "phone": phone,
            "job_title": rng.choice(W.JOB_TITLES),
            "company_id": company["id"] if company else "",
            "country": "FR",
            "true_entity_id": f"ct{pid:07d}",
        }

    def email_for(self, first: str, last: str, company: dict[str, object] | None) -> str:
        rng = self.rng
        domain = str(company["website"]) if company else ""
        roll = rng.random()
        if domain and roll < 0.1:
            return rng.choice(W.ROLE_MAILBOXES) + "@" + domain
        if domain and roll < 0.8:
            style = self.email_style.setdefault(
                str(company["id"]) if company else "", rng.randrange(W.COMPANY_EMAIL_STYLES)
            )
            return self.unique_email(W.local_part(rng, first, last, style=style), domain)
        if roll < 0.9 or not domain:
            if rng.random() < 0.35:
                return ""
            local = W.local_part(rng, first, last)
            return self.unique_email(local, rng.choice(W.FREE_MAIL))
        return ""

    def unique_email(self, local: str, domain: str) -> str:
        address = f"{local}@{domain}"
        while address in self.used_emails:
            address = f"{local}{self.rng.randint(2, 999)}@{domain}"
        self.used_emails.add(address)
        return address


def write(path: Path, records: list[dict[str, object]], fmt: str) -> None:
    if fmt == "jsonl":
        with path.with_suffix(".jsonl").open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    with path.with_suffix(".csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def generate(
    companies: int, contacts: int, dup_rate: float, seed: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    gen = Generator(seed)
    company_records = gen.companies(companies, dup_rate)
    return company_records, gen.contacts(contacts, dup_rate, company_records)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--dup-rate", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    company_records, contact_records = generate(
        args.companies, args.contacts, args.dup_rate, args.seed
    )
    write(args.out / "companies", company_records, args.format)
    write(args.out / "contacts", contact_records, args.format)
    print(f"{len(company_records)} companies, {len(contact_records)} contacts → {args.out}")


if __name__ == "__main__":
    main()
