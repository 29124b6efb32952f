"""Pure validation cost per record: validate_contact / validate_company, no HTTP, no database.

Data: a seeded generator of varied French-first records — clean ones, typed in capitals, with
accents, email typos, disposable and role addresses, phones in every French habit, foreign
numbers, SIREN/SIRET/VAT (good, bad checksum, mismatched), legal forms in names, IDN
websites, postcodes with lost zeros — plus a slice of hostile ones (wrong types, 100k-char
strings, control and bidi characters, look-alikes). Each record is timed alone after a warm-up.

Target: well under 1 ms per record (the web-form budget is 20 ms end to end).

Run: python -m bench.validate_pure [--records 4000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Mapping

from app.validation import validate_company, validate_contact

FIRST = ["jean-pierre", "MARIE-ÉLISE", "Zoë", "françois", "Anne", "o'neil", "Ｊｅａｎ", "Éric"]
LAST = ["DUPONT", "de la fontaine", "Martin", "D'ORMESSON", "mcdonald", "Lefèvre", "Dupоnt"]
CIVILITY = ["M.", "Monsieur", "mme", "Mlle", "Dr", "", None, "Sa Majesté"]
DOMAINS = ["gmail.com", "gmial.com", "orange.frr", "dupont-industrie.fr", "yaho.fr", "café.fr"]
DOMAINS += ["mailinator.com", "hotmail.fr", "wanadoo.fe", "sncf.fr"]
LOCALS = ["jean.dupont", "contact", "no-reply", "Marie.Lefevre", "jérôme", "j.p"]
PHONES = ["06 12 34 56 78", "+33 (0)6 12 34 56 78", "0033612345678", "612345678"]
PHONES += ["01 23 45 67 89 poste 12", "+44 20 7946 0958", "0692 12 34 56", "06 12 AB 56 78"]
PHONES += ["Tél. : 09 51 23 45 67", "12"]
COUNTRIES = ["FR", "France", "fr", "FRA", "Belgique", "UK", "Allemagne", None, "Frnace"]
NAMES = ["DUPONT SAS", "SARL Dupont & Fils", "Société Générale", "IBM FRANCE", "SCI DU PARC"]
NAMES += ["boulangerie de la gare", "Müller GmbH", "Acme, Inc.", "Dupont S.A.R.L."]
SIRENS = ["732 829 320", "732829321", "356000000", "123", None]
SIRETS = ["732 829 320 00074", "35600000049837", "73282932000075", None]
VATS = ["FR 44 732 829 320", "FR40303265045", "DE 136 695 976", None]
SITES = ["HTTPS://WWW.Dupont.FR/contact?x=1", "dupont.fr", "xn--caf-dma.fr", "ftp://x.fr", None]
POSTCODES = [
    ("75001", "Paris"),
    ("1000", "Bourg-en-Bresse"),
    ("69003", "LYON"),
    ("20000", "Bastia"),
]
POSTCODES += [("98000", "Monaco"), ("sw1a1aa", "London")]
HOSTILE: list[object] = [42, ["x"], {"a": 1}, True, "x" * 100_000, "a\u202eb", "a\x00b", "\u200b"]


def _maybe(rng: random.Random, values: list, hostile_rate: float = 0.03) -> object:  # type: ignore[type-arg]
    if rng.random() < hostile_rate:
        return rng.choice(HOSTILE)
    return rng.choice(values)


def make_contact(rng: random.Random) -> dict[str, object]:
    return {
        "civility": _maybe(rng, CIVILITY),
        "first_name": _maybe(rng, FIRST),
        "last_name": _maybe(rng, LAST),
        "email": f"{rng.choice(LOCALS)}@{rng.choice(DOMAINS)}" if rng.random() < 0.9 else None,
        "phone": _maybe(rng, PHONES),
        "job_title": _maybe(rng, ["Directeur commercial", "  DAF\u00a0", "CEO", None]),
        "country": _maybe(rng, COUNTRIES),
        "lawful_basis": _maybe(rng, ["consent", "legitimate interests", "oops", None]),
        "collected_at": _maybe(rng, ["2024-03-01T10:00:00+01:00", "2024-03-01", None]),
    }


def make_company(rng: random.Random) -> dict[str, object]:
    postcode, city = rng.choice(POSTCODES)
    return {
        "name": _maybe(rng, NAMES),
        "legal_form": _maybe(rng, [None, None, "SAS", "s.a.r.l.", "Truc"]),
        "siren": _maybe(rng, SIRENS),
        "siret": _maybe(rng, SIRETS),
        "vat_number": _maybe(rng, VATS),
        "website": _maybe(rng, SITES),
        "phone": _maybe(rng, PHONES),
        "street": _maybe(rng, ["12, rue de la  Paix", "1 AVENUE DES CHAMPS-ÉLYSÉES", None]),
        "postcode": postcode,
        "city": city,
        "country": _maybe(rng, COUNTRIES),
        "sector": _maybe(rng, ["Transport", "BTP", None]),
    }


def _time(
    validate: Callable[[Mapping[str, object]], object], records: list[dict[str, object]]
) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU microseconds per record.

    On a shared machine the wall-clock tail is mostly the scheduler giving the core to someone
    else mid-call; the thread's CPU time is what the validation itself costs.
    """
    for record in records[:200]:  # warm-up: tables loaded, regexes compiled
        validate(record)
    wall, cpu = [], []
    for record in records:
        start_cpu, start = time.thread_time_ns(), time.perf_counter_ns()
        validate(record)
        wall.append((time.perf_counter_ns() - start) / 1000)
        cpu.append((time.thread_time_ns() - start_cpu) / 1000)
    return wall, cpu


def _row(label: str, timings: list[float]) -> str:
    ordered = sorted(timings)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))]

    median = statistics.median(ordered)
    return (
        f"| {label} | {len(ordered)} | {median:.0f} | {pct(0.95):.0f} | {pct(0.99):.0f} "
        f"| {ordered[-1]:.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    contacts = [make_contact(rng) for _ in range(args.records)]
    companies = [make_company(rng) for _ in range(args.records)]
    print("| function | clock | records | median µs | p95 µs | p99 µs | max µs |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, validate, records in (
        ("validate_contact", validate_contact, contacts),
        ("validate_company", validate_company, companies),
    ):
        wall, cpu = _time(validate, records)
        print(_row(f"{name} | wall", wall))
        print(_row(f"{name} | cpu", cpu))


if __name__ == "__main__":
    main()
