"""Companies: lone firms, family businesses with their SCI, groups with establishments and
subsidiaries; the hard negatives are built here, the duplicates in `edits`."""

from __future__ import annotations

import string
from typing import Any

from bench.independent.company_names import (
    BRAND_A,
    BRAND_B,
    FORMS,
    GENERIC_SHOPS,
    LONG_WORDS,
    REGIONS,
    SECTORS,
    TRADES,
)
from bench.independent.source import Source, with_prob
from bench.independent.text import slug

FAMILY_SUFFIXES = ["et Fils", "& Fils", "Frères", "Père et Fils"]
LONG_NAME_REGIONS = ["du Centre", "de l'Ouest", "Rhône-Alpes", "Normandie"]
ESTABLISHMENT_SUFFIXES = ["Lyon", "Nord", "Agence de Nantes", "Usine de Cholet", "Site de Blagnac"]


class CompanyMaker:
    def __init__(self, source: Source) -> None:
        self.g = source
        self.records: list[dict[str, Any]] = []
        # per record, what its duplicates and contacts draw on: bare name, words of a long
        # name, legal form, phone zone, and the owner's surname for a family business
        self.meta: list[dict[str, Any]] = []

    def _rec(
        self,
        name: str,
        *,
        siren: str | None = None,
        nic: int | None = None,
        website: str | None = None,
        place: tuple[str, str, str] | None = None,
        form: str | None = None,
        street: str | None = None,
        phone: str | None = None,
        long_words: list[str] | None = None,
        small: bool = False,
    ) -> dict[str, Any]:
        g, r = self.g, self.g.rng
        cid = len(self.records)
        city, postcode, zone = place or g.place()
        if form is None:
            form = r.choices([f for f, _ in FORMS], [w for _, w in FORMS])[0]
        if siren is None:
            siren = g.siren() if with_prob(r, 0.7) else ""
        siret = ""
        if siren and (nic is not None or with_prob(r, 0.45)):
            siret = g.siret(siren, nic if nic is not None else r.choice([1, 1, 1, 2, 3, 4, 12, 21]))
        if website is None:
            website = self._website(name, city, small)
        if phone is None:
            phone = ""
            if with_prob(r, 0.85):
                phone = g.fmt_phone(g.mobile() if small and with_prob(r, 0.15) else g.phone(zone))
        rec = {
            "id": f"co{cid:07d}",
            "name": name,
            "legal_form": "",
            "siren": siren,
            "siret": siret,
            "vat_number": g.vat(siren) if siren and with_prob(r, 0.25) else "",
            "website": website,
            "phone": phone,
            "street": street if street is not None else (g.street() if with_prob(r, 0.82) else ""),
            "postcode": postcode if with_prob(r, 0.92) else "",
            "city": city if with_prob(r, 0.85) else city.upper(),
            "country": r.choices(["FR", "France", "", "FRANCE"], [50, 25, 20, 5])[0],
            "true_entity_id": f"co{cid:07d}",
        }
        if form:
            x = r.random()
            if x < 0.35:
                rec["legal_form"] = form
            elif x < 0.55:
                rec["name"] = f"{name} {form}"
            elif x < 0.65:
                rec["name"] = f"{form} {name}"
            elif x < 0.72:
                rec["name"] = f"{name} ({form})"
        if with_prob(r, 0.12):
            rec["name"] = rec["name"].upper()
        self.records.append(rec)
        self.meta.append({"base": name, "long": long_words, "form": form, "zone": zone})
        return rec

    def _website(self, name: str, city: str, small: bool) -> str:
        g, r = self.g, self.g.rng
        if not with_prob(r, 0.35 if small else 0.8):
            return ""
        root = slug(name, "-" if with_prob(r, 0.4) else "")
        if small and with_prob(r, 0.12):
            return "https://www.facebook.com/" + slug(name)
        root = root[:30]
        # two firms of one name: the second takes its town into the domain, later ones a number
        taken = g.used_domains.get(root, 0)
        g.used_domains[root] = taken + 1
        if taken:
            root = f"{root}-{slug(city)}" if taken == 1 else f"{root}{taken}"
        prefix = r.choice(["www.", "www.", "https://www.", "http://", ""])
        return prefix + root + r.choice([".fr", ".fr", ".com", ".fr", ".eu"])

    def one_family(self) -> None:
        """One 'family' of entities: a lone firm, or a group, establishments, holding..."""
        x = self.g.rng.random()
        if x < 0.30:
            self._family_business()
        elif x < 0.35:
            self._rec(self.g.rng.choice(GENERIC_SHOPS), small=True)
        elif x < 0.46:
            self._long_name()
        elif x < 0.58:
            self._acronym_firm()
        else:
            self._brand()

    def _family_business(self) -> None:
        """A trade and a surname, sometimes with the owner's SCI at the same address."""
        g, r = self.g, self.g.rng
        owner = g.surname()
        pat = r.random()
        trade = r.choice(TRADES)
        if pat < 0.5:
            name = f"{trade} {owner}"
        elif pat < 0.65:
            name = f"{r.choice(['Établissements', 'Ets'])} {owner}"
        elif pat < 0.8:
            name = f"{owner} {r.choice(FAMILY_SUFFIXES)}"
        elif pat < 0.9:
            name = f"{trade} {owner} {r.choice(['et Fils', 'Frères'])}"
        else:
            name = f"{trade} {g.first(r.choice('mf'))} {owner}"
        rec = self._rec(name, small=True)
        self.meta[-1]["owner"] = owner
        if with_prob(r, 0.05):
            self._rec(
                f"SCI {owner}" if with_prob(r, 0.6) else f"{owner} Holding",
                form="",
                place=(rec["city"].title(), rec["postcode"] or "75001", self.meta[-1]["zone"]),
                street=rec["street"],
                phone=rec["phone"],
                website="",
            )

    def _long_name(self) -> None:
        """A long official name, which duplicates may shorten to its acronym."""
        r = self.g.rng
        words = r.choice(LONG_WORDS)
        name = " ".join(words).replace("' ", "'")
        if with_prob(r, 0.4):
            name += " " + r.choice(LONG_NAME_REGIONS)
        self._rec(name, long_words=words)

    def _acronym_firm(self) -> None:
        r = self.g.rng
        acr = "".join(r.choices(string.ascii_uppercase, k=r.choice([2, 3, 3, 4, 4, 5])))
        self._rec(acr if with_prob(r, 0.5) else f"{acr} {r.choice(SECTORS)}")

    def _brand(self) -> None:
        """A brand, sometimes a group with establishments and subsidiaries."""
        r = self.g.rng
        brand = r.choice(BRAND_A) + r.choice(BRAND_B)
        brand = brand[0] + brand[1:].lower()
        pat = r.random()
        if pat < 0.45:
            name = brand
        elif pat < 0.75:
            name = f"{brand} {r.choice(SECTORS)}"
        elif pat < 0.88:
            name = f"Groupe {brand}"
        else:
            name = f"{r.choice(['Cabinet', 'Atelier', 'Studio'])} {brand}"
        head = self._rec(name)
        if with_prob(r, 0.12) and head["siren"]:  # establishments: same SIREN, own SIRET
            for k in range(r.choice([1, 1, 2, 3, 5])):
                self._rec(
                    name if with_prob(r, 0.6) else f"{name} {r.choice(ESTABLISHMENT_SUFFIXES)}",
                    siren=head["siren"],
                    nic=10 + 7 * (k + 1),
                    website=head["website"] if with_prob(r, 0.7) else "",
                    form=self.meta[-1]["form"],
                )
        if with_prob(r, 0.06):  # subsidiaries: another SIREN
            for _ in range(r.choice([1, 1, 2])):
                self._rec(
                    f"{brand} {r.choice(REGIONS)}",
                    website=head["website"] if with_prob(r, 0.3) else None,
                )
