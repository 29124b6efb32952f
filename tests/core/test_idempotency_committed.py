"""Idempotency-Key with real commits and two real connections: concurrent duplicates,
claims released by failed requests, and a slow owner whose claim was taken over."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import pytest_asyncio
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from app.auth.scopes import Scope
from app.core.errors import Conflict
from app.core.idempotency import IdempotencyPolicy
from app.main import create_app
from tests.conftest import make_test_settings
from tests.core.idempotency_probe import PROBE_DDL, ProbeControl, install_probe
from tests.support.auth import bearer, machine_token

pytestmark = pytest.mark.committed

KEY = "5d8f6c1e-0b1a-4a57-9a55-3f8f2a9d7c10"
BODY = {"name": "Boulangerie Lefèvre SARL"}
WAIT_S = 10


@dataclass
class Probe:
    app: FastAPI
    client: AsyncClient
    control: ProbeControl
    auth: dict[str, str]
    engine: AsyncEngine  # its own connections: sees committed rows only

    async def post(self, body: object = BODY, key: str | None = KEY) -> Response:
        headers = {**self.auth, **({"Idempotency-Key": key} if key else {})}
        return await self.client.post("/_probe/things", json=body, headers=headers)

    async def things(self) -> list[str]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(text("SELECT name FROM probe_things ORDER BY name"))
            return [r[0] for r in rows]

    async def keys(self) -> list[tuple[str, str, int | None]]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT key, status, response_status FROM idempotency_keys ORDER BY key")
            )
            return [(r[0], r[1], r[2]) for r in rows]


@pytest_asyncio.fixture
async def probe(committed_url: str) -> AsyncIterator[Probe]:
    engine = create_async_engine(committed_url)
    async with engine.begin() as conn:
        await conn.execute(text(PROBE_DDL))
    app = create_app(make_test_settings(committed_url))
    control = install_probe(app)
    transport = ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(transport=transport, base_url="http://t") as client,
    ):
        async with async_sessionmaker(engine).begin() as session:
            _, token = await machine_token(
                session, app.state.auth, frozenset({Scope.RECORDS_WRITE})
            )
        yield Probe(app, client, control, bearer(token), engine)
    await engine.dispose()


async def test_a_concurrent_duplicate_gets_409_then_the_replay(probe: Probe) -> None:
    probe.control.gate = asyncio.Event()
    first = asyncio.create_task(probe.post())
    await asyncio.wait_for(probe.control.entered.wait(), WAIT_S)  # the first holds the key

    duplicate = await probe.post()
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "idempotency.in_progress"
    assert duplicate.headers["retry-after"] == "1"
    other_body = await probe.post(body={"name": "Autre"})
    assert other_body.status_code == 422 and other_body.json()["code"] == "idempotency.key_reused"
    assert await probe.keys() == [(KEY, "in_progress", None)]  # visible to other connections
    assert await probe.things() == []  # while the creation itself is not committed yet

    probe.control.gate.set()
    created = await asyncio.wait_for(first, WAIT_S)
    assert created.status_code == 201
    replayed = await probe.post()
    assert replayed.status_code == 201 and replayed.headers["idempotent-replayed"] == "true"
    assert replayed.content == created.content
    assert await probe.things() == [BODY["name"]]
    assert await probe.keys() == [(KEY, "completed", 201)]


async def test_concurrent_requests_with_different_keys_both_run(probe: Probe) -> None:
    probe.control.gate = asyncio.Event()
    first = asyncio.create_task(probe.post(key="key-a"))
    await asyncio.wait_for(probe.control.entered.wait(), WAIT_S)
    second = await probe.post(body={"name": "Autre"}, key="key-b")
    probe.control.gate.set()
    assert (await asyncio.wait_for(first, WAIT_S)).status_code == 201
    assert second.status_code == 201
    assert await probe.things() == ["Autre", BODY["name"]]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        pytest.param(Conflict(), 409, id="domain-error"),
        pytest.param(RuntimeError("boom"), 500, id="unexpected-error"),
    ],
)
async def test_a_failed_request_releases_its_key(
    probe: Probe, error: Exception, status: int
) -> None:
    probe.control.fail_next = error
    failed = await probe.post()
    assert failed.status_code == status
    assert await probe.keys() == []
    assert await probe.things() == []  # the row written before the error was rolled back

    retried = await probe.post()
    assert retried.status_code == 201 and "idempotent-replayed" not in retried.headers
    assert await probe.things() == [BODY["name"]]
    assert await probe.keys() == [(KEY, "completed", 201)]


async def test_a_failed_commit_releases_the_key_too(probe: Probe) -> None:
    assert (await probe.post(key="first")).status_code == 201
    probe.control.break_commit = True  # fails at COMMIT, after the answer was stored
    failed = await probe.post(body={"name": "Autre"}, key="second")
    assert failed.status_code == 500
    assert await probe.keys() == [("first", "completed", 201)]
    assert await probe.things() == [BODY["name"]]


async def test_a_slow_owner_whose_claim_was_taken_over_rolls_back(probe: Probe) -> None:
    probe.app.state.idempotency_policy = IdempotencyPolicy(lock_timeout=timedelta(0))
    probe.control.gate = asyncio.Event()
    slow = asyncio.create_task(probe.post(body={"name": "Lente SAS"}))
    await asyncio.wait_for(probe.control.entered.wait(), WAIT_S)

    # Seen as abandoned at once: the retry takes the claim over and creates.
    retry = await probe.post(body={"name": "Lente SAS"})
    assert retry.status_code == 201
    probe.control.gate.set()
    late = await asyncio.wait_for(slow, WAIT_S)
    assert late.status_code == 409 and late.json()["code"] == "idempotency.in_progress"

    assert await probe.things() == ["Lente SAS"]  # exactly one record
    assert await probe.keys() == [(KEY, "completed", 201)]
    replayed = await probe.post(body={"name": "Lente SAS"})
    assert replayed.content == retry.content
