"""Merge and undo latency through the HTTP API, for 2 and for 50 records.

A base of generated contacts and companies is loaded through the batch endpoint, then
groups of 2 and of 50 look-alike contacts are merged one group at a time (rule: most
complete), and each merge is undone; company merges carry their contacts along.
One Uvicorn process, no embedded worker, sequential requests on one keep-alive connection.

Run: python -m bench.merge [--base 10000] [--merges 100]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import httpx

from bench.generate import generate
from bench.server import client_token, migrated_database, running_server

CONTACT_FIELDS = ("civility", "first_name", "last_name", "email", "phone", "job_title")


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def batch(client: httpx.Client, plural: str, rows: list[dict[str, Any]]) -> list[str]:
    ids: list[str] = []
    for start in range(0, len(rows), 1000):
        response = client.post(
            f"/v1/{plural}/batch",
            json={"records": rows[start : start + 1000]},
            params={"allow_duplicates": "true"},
        )
        response.raise_for_status()
        ids += [r["id"] for r in response.json()["results"] if r["status"] == "created"]
    return ids


def look_alikes(n: int, size: int, tag: str) -> list[list[dict[str, Any]]]:
    """`n` groups of `size` spellings of one person, each with its own address."""
    groups = []
    for g in range(n):
        groups.append(
            [
                {
                    "first_name": "Jean-Pierre" if i % 2 else "J.",
                    "last_name": "Kerbrat",
                    "email": f"jp{g}.{i}.{tag}@kerbrat-conseil.fr",
                    "job_title": "Gérant" if i % 3 else None,
                    "subscription_status": "unsubscribed" if i == size - 1 else "subscribed",
                }
                for i in range(size)
            ]
        )
    return groups


def timed(client: httpx.Client, method: str, path: str, body: Any = None) -> tuple[float, Any]:
    start = time.perf_counter()
    response = client.request(method, path, json=body)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code >= 300:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    return elapsed, response.json()


def run(client: httpx.Client, entity: str, groups: list[list[str]]) -> tuple[list, list]:
    merges, undos = [], []
    for ids in groups:
        ms, done = timed(client, "POST", "/v1/merges", {"entity": entity, "record_ids": ids})
        merges.append(ms)
        ms, _ = timed(client, "POST", f"/v1/merges/{done['id']}/undo")
        undos.append(ms)
    return merges, undos


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=int, default=10_000, help="contacts stored around")
    parser.add_argument("--merges", type=int, default=100, help="merges of 2 (and /5 of 50)")
    args = parser.parse_args()
    companies, contacts = generate(max(args.base // 10, 10), args.base, 0.05, 7)
    rows = []
    with (
        migrated_database() as url,
        running_server({"DATABASE_URL": url, "CRMDQ_EMBEDDED_WORKER": "false"}) as port,
    ):
        token = client_token(port, url, "records:read records:write merge")
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120) as c:
            skip = {"id", "true_entity_id"}
            batch(c, "companies", [{k: v for k, v in r.items() if k not in skip and v}
                                   for r in companies])  # fmt: skip
            batch(c, "contacts", [{f: r.get(f) for f in CONTACT_FIELDS} for r in contacts])
            for size, count in ((2, args.merges), (50, max(args.merges // 5, 5))):
                groups = [batch(c, "contacts", g) for g in look_alikes(count, size, f"s{size}")]
                merges, undos = run(c, "contact", groups)
                rows.append((f"{size} contacts", "merge", merges))
                rows.append((f"{size} contacts", "undo", undos))
            pairs = []
            for g in range(max(args.merges // 5, 5)):
                ids = batch(c, "companies", [
                    {"name": f"Kerbrat Conseil {g}", "siren": "732829320"},
                    {"name": f"KERBRAT CONSEIL {g} SARL", "siren": "732829320"},
                ])  # fmt: skip
                batch(c, "contacts", [
                    {"last_name": f"Staff {i}", "email": f"s{g}.{i}@kc.fr", "company_id": ids[1]}
                    for i in range(20)
                ])  # fmt: skip
                pairs.append(ids)
            merges, undos = run(c, "company", pairs)
            rows.append(("2 companies, 20 contacts moved", "merge", merges))
            rows.append(("2 companies, 20 contacts moved", "undo", undos))
    print(f"base: {args.base:,} contacts, {len(companies):,} companies")
    print("| records | operation | runs | median ms | p95 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|")
    for label, op, samples in rows:
        print(
            f"| {label} | {op} | {len(samples)} | {statistics.median(samples):.1f} | "
            f"{pct(samples, 95):.1f} | {pct(samples, 99):.1f} | {max(samples):.1f} |"
        )


if __name__ == "__main__":
    main()
