"""Splink 4 (DuckDB backend) deduplication of generated records, as its documentation teaches.

Written as a competent Splink user would from the tutorials, never tuned on the generated
truth: fold the text (lower case, no accents, no punctuation), E.164 phones, lower-cased
emails, a short list of French legal forms stripped from company names; comparisons from
`splink.comparison_library` with term-frequency adjustments on names and shared values;
several blocking rules; λ from deterministic rules at an assumed recall of 0.7, u by random
sampling, m by expectation maximisation on two blocking rules; then `predict`.

`run` mirrors `bench.dedup_accuracy.run`: the same generated records, the same pairwise
metrics (recall over every true pair), wall time from raw records to predicted pairs.
"""

from __future__ import annotations

import re
import resource
import time
import unicodedata
from collections import Counter
from typing import Any

import pandas as pd
import phonenumbers
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import cumulative_comparisons_to_be_scored_from_blocking_rules_data

from bench.datasets import DATA

LOOSE, STRICT = 0.5, 0.9  # match_probability thresholds reported
U_SAMPLE_PAIRS = 1e7  # the docs: "1e7 (ten million) is often adequate"
ASSUMED_RECALL = 0.7  # of the deterministic rules, as in the docs' examples

# after folding; multi-word forms first so "societe anonyme" goes before a lone "sa"
_LEGAL_FORMS = re.compile(
    r"\b(societe par actions simplifiee( unipersonnelle)?|societe a responsabilite limitee"
    r"|entreprise unipersonnelle a responsabilite limitee|societe anonyme"
    r"|societe civile immobiliere|societe en nom collectif"
    r"|sasu|sas|sarl|eurl|sa|sci|snc|selarl|scop|eirl|ei)\b"
)
# shared mailboxes say where someone works, not who they are: no email evidence
_ROLE_MAILBOXES = frozenset(
    ("accueil", "admin", "bonjour", "commercial", "compta", "comptabilite", "contact",
     "direction", "facturation", "hello", "info", "infos", "office", "rh", "secretariat",
     "service", "support", "vente", "ventes")
)  # fmt: skip
_SINGLE_LETTERS = re.compile(r"\b(?:[a-z] )+[a-z]\b")  # "s a r l" → "sarl", "i b m" → "ibm"


def fold(value: object) -> str | None:
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    text = text.lower().replace(".", "")  # "S.A.S." → "sas", "J.M." → "jm"
    text = " ".join(re.findall(r"[a-z0-9]+", text))
    text = _SINGLE_LETTERS.sub(lambda m: m.group(0).replace(" ", ""), text)
    return text or None


def company_name(value: object) -> str | None:
    name = fold(value)
    if name is None:
        return None
    stripped = " ".join(_LEGAL_FORMS.sub(" ", name).split())
    return stripped or name


def e164(value: object) -> str | None:
    try:
        number = phonenumbers.parse(str(value or ""), "FR")
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def digits(value: object, length: int) -> str | None:
    found = re.sub(r"\D", "", str(value or ""))
    return found if len(found) == length else None


def domain(value: object) -> str | None:
    host = re.sub(r"^[a-z]+://", "", str(value or "").strip().lower()).split("/")[0]
    return host.removeprefix("www.") or None


def personal_email(value: object) -> str | None:
    address = str(value or "").strip().lower()
    if "@" not in address or address.partition("@")[0] in _ROLE_MAILBOXES:
        return None
    return address


def company_row(r: dict[str, Any]) -> dict[str, Any]:
    siret = digits(r["siret"], 14)
    vat = digits(r["vat_number"], 11)  # FR + 2 check digits + SIREN
    siren = digits(r["siren"], 9) or (siret[:9] if siret else None) or (vat[2:] if vat else None)
    city = fold(r["city"])
    return {
        "id": r["id"],
        "name": company_name(r["name"]),
        "siren": siren,
        "siret": siret,
        "domain": domain(r["website"]),
        "phone": e164(r["phone"]),
        "street": fold(r["street"]),
        "postcode": digits(r["postcode"], 5),
        "city": city.removesuffix(" cedex") if city else None,
    }


def contact_row(r: dict[str, Any]) -> dict[str, Any]:
    first, last = fold(r["first_name"]), fold(r["last_name"])
    return {
        "id": r["id"],
        "first_name": first,
        "last_name": last,
        "full_name": f"{first} {last}" if first and last else None,
        "email": personal_email(r["email"]),
        "phone": e164(r["phone"]),
        "company_id": r["company_id"] or None,
        "job_title": fold(r["job_title"]),
    }


def _tf(column: str) -> Any:
    return cl.ExactMatch(column).configure(term_frequency_adjustments=True)


# entity → (row builder, comparisons, prediction blocking rules, deterministic rules, EM rules)
MODELS: dict[str, tuple[Any, ...]] = {
    "companies": (
        company_row,
        [
            cl.JaroWinklerAtThresholds("name", [0.92, 0.8]).configure(
                term_frequency_adjustments=True
            ),
            _tf("siren"),
            cl.ExactMatch("siret"),
            _tf("domain"),
            _tf("phone"),
            cl.JaroWinklerAtThresholds("street", [0.9]),
            # postcode and city say the same thing: one comparison, not two (the docs warn)
            cl.CustomComparison(
                output_column_name="place",
                comparison_levels=[
                    cll.And(cll.NullLevel("postcode"), cll.NullLevel("city")),
                    cll.ExactMatchLevel("postcode").configure(tf_adjustment_column="postcode"),
                    cll.ExactMatchLevel("city"),
                    cll.ElseLevel(),
                ],
            ),
        ],
        [
            block_on("siren"),
            block_on("domain"),
            block_on("phone"),
            block_on("name"),
            block_on("substr(name, 1, 4)", "postcode"),
            block_on("street", "postcode"),
        ],
        [block_on("siret"), block_on("name", "postcode")],
        [block_on("name"), block_on("siren")],
    ),
    "contacts": (
        contact_row,
        [
            cl.ForenameSurnameComparison(
                "first_name", "last_name", forename_surname_concat_col_name="full_name"
            ),
            cl.EmailComparison("email"),
            _tf("phone"),
            _tf("company_id"),
            _tf("job_title"),
        ],
        [
            block_on("email"),
            block_on("phone"),
            block_on("last_name", "substr(first_name, 1, 1)"),
            block_on("first_name", "company_id"),
            "l.first_name = r.last_name and l.last_name = r.first_name",  # swapped names
        ],
        [block_on("email"), block_on("first_name", "last_name", "company_id")],
        [block_on("email"), block_on("first_name", "last_name")],
    ),
}


def train(rows: list[dict[str, Any]], entity: str, threads: int | None, u_pairs: float) -> Linker:
    """λ from deterministic rules, u by random sampling, m by EM: the tutorials' sequence."""
    _, comparisons, blocking, deterministic, em_rules = MODELS[entity]
    db_api = DuckDBAPI()
    db_api._con.execute("SET enable_progress_bar = false")
    if threads:  # DuckDB's default is one thread per core
        db_api._con.execute(f"SET threads = {int(threads)}")
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
    )
    linker = Linker(pd.DataFrame(rows), settings, db_api, set_up_basic_logging=False)
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=ASSUMED_RECALL
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=1)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    return linker


def pairs_compared(rows: list[dict[str, Any]], entity: str) -> int:
    """Distinct pairs the prediction rules generate (counted apart, outside the timing)."""
    counts = cumulative_comparisons_to_be_scored_from_blocking_rules_data(
        table_or_tables=pd.DataFrame(rows),
        blocking_rules=MODELS[entity][2],
        link_type="dedupe_only",
        db_api=DuckDBAPI(),
        unique_id_column_name="id",
    )
    return int(counts["row_count"].sum())


def _metrics(correct: int, predicted: int, truth: int) -> tuple[float, float, float]:
    p = correct / predicted if predicted else 1.0
    r = correct / truth if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(
    entity: str,
    n: int,
    dup_rate: float,
    seed: int,
    threads: int | None = None,
    u_pairs: float = U_SAMPLE_PAIRS,
    data: str = "generated",
) -> dict:
    companies, contacts = DATA[data](n, n, dup_rate, seed)
    records = companies if entity == "companies" else contacts
    truth_of = {r["id"]: r["true_entity_id"] for r in records}
    started = time.perf_counter()
    rows = [MODELS[entity][0](r) for r in records]  # ground truth never reaches Splink
    linker = train(rows, entity, threads, u_pairs)
    trained = time.perf_counter()
    predicted = linker.inference.predict(threshold_match_probability=LOOSE)
    pairs = predicted.as_pandas_dataframe()[["id_l", "id_r", "match_probability"]]
    elapsed = time.perf_counter() - started
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    sizes = Counter(truth_of.values())
    truth_pairs = sum(k * (k - 1) // 2 for k in sizes.values())
    loose = strict = loose_ok = strict_ok = 0
    for a, b, probability in pairs.itertuples(index=False):
        same = truth_of[a] == truth_of[b]
        loose, loose_ok = loose + 1, loose_ok + same
        if probability >= STRICT:
            strict, strict_ok = strict + 1, strict_ok + same
    return {
        "entity": entity,
        "n": len(records),
        "compared": pairs_compared(rows, entity),
        "loose": _metrics(loose_ok, loose, truth_pairs),
        "strict": _metrics(strict_ok, strict, truth_pairs),
        "seconds": elapsed,
        "train_seconds": trained - started,
        "rss_mb": rss_mb,
    }
