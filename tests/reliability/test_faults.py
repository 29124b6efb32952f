"""PostgreSQL restarted under a running service: 503 problems while it is away (never a 500,
never a hang), recovery without restarting the service, and every acknowledged write kept.

These restart a private PostgreSQL cluster: the suite's shared server must never be.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import pytest
from httpx import AsyncClient

from app.core import migrations
from app.core.db import make_listener_engine
from app.core.embedded_db import DisposableCluster
from app.jobs.notify import Wakeups
from app.jobs.repository import CHANNEL
from bench.load_process import free_port
from tests.conftest import live_app
from tests.reliability.faults_support import libpq_url

pytestmark = pytest.mark.committed


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DisposableCluster, str]]:
    server = DisposableCluster(Path(tmp_path_factory.mktemp("pg")) / "data", free_port())
    server.init()
    server.start()
    try:
        url = server.create_database("crmdq")
        migrations.upgrade(url)
        yield server, url
    finally:
        server.stop("immediate")


async def eventually_ok(client: AsyncClient, path: str, headers: dict[str, str]) -> float:
    """Seconds until `path` answers 200 again; every answer meanwhile is a 503 problem."""
    started = time.monotonic()
    async with asyncio.timeout(30):
        while True:
            response = await client.get(path, headers=headers)
            if response.status_code == 200:
                return time.monotonic() - started
            assert response.status_code == 503, response.text
            assert response.headers["content-type"] == "application/problem+json"
            await asyncio.sleep(0.1)


async def test_database_away_is_503_then_recovers_without_restart(
    cluster: tuple[DisposableCluster, str],
) -> None:
    server, url = cluster
    async with live_app(url, db_connect_timeout_s=2) as (client, app, headers):
        created = await client.post(
            "/v1/contacts",
            json={"last_name": "Martin", "email": "l.martin@exemple.fr"},
            headers=headers,
        )
        assert created.status_code == 201
        path = f"/v1/contacts/{created.json()['id']}"
        server.stop("fast")
        try:
            for lang, title in (
                ("en", "The database is unreachable"),
                ("fr", "La base de données est injoignable"),
            ):
                started = time.monotonic()
                away = await client.get(path, headers=headers | {"Accept-Language": lang})
                assert time.monotonic() - started < 3  # refused at once, never a hang
                assert away.status_code == 503
                assert (away.json()["code"], away.json()["title"]) == (
                    "database_unavailable",
                    title,
                )
                assert away.headers["retry-after"] == "5"
            write = await client.post(
                "/v1/contacts",
                json={"last_name": "Petit", "email": "a.petit@exemple.fr"},
                headers=headers,
            )
            assert (write.status_code, write.json()["code"]) == (503, "database_unavailable")
            assert (await client.get("/readyz")).status_code == 503
            assert (await client.get("/healthz")).status_code == 200  # alive, just not ready
        finally:
            server.start()
        assert await eventually_ok(client, path, headers) < 10
        assert (await client.get("/readyz")).json()["status"] == "ready"
        cache = app.state.principal_cache
        for _ in range(400):  # the LISTEN connection reconnects by itself, with back-off
            if cache.listening:
                break
            await asyncio.sleep(0.1)
        assert cache.listening


@dataclass
class Ledger:
    """What the service acknowledged, as a careful client records it."""

    created: dict[str, str] = field(default_factory=dict)  # Idempotency-Key → record id
    versions: dict[str, tuple[int, str]] = field(default_factory=dict)  # id → (version, title)
    statuses: dict[int, int] = field(default_factory=dict)

    def saw(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


async def writer(client: AsyncClient, headers: dict[str, str], ledger: Ledger, stop_at: float):
    """Creates then updates its own records; a 503 is retried the way a client should: the
    create with the same Idempotency-Key, the update after reading the current version."""
    mine: list[str] = []
    n = 0
    while time.monotonic() < stop_at:
        n += 1
        if n % 3 == 1 or not mine:
            key = uuid.uuid4().hex
            body = {"last_name": "Durand", "email": f"c{key[:12]}@load.exemple.fr"}
            while True:
                response = await client.post(
                    "/v1/contacts", json=body, headers=headers | {"Idempotency-Key": key}
                )
                ledger.saw(response.status_code)
                if response.status_code == 201:
                    record = response.json()
                    ledger.created[key] = record["id"]
                    ledger.versions[record["id"]] = (record["version"], "")
                    mine.append(record["id"])
                    break
                # 409: the claim of an attempt cut by the outage could not be released while
                # the database was away; it lapses after the idempotency lock timeout.
                assert response.status_code in {503, 409}, response.text
                await asyncio.sleep(0.1)
            continue
        record_id = mine[n % len(mine)]
        version, _ = ledger.versions[record_id]
        title = f"titre {n}"
        response = await client.patch(
            f"/v1/contacts/{record_id}",
            json={"job_title": title},
            headers=headers | {"If-Match": f'"{version}"'},
        )
        ledger.saw(response.status_code)
        if response.status_code == 200:
            ledger.versions[record_id] = (response.json()["version"], title)
            continue
        assert response.status_code in {503, 412}, response.text
        # Unknown outcome (the commit may have landed before the link broke): read it back.
        while True:
            read = await client.get(f"/v1/contacts/{record_id}", headers=headers)
            if read.status_code == 200:
                body = read.json()
                ledger.versions[record_id] = (body["version"], body["job_title"] or "")
                break
            assert read.status_code == 503, read.text
            await asyncio.sleep(0.05)


async def test_restart_under_writes_loses_no_acknowledged_write(
    cluster: tuple[DisposableCluster, str],
) -> None:
    server, url = cluster
    ledger = Ledger()
    options = {"db_connect_timeout_s": 2, "idempotency_lock_timeout_s": 5}
    async with live_app(url, **options) as (client, _app, headers):
        stop_at = time.monotonic() + 8
        writers = [asyncio.create_task(writer(client, headers, ledger, stop_at)) for _ in range(3)]
        await asyncio.sleep(2)
        await asyncio.to_thread(server.stop, "fast")
        await asyncio.sleep(1.5)
        await asyncio.to_thread(server.start)
        await asyncio.gather(*writers)

    assert 500 not in ledger.statuses
    assert ledger.statuses.get(503, 0) > 0, "the outage was not seen"
    assert ledger.statuses.get(201, 0) > 0 and ledger.statuses.get(200, 0) > 0
    conn = await asyncpg.connect(libpq_url(url))
    try:
        rows = await conn.fetch(
            "SELECT id::text, version, coalesce(job_title, '') AS title FROM contacts "
            "WHERE id = ANY($1::uuid[])",
            list(ledger.versions),
        )
        replayed = await conn.fetchval(
            "SELECT count(*) FROM contacts WHERE email LIKE '%@load.exemple.fr' "
            "AND NOT (id = ANY($1::uuid[]))",
            list(ledger.versions),
        )
    finally:
        await conn.close()
    stored = {r["id"]: (r["version"], r["title"]) for r in rows}
    assert len(stored) == len(ledger.created)  # every acknowledged create is there
    assert replayed == 0  # and no create retried with its key was stored twice
    assert stored == ledger.versions  # every record is at its last acknowledged version


async def test_the_job_wake_up_listener_reconnects_after_a_restart(
    cluster: tuple[DisposableCluster, str],
) -> None:
    server, url = cluster
    engine = make_listener_engine(url)
    wakeups = Wakeups(engine)
    wakeups.start()
    try:
        await asyncio.wait_for(wakeups.listening.wait(), 10)
        server.stop("fast")
        try:
            for _ in range(100):  # the lost connection is noticed: no longer listening
                if not wakeups.listening.is_set():
                    break
                await asyncio.sleep(0.05)
            assert not wakeups.listening.is_set()
        finally:
            server.start()
        await asyncio.wait_for(wakeups.listening.wait(), 40)  # back-off doubles up to 30 s
        wakeups.event.clear()
        conn = await asyncpg.connect(libpq_url(url))
        try:
            await conn.execute(f"NOTIFY {CHANNEL}, 'x'")
        finally:
            await conn.close()
        await asyncio.wait_for(wakeups.event.wait(), 5)  # notifications flow again
    finally:
        await wakeups.stop()
        await engine.dispose()
