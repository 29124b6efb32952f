"""Start `crm-dq serve` in a subprocess for a benchmark, on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(extra_env: dict[str, str] | None = None) -> Iterator[int]:
    """Uses DATABASE_URL when set, else an embedded PostgreSQL in a temporary folder."""
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="crmdq-bench-") as data_dir:
        env = (
            os.environ
            | {
                "CRMDQ_PORT": str(port),
                "CRMDQ_EMBEDDED_DB_DIR": data_dir,
            }
            | (extra_env or {})
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("server did not become ready")
                time.sleep(0.2)
            yield port
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


@contextmanager
def migrated_database() -> Iterator[str]:
    """DATABASE_URL when set, else a fresh embedded PostgreSQL; migrated either way."""
    from app.core import migrations
    from app.core.embedded_db import EmbeddedPostgres
    from app.dedup.key_versions import bring_up_to_date

    # as `crm-dq migrate` does: records loaded next get this release's keys, and a reused
    # base loaded by an older release gets its re-index queued
    configured = os.environ.get("DATABASE_URL")
    if configured:
        migrations.upgrade(configured)
        bring_up_to_date(configured)
        yield configured
        return
    with tempfile.TemporaryDirectory(prefix="crmdq-bench-db-") as data_dir:
        server = EmbeddedPostgres(data_dir)
        server.start()
        try:
            url = server.ensure_database("crmdq")
            migrations.upgrade(url)
            bring_up_to_date(url)
            yield url
        finally:
            server.stop()


def client_token(port: int, url: str, scopes: str) -> str:
    """A service account with `scopes`, and an access token for it."""
    import asyncio
    import json
    import uuid

    from app.auth.bootstrap import create_service_account

    name = f"bench-{uuid.uuid4().hex[:8]}"
    secret = json.loads(asyncio.run(create_service_account(url, name, scopes)))
    form = {
        "grant_type": "client_credentials",
        "client_id": secret["client_id"],
        "client_secret": secret["client_secret"],
    }
    response = httpx.post(f"http://127.0.0.1:{port}/v1/auth/token", data=form)
    response.raise_for_status()
    return response.json()["access_token"]


@contextmanager
def api_with_worker(url: str, scopes: str, poll_interval: float = 0.2) -> Iterator[httpx.Client]:
    """A client holding a token with `scopes`, against a server on `url` whose jobs run in one
    separate `crm-dq worker` (as in production: no embedded worker)."""
    env = {"DATABASE_URL": url, "CRMDQ_EMBEDDED_WORKER": "false"}
    with running_server(env) as port:
        token = client_token(port, url, scopes)
        worker = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", "--poll-interval", str(poll_interval)],
            env=os.environ | env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                              headers={"Authorization": f"Bearer {token}"}) as client:  # fmt: skip
                yield client
        finally:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=60)
