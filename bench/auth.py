"""Security costs: token verification per request, and login latency.

1. `TokenService.decode` alone (pure, µs per token).
2. Through HTTP on 127.0.0.1: GET /v1/auth/me (decode + one primary-key revocation lookup)
   next to the GET /healthz floor, both under the same closed-loop load.
3. Login latency: the password grant (Argon2id + TOTP) with distinct enrolled people, and the
   client-credentials grant (SHA-256), sequentially.

Run: python -m bench.auth [--seconds 8] [--logins 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid

import httpx
import pyotp

from app.auth import service_account_service
from app.auth.bootstrap import in_transaction
from app.auth.context import AuthContext
from app.auth.principal import SYSTEM
from app.auth.scopes import Role, Scope
from app.core import migrations
from app.core.embedded_db import EmbeddedPostgres
from app.core.settings import Settings
from bench.loadgen import HEADER, run_load
from bench.server import running_server
from tests.support.auth import PASSWORD, enrolled_user


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)

    def at(p: float) -> float:
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return statistics.median(ordered), at(95), at(99)


def decode_cost(ctx: AuthContext, n: int = 5_000) -> dict[str, tuple[float, float, float]]:
    """First verification of a token (signature, claims) and later ones (verified-token cache)."""
    tokens = [
        ctx.tokens.issue(uuid.uuid4(), "user", frozenset(Scope), version=1).access_token
        for _ in range(n)
    ]
    first, again = [], []
    for samples in (first, again):
        for token in tokens:
            start = time.perf_counter_ns()
            ctx.tokens.decode(token)
            samples.append((time.perf_counter_ns() - start) / 1000)
    return {"first use (verify)": percentiles(first), "later uses (cached)": percentiles(again)}


async def seed(url: str, ctx: AuthContext, people: int) -> tuple[list, dict]:
    async def work(session):  # type: ignore[no-untyped-def]
        enrolled = [await enrolled_user(session, ctx, Role.DATA_STEWARD) for _ in range(people)]
        issued = await service_account_service.create(session, SYSTEM, "bench", [Scope.VALIDATE])
        machine = {"client_id": issued.account.client_id, "client_secret": issued.client_secret}
        return [(p.user.email, p.totp.secret) for p in enrolled], machine

    return await in_transaction(url, work)


def timed_logins(port: int, people: list, machine: dict) -> tuple[list[float], list[float]]:
    base = f"http://127.0.0.1:{port}/v1/auth/token"
    password_ms, client_ms = [], []
    with httpx.Client() as client:
        for email, secret in people:
            code = pyotp.TOTP(secret).now()
            form = {"grant_type": "password", "username": email, "password": PASSWORD + code}
            start = time.perf_counter()
            response = client.post(base, data=form)
            password_ms.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
        for _ in range(len(people)):
            form = {"grant_type": "client_credentials"} | machine
            start = time.perf_counter()
            client.post(base, data=form).raise_for_status()
            client_ms.append((time.perf_counter() - start) * 1000)
    return password_ms, client_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--logins", type=int, default=40)
    args = parser.parse_args()

    settings = Settings()
    ctx = AuthContext.from_settings(settings)
    print("| TokenService.decode | median µs | p95 µs | p99 µs |\n|---|---|---|---|")
    for label, (median, p95, p99) in decode_cost(ctx).items():
        print(f"| {label} | {median:.1f} | {p95:.1f} | {p99:.1f} |")
    print()

    with tempfile.TemporaryDirectory(prefix="crmdq-bench-auth-") as data_dir:
        server = EmbeddedPostgres(data_dir)
        server.start()
        try:
            url = server.ensure_database("crmdq")
            migrations.upgrade(url)
            people, machine = asyncio.run(seed(url, ctx, args.logins))
            limits = {"DATABASE_URL": url, "CRMDQ_LOGIN_RATE_PER_IP_PER_MINUTE": "100000"}
            with running_server(limits) as port:
                with httpx.Client() as client:
                    form = {"grant_type": "client_credentials"} | machine
                    bearer = client.post(
                        f"http://127.0.0.1:{port}/v1/auth/token", data=form
                    ).json()["access_token"]
                floor = asyncio.run(
                    run_load("GET /healthz", port, "/healthz", seconds=args.seconds)
                )
                me = asyncio.run(
                    run_load(
                        "GET /v1/auth/me (token + revocation check)",
                        port,
                        "/v1/auth/me",
                        headers={"Authorization": f"Bearer {bearer}"},
                        seconds=args.seconds,
                    )
                )
                password_ms, client_ms = timed_logins(port, people, machine)
        finally:
            server.stop()

    print(HEADER)
    print(floor.row())
    print(me.row())
    print()
    print("| login (sequential) | n | median ms | p95 ms | p99 ms |\n|---|---|---|---|---|")
    for label, samples in (
        ("password + TOTP (Argon2id)", password_ms),
        ("client credentials", client_ms),
    ):
        median, p95, p99 = percentiles(samples)
        print(f"| {label} | {len(samples)} | {median:.1f} | {p95:.1f} | {p99:.1f} |")


if __name__ == "__main__":
    main()
