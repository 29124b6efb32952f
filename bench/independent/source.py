"""The seeded source every record draws from: names, identifiers, phones and addresses.

It also remembers what it handed out, so SIRENs, phone lines and web domains stay unique.
"""

from __future__ import annotations

import random
import string

from stdnum import luhn

from bench.independent.people import FEMALE, MALE, RARE_PARTICLE, SURNAMES, SYL1, SYL2, SYL3
from bench.independent.phones import valid_fr
from bench.independent.places import CITIES, STREET_NAMES, STREET_TYPES

ZONE_STREETS = ["des Estroublans", "du Moulin", "de la Plaine", "Nord", "des Grands Champs"]


def with_prob(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def zipf_cum(n: int, s: float) -> list[float]:
    """Cumulative weights of ranks 1..n under Zipf's law with exponent `s`."""
    out, tot = [], 0.0
    for rank in range(1, n + 1):
        tot += 1.0 / rank**s
        out.append(tot)
    return out


class Source:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.sur_cum = zipf_cum(len(SURNAMES), 0.6)
        # sorted first: a set's order changes with the hash seed, the draws must not
        self.rare = sorted({a + b + c for a in SYL1 for b in SYL2 for c in SYL3})
        self.rng.shuffle(self.rare)
        self.rare_cum = zipf_cum(len(self.rare), 0.3)
        self.male_cum = zipf_cum(len(MALE), 0.6)
        self.fem_cum = zipf_cum(len(FEMALE), 0.6)
        self.city_cum = zipf_cum(len(CITIES), 0.8)
        self.used_siren: set[str] = set()
        self.used_phone: set[str] = set()
        self.used_domains: dict[str, int] = {}

    def surname(self) -> str:
        x = self.rng.random()
        if x < 0.16:
            return self.rng.choices(SURNAMES, cum_weights=self.sur_cum)[0]
        if x < 0.175:
            return self.rng.choice(RARE_PARTICLE)
        if x < 0.19:  # double-barrelled
            return self.rng.choice(SURNAMES[:80]) + "-" + self.rng.choice(SURNAMES)
        return self.rng.choices(self.rare, cum_weights=self.rare_cum)[0]

    def first(self, gender: str) -> str:
        if gender == "m":
            return self.rng.choices(MALE, cum_weights=self.male_cum)[0]
        return self.rng.choices(FEMALE, cum_weights=self.fem_cum)[0]

    def siren(self) -> str:
        while True:
            body = self.rng.choice("345789") + "".join(self.rng.choices(string.digits, k=7))
            s = body + luhn.calc_check_digit(body)
            if s not in self.used_siren:
                self.used_siren.add(s)
                return s

    def siret(self, siren: str, nic: int) -> str:
        body = siren + f"{nic:04d}"
        return body + luhn.calc_check_digit(body)

    @staticmethod
    def vat(siren: str) -> str:
        return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"

    def phone(self, zone: str) -> str:
        """10 national digits in an allocated metropolitan range, never handed out before."""
        while True:
            p = "0" + zone + "".join(self.rng.choices(string.digits, k=8))
            if p not in self.used_phone and valid_fr(p):
                self.used_phone.add(p)
                return p

    def mobile(self) -> str:
        """06, or 073-079: 070-072 are not mobile ranges."""
        if self.rng.random() < 0.7:
            return self.phone("6")
        while True:
            p = "07" + self.rng.choice("3456789") + "".join(self.rng.choices(string.digits, k=7))
            if p not in self.used_phone and valid_fr(p):
                self.used_phone.add(p)
                return p

    def fmt_phone(self, p: str, style: int | None = None) -> str:
        if not p:
            return ""
        if style is None:
            style = self.rng.choices(range(9), [40, 12, 15, 8, 6, 5, 5, 5, 4])[0]
        pairs = [p[i : i + 2] for i in range(0, 10, 2)]
        rest = " ".join(pairs[1:])
        return [
            " ".join(pairs),
            ".".join(pairs),
            p,
            f"+33 {p[1]} {rest}",
            "+33" + p[1:],
            f"+33 (0){p[1]} {rest}",
            f"0033 {p[1]} {rest}",
            "-".join(pairs),
            "+33 " + p[1:],
        ][style]

    def place(self) -> tuple[str, str, str]:
        city, codes, zone = self.rng.choices(CITIES, cum_weights=self.city_cum)[0]
        return city, self.rng.choice(codes), zone

    def street(self) -> str:
        r = self.rng
        kind = r.choices([k for k, _ in STREET_TYPES], [w for _, w in STREET_TYPES])[0]
        num = str(r.randint(1, 220)) + (
            r.choice([" bis", " ter", "B"]) if r.random() < 0.05 else ""
        )
        name = r.choice(STREET_NAMES)
        if kind in ("ZI", "ZA"):
            s = f"{kind} {r.choice(ZONE_STREETS)}"
            return s + (f", {num} rue {name}" if r.random() < 0.5 else "")
        s = f"{num} {kind} {name}"
        x = r.random()
        if x < 0.05:
            s = f"Bâtiment {r.choice('ABCD')}, {s}"
        elif x < 0.09:
            s = f"{s} CS {r.randint(10000, 99999)}"
        elif x < 0.12:
            s = f"{s}, BP {r.randint(1, 999)}"
        return s
