"""Helpers for the outbound delivery tests: events, subscriptions, a fast dispatcher."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient

from app.webhooks import outbox
from app.webhooks.backoff import Backoff
from app.webhooks.dispatcher import Dispatcher, DispatchPolicy

# Milliseconds instead of minutes: the schedule's shape is tested in test_outbound_backoff.
FAST_BACKOFF = Backoff(base=timedelta(milliseconds=20), cap=timedelta(milliseconds=80))
WAIT_S = 15.0


def fast_policy(**overrides: Any) -> DispatchPolicy:
    values: dict[str, Any] = {
        "timeout_s": 2.0,
        "max_attempts": 15,
        "interval_s": 0.05,
        "backoff": FAST_BACKOFF,
        "lease_margin": timedelta(seconds=1),
    }
    return DispatchPolicy(**(values | overrides))


def dispatcher(app: FastAPI, worker_id: str = "test-dispatch", **overrides: Any) -> Dispatcher:
    return Dispatcher(
        app.state.sessionmaker,
        app.state.auth.encryption,
        fast_policy(**overrides),
        worker_id=worker_id,
    )


@asynccontextmanager
async def running(*dispatchers: Dispatcher) -> AsyncIterator[None]:
    stop = asyncio.Event()
    tasks = [asyncio.create_task(d.run(stop)) for d in dispatchers]
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks)


async def emit(
    app: FastAPI, type_: str = "record.merged", data: dict[str, Any] | None = None
) -> uuid.UUID:
    """One event, committed the way a use case commits it."""
    async with app.state.sessionmaker.begin() as session:
        event = await outbox.enqueue(
            session,
            type_,
            data if data is not None else {"merge_id": str(uuid.uuid4()), "fields": ["prénom"]},
            entity="contact",
            record_id=uuid.uuid4(),
        )
        return event.id


async def subscribe(
    client: AsyncClient, headers: dict[str, str], url: str, events: list[str] | None = None
) -> dict[str, Any]:
    response = await client.post(
        "/v1/webhook-subscriptions",
        json={"url": url, "events": events or ["*"]},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


async def deliveries(
    client: AsyncClient, headers: dict[str, str], **params: Any
) -> list[dict[str, Any]]:
    response = await client.get("/v1/webhook-deliveries", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


async def detail(client: AsyncClient, headers: dict[str, str], delivery_id: str) -> dict[str, Any]:
    response = await client.get(f"/v1/webhook-deliveries/{delivery_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def wait_for(
    check: Callable[[], Awaitable[bool]] | Callable[[], bool], within: float = WAIT_S
) -> None:
    deadline = time.monotonic() + within
    while True:
        outcome = check()
        if asyncio.iscoroutine(outcome):
            outcome = await outcome
        if outcome:
            return
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)
