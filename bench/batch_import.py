"""Importing records through the API, as an integration script does: `POST /v1/{…}/batch`.

Generates N contacts and N/10 companies (`bench.generate`, duplicates included), starts the
API and one `crm-dq worker` on a fresh base (or DATABASE_URL), then posts the companies and
the contacts in batches of 1,000 rows (`per_row`, no business key: every valid row is
created), the contacts pointing at the companies just created. Every row goes the whole
create path: validation, suppression list, duplicate rule, quality score, matching keys,
audit event, outbox event, consent history.

`--rules` sets `CRMDQ_DUPLICATE_RULES` for the run: `{"contact": {"script": "allow"},
"company": {"script": "allow"}}` measures an initial load that skips the duplicate lookup
(a scan afterwards finds the pairs). Prints one row per entity: rows per second over the
whole import, and the median, p95 and p99 of a batch's response time. Meanwhile a second
client creates one contact a second (`POST /v1/contacts`, as a web form does) and the
response times of those creates are printed too: what a form's user waits during an import.

Run: python -m bench.batch_import --contacts 10000 [--rules '{…}']
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import threading
import time
from collections import Counter
from typing import Any

import httpx

from bench.dedup_lookup import COMPANY_FIELDS, CONTACT_FIELDS, companies_beside, pct
from bench.generate import generate
from bench.server import api_with_worker, migrated_database

BATCH = 1_000
HEADER = (
    "| entity | duplicate rule (script) | rows | created | rejected | rows/s "
    "| batch median s | batch p95 s | batch p99 s |\n|---|---|---|---|---|---|---|---|---|"
)


def post_all(
    api: httpx.Client, path: str, rows: list[dict[str, Any]]
) -> tuple[list[str | None], list[float], float]:
    """Each row's new id (None when rejected), each batch's seconds, the whole import's."""
    ids: list[str | None] = []
    took: list[float] = []
    started = time.perf_counter()
    for at in range(0, len(rows), BATCH):
        sent = time.perf_counter()
        answer = api.post(path, json={"mode": "per_row", "records": rows[at : at + BATCH]})
        took.append(time.perf_counter() - sent)
        answer.raise_for_status()
        ids += [r.get("id") if r["status"] == "created" else None for r in answer.json()["results"]]
    return ids, took, time.perf_counter() - started


class FormCreates(threading.Thread):
    """One create a second beside the import, each timed, until stopped."""

    def __init__(self, api: httpx.Client) -> None:
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=api.base_url, headers=api.headers, timeout=300)
        self.done = threading.Event()
        self.took: list[float] = []
        self.statuses: Counter[int] = Counter()

    def run(self) -> None:
        for n in itertools.count():
            if self.done.wait(1.0):
                return
            person = {"last_name": "Formulaire " + _letters(n), "email": f"form{n}@exemple.fr"}
            sent = time.perf_counter()
            status = self.client.post("/v1/contacts", json=person).status_code
            self.took.append(time.perf_counter() - sent)
            self.statuses[status] += 1

    def stop(self) -> str:
        self.done.set()
        self.join()
        self.client.close()
        took, answers = self.took, ", ".join(f"{n} × {s}" for s, n in sorted(self.statuses.items()))
        if not took:  # an import shorter than a second
            return "no form create finished during the contacts' import"
        return (
            f"{len(took)} form creates during the contacts' import ({answers}): median "
            f"{pct(took, 50):.3f} s, p95 {pct(took, 95):.3f} s, p99 {pct(took, 99):.3f} s, "
            f"slowest {max(took):.3f} s"
        )


def _letters(n: int) -> str:
    """n in letters ("b", "ba"…): a surname holds no digit."""
    word = ""
    while True:
        n, digit = divmod(n, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if not n:
            return word.capitalize()


def row(entity: str, rule: str, ids: list[str | None], took: list[float], seconds: float) -> str:
    created = sum(1 for i in ids if i)
    return (
        f"| {entity} | {rule} | {len(ids):,} | {created:,} | {len(ids) - created:,} "
        f"| {len(ids) / seconds:,.0f} | {pct(took, 50):.2f} | {pct(took, 95):.2f} "
        f"| {pct(took, 99):.2f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rules", default="", help="CRMDQ_DUPLICATE_RULES for the run")
    args = parser.parse_args()
    if args.rules:
        os.environ["CRMDQ_DUPLICATE_RULES"] = args.rules
    rules = json.loads(args.rules) if args.rules else {}

    def rule(entity: str) -> str:
        return str(rules.get(entity, {}).get("script", "warn"))

    companies, contacts = generate(companies_beside(args.contacts), args.contacts, 0.05, args.seed)
    with migrated_database() as url, api_with_worker(url, "records:read records:write") as api:
        company_rows = [{f: c[f] for f in COMPANY_FIELDS if c.get(f)} for c in companies]
        company_ids, took, seconds = post_all(api, "/v1/companies/batch", company_rows)
        lines = [row("companies", rule("company"), company_ids, took, seconds)]
        stored = dict(zip((str(c["id"]) for c in companies), company_ids, strict=True))
        contact_rows = [
            {f: c[f] for f in CONTACT_FIELDS if c.get(f)}
            | ({"company_id": stored[c["company_id"]]} if stored.get(c["company_id"]) else {})
            for c in contacts
        ]
        forms = FormCreates(api)
        forms.start()
        contact_ids, took, seconds = post_all(api, "/v1/contacts/batch", contact_rows)
        beside = forms.stop()
        lines.append(row("contacts", rule("contact"), contact_ids, took, seconds))
    print(HEADER)
    print("\n".join(lines))
    print("\n" + beside)


if __name__ == "__main__":
    main()
