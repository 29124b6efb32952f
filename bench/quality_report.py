"""Dataset quality report latency through the HTTP API at 10k, 100k and 1M contacts.

Contacts are generated inside PostgreSQL (`INSERT … SELECT … FROM generate_series`, straight
into the table, no API): five source systems, twenty creating users and service accounts,
80 % with a civility, 85 % with an email, 70 % with a phone (a third of them not in E.164),
scores and scorer flags on 90 % (the rest unscored), interactions spread over five years,
unsubscribed and bounced addresses, and open duplicate pairs for 2 % of the records. The
database grows in steps (10k, then 90k more, …) and `GET /v1/quality/report` is timed at
each size with and without the breakdowns, plus `POST /v1/quality/snapshots`.

Run: nice python -m bench.quality_report [--sizes 10000 100000 1000000] [--calls 20]
Set DATABASE_URL to reuse a database (the rows already there count toward the sizes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import uuid

import httpx
import psycopg
from sqlalchemy.engine import make_url

from bench.server import client_token, migrated_database, running_server

CREATORS = [uuid.UUID(int=i + 1) for i in range(20)]

INSERT_CONTACTS = """
INSERT INTO contacts (
    id, status, version, created_by_type, created_by_id, source_system, quality_issues,
    civility, first_name, last_name, email, phone, additional_phones, country, lifecycle_stage,
    job_function, subscription_status, email_status, last_interaction_at, updated_at,
    created_at, quality_score, quality_flags, quality_scored_at)
SELECT
    gen_random_uuid(), 'active', 1,
    CASE WHEN i %% 10 < 7 THEN 'user' WHEN i %% 10 < 9 THEN 'service_account' ELSE 'system' END,
    CASE WHEN i %% 10 < 9 THEN (%(creators)s::uuid[])[1 + i %% 20] END,
    (ARRAY['hubspot', 'salesforce', 'odoo', 'import_csv', 'web_form'])[1 + i %% 5],
    '{}',
    CASE WHEN r.a < 0.8 THEN (ARRAY['M.', 'Mme'])[1 + i %% 2] END,
    'Prénom' || i, 'Nom' || i,
    CASE WHEN r.b < 0.85 THEN 'p' || i || '@exemple' || (i %% 997) || '.fr' END,
    CASE WHEN r.c < 0.47 THEN '+336' || lpad((i %% 100000000)::text, 8, '0')
         WHEN r.c < 0.7 THEN '06 ' || lpad((i %% 100000000)::text, 8, '0') END,
    CASE WHEN r.d < 0.05 THEN ARRAY['01 40 00 00 00'] ELSE '{}' END,
    (ARRAY['FR', 'FR', 'FR', 'BE', 'CH'])[1 + i %% 5],
    (ARRAY['lead', 'prospect', 'customer', NULL])[1 + i %% 4],
    (ARRAY['sales', 'it', 'finance', 'marketing', NULL])[1 + i %% 5],
    CASE WHEN r.e < 0.1 THEN 'unsubscribed' ELSE 'subscribed' END,
    CASE WHEN r.e > 0.97 THEN 'bounced' ELSE 'valid' END,
    CASE WHEN r.f < 0.9 THEN now() - make_interval(days => (r.f * 2000)::int) END,
    now() - make_interval(days => (r.g * 400)::int),
    now() - make_interval(days => (r.g * 2000)::int),
    CASE WHEN r.h < 0.9 THEN (r.h * 110)::int %% 101 END,
    CASE WHEN r.h < 0.9 THEN array_remove(ARRAY[
        CASE WHEN r.a > 0.97 THEN 'email:invalid' END,
        CASE WHEN r.a BETWEEN 0.9 AND 0.93 THEN 'email:suspicious' END,
        CASE WHEN r.d > 0.98 THEN 'phone:invalid' END,
        CASE WHEN r.a < 0.2 AND r.a > 0.18 THEN 'phone:suspicious' END
    ]::varchar[], NULL) ELSE '{}' END,
    CASE WHEN r.h < 0.9 THEN now() END
FROM generate_series(%(start)s::bigint, %(stop)s::bigint) AS i,
     LATERAL (SELECT random() + 0 * i AS a, random() + 0 * i AS b, random() + 0 * i AS c,
                     random() + 0 * i AS d, random() + 0 * i AS e, random() + 0 * i AS f,
                     random() + 0 * i AS g, random() + 0 * i AS h) AS r
"""
# Pairs between neighbours among the newest rows: 2 %% of the records in an open pair.
INSERT_PAIRS = """
INSERT INTO duplicate_pairs (id, entity, left_id, right_id, probability, verdict, reasons,
                             evidence, status)
SELECT gen_random_uuid(), 'contact', least(a.id, b.id), greatest(a.id, b.id), 0.97,
       'duplicate', '[]', '[]', 'open'
FROM (SELECT id, row_number() OVER () AS n FROM contacts TABLESAMPLE BERNOULLI (2)) a
JOIN (SELECT id, row_number() OVER () AS n FROM contacts TABLESAMPLE BERNOULLI (0.5)) b
  ON a.n = b.n AND a.id <> b.id
LIMIT %(pairs)s
ON CONFLICT DO NOTHING
"""


def libpq(url: str) -> str:
    u = make_url(url)
    host = u.query.get("host") or u.host
    parts = {"user": u.username, "password": u.password, "host": host, "port": u.port,
             "dbname": u.database}  # fmt: skip
    return " ".join(f"{k}='{v}'" for k, v in parts.items() if v)


def grow(url: str, target: int) -> int:
    with psycopg.connect(libpq(url), autocommit=True) as conn:
        have = conn.execute("SELECT count(*) FROM contacts").fetchone()[0]  # type: ignore[index]
        if have < target:
            started = time.perf_counter()
            for start in range(have, target, 100_000):
                stop = min(target, start + 100_000) - 1
                conn.execute(
                    INSERT_CONTACTS,
                    {"start": start, "stop": stop, "creators": [str(c) for c in CREATORS]},
                )
            conn.execute(INSERT_PAIRS, {"pairs": (target - have) // 100})
            conn.execute("VACUUM ANALYZE contacts")
            conn.execute("ANALYZE duplicate_pairs")
            print(f"loaded {target - have:,} contacts in {time.perf_counter() - started:.0f} s")
        return max(have, target)


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(client: httpx.Client, method: str, path: str, calls: int, **kw: object) -> list[float]:
    client.request(method, path, **kw).raise_for_status()  # warm-up
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        response = client.request(method, path, **kw)  # type: ignore[arg-type]
        samples.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return samples


def line(n: int, label: str, samples: list[float]) -> str:
    return (
        f"| {n:,} | {label} | {len(samples)} | {statistics.median(samples):.0f} | "
        f"{pct(samples, 95):.0f} | {pct(samples, 99):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    rows = []
    with migrated_database() as url:
        for size in sorted(args.sizes):
            n = grow(url, size)
            env = {"DATABASE_URL": url, "CRMDQ_EMBEDDED_WORKER": "false"}
            with running_server(env) as port:
                token = client_token(port, url, "quality:read quality:manage")
                headers = {"Authorization": f"Bearer {token}"}
                calls = args.calls if n <= 100_000 else max(5, args.calls // 2)
                with httpx.Client(
                    base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=300
                ) as client:
                    report = "/v1/quality/report"
                    with_bd = timed(client, "GET", report, calls)
                    rows.append(line(n, "report + breakdowns", with_bd))
                    totals = timed(client, "GET", report, calls, params={"breakdowns": "false"})
                    rows.append(line(n, "report, totals only", totals))
                    seg = {"source": "hubspot", "country": "FR", "breakdowns": "false"}
                    rows.append(line(n, "report, one segment", timed(
                        client, "GET", report, calls, params=seg)))  # fmt: skip
                    snaps = timed(client, "POST", "/v1/quality/snapshots", max(3, calls // 4),
                                  json={"entity": "contact"})  # fmt: skip
                    rows.append(line(n, "snapshot (contacts)", snaps))
            print("\n".join(rows[-4:]), flush=True)
            one, five, fifteen = os.getloadavg()
            print(f"load average 1/5/15 min: {one:.1f} {five:.1f} {fifteen:.1f}", flush=True)
    print("| contacts | request | calls | median ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
