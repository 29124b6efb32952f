"""Entry-time validation and single-record creation, next to the /healthz floor.

One Uvicorn process as `make run` starts it, an embedded PostgreSQL, 16 keep-alive
connections from a closed-loop generator on 127.0.0.1; a service-account token with the
`validate` and `records:write` scopes. Targets (issue): validation p99 under 20 ms and
throughput at least half of the floor.

Run: python -m bench.validate [--seconds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json

from bench.loadgen import HEADER, run_load
from bench.server import client_token, migrated_database, running_server

CONTACT = {
    "civility": "madame",
    "first_name": "claire",
    "last_name": "MARTIN",
    "email": "claire.martin@gmial.com",
    "phone": "06 12 34 56 78",
    "job_title": "Directrice achats",
    "country": "France",
}
COMPANY = {
    "name": "DUPONT LOGISTIQUE SAS",
    "siret": "732 829 320 00074",
    "website": "WWW.Dupont.FR",
    "phone": "01 42 68 53 00",
    "postcode": "75008",
    "city": "paris",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    rows = []
    with migrated_database() as url, running_server({"DATABASE_URL": url}) as port:
        token = client_token(port, url, "validate records:read records:write")
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        cases = [
            ("GET /healthz (floor)", "GET", "/healthz", b"", {}),
            (
                "POST /v1/validate/contact",
                "POST",
                "/v1/validate/contact",
                json.dumps(CONTACT).encode(),
                headers,
            ),
            (
                "POST /v1/validate/company",
                "POST",
                "/v1/validate/company",
                json.dumps(COMPANY).encode(),
                headers,
            ),
            (
                "POST /v1/contacts (create)",
                "POST",
                "/v1/contacts",
                json.dumps(CONTACT | {"email": "claire.martin@dupont.fr"}).encode(),
                headers,
            ),
        ]
        for label, method, path, body, extra in cases:
            rows.append(
                asyncio.run(
                    run_load(
                        label,
                        port,
                        path,
                        method=method,
                        body=body,
                        headers=extra,
                        seconds=args.seconds,
                    )
                )
            )
        for connections in (1, 4):
            rows.append(
                asyncio.run(
                    run_load(
                        f"POST /v1/validate/contact ({connections} connection(s))",
                        port,
                        "/v1/validate/contact",
                        method="POST",
                        body=cases[1][3],
                        headers=headers,
                        connections=connections,
                        seconds=args.seconds,
                    )
                )
            )
        single = asyncio.run(
            run_load(
                "POST /v1/contacts (1 connection)",
                port,
                "/v1/contacts",
                method="POST",
                body=cases[3][3],
                headers=headers,
                connections=1,
                seconds=args.seconds,
            )
        )
    print(HEADER)
    for row in [*rows, single]:
        print(row.row())


if __name__ == "__main__":
    main()
