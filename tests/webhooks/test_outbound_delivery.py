"""Outbound deliveries end to end: a real receiver on 127.0.0.1 verifying our signatures."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import pytest

from tests.conftest import live_app
from tests.webhooks.outbound_receiver import receiver
from tests.webhooks.outbound_support import (
    deliveries,
    detail,
    dispatcher,
    emit,
    running,
    subscribe,
    wait_for,
)

pytestmark = pytest.mark.committed


@pytest.fixture
async def admin_live(committed_url: str) -> AsyncIterator[tuple]:
    async with live_app(committed_url, role="admin") as running_app:
        yield running_app


async def test_normal_delivery_is_signed_and_logged(admin_live: tuple) -> None:
    client, app, headers = admin_live
    with receiver() as hook:
        sub = await subscribe(client, headers, hook.url, ["record.merged"])
        hook.secrets = [sub["secret"]]
        event_id = await emit(app, data={"merge_id": "m-1", "fields": ["prénom", "société"]})
        await emit(app, "duplicate.detected")  # not subscribed: never sent
        assert await dispatcher(app).run_once() == 1

        [got] = hook.received
        assert got.verified, "the reference library must accept our signature"
        assert got.headers["webhook-id"] == str(event_id)
        assert got.headers["content-type"] == "application/json"
        body = json.loads(got.body)
        assert body["id"] == str(event_id) and body["type"] == "record.merged"
        assert body["timestamp"].endswith("Z")
        assert body["data"]["fields"] == ["prénom", "société"]
        assert body["data"]["entity"] == "contact"

    [delivery] = await deliveries(client, headers)
    assert delivery["event_id"] == str(event_id)
    assert delivery["status"] == "delivered" and delivery["attempts"] == 1
    assert delivery["last_status_code"] == 204 and delivery["last_error"] is None
    assert delivery["last_latency_ms"] is not None and delivery["delivered_at"]
    log = (await detail(client, headers, delivery["id"]))["attempt_log"]
    assert [(a["attempt"], a["status_code"], a["error"]) for a in log] == [(1, 204, None)]


async def test_receiver_down_then_up_loses_nothing_and_keeps_ids(admin_live: tuple) -> None:
    client, app, headers = admin_live
    with receiver(started=False) as hook:
        sub = await subscribe(client, headers, hook.url)
        hook.secrets = [sub["secret"]]
        sent = [await emit(app) for _ in range(5)]

        async def retried() -> bool:
            found = await deliveries(client, headers)
            return len(found) == 5 and all(d["attempts"] >= 3 for d in found)

        async with running(dispatcher(app)):
            await wait_for(retried)
            down = await deliveries(client, headers)
            assert {d["status"] for d in down} <= {"pending", "delivering"}
            assert {d["last_error"] for d in down} <= {"connect_error", None}
            hook.start()

            async def delivered() -> bool:
                found = await deliveries(client, headers, status="delivered")
                return len(found) == 5

            await wait_for(delivered)

    assert sorted(hook.ids()) == sorted(str(e) for e in sent)  # each once, same ids
    assert all(r.verified for r in hook.received)
    for delivery in await deliveries(client, headers):
        log = (await detail(client, headers, delivery["id"]))["attempt_log"]
        assert [a["attempt"] for a in log] == list(range(1, len(log) + 1))
        assert all(a["error"] == "connect_error" for a in log[:-1])
        assert log[-1]["error"] is None and log[-1]["status_code"] == 204


async def test_slow_receiver_times_out_and_is_retried(admin_live: tuple) -> None:
    client, app, headers = admin_live

    def slow_first(n: int) -> tuple[int, float]:
        return (200, 3.0) if n == 1 else (200, 0.0)

    with receiver(slow_first) as hook:
        sub = await subscribe(client, headers, hook.url)
        hook.secrets = [sub["secret"]]
        event_id = await emit(app)
        async with running(dispatcher(app, timeout_s=0.5)):

            async def delivered() -> bool:
                return bool(await deliveries(client, headers, status="delivered"))

            await wait_for(delivered)

    assert hook.ids() == [str(event_id), str(event_id)]  # same id on the retry
    [delivery] = await deliveries(client, headers)
    first, second = (await detail(client, headers, delivery["id"]))["attempt_log"]
    assert first["error"] == "timeout" and first["status_code"] is None
    assert 450 <= first["latency_ms"] < 2000, "the 0.5 s timeout bounds the attempt"
    assert second["error"] is None and second["status_code"] == 200


async def test_dead_letter_after_max_attempts_then_replay(admin_live: tuple) -> None:
    client, app, headers = admin_live
    status = {"code": 500}
    with receiver(lambda _n: (status["code"], 0.0)) as hook:
        sub = await subscribe(client, headers, hook.url)
        hook.secrets = [sub["secret"]]
        event_id = await emit(app)
        worker = dispatcher(app, max_attempts=3)
        async with running(worker):

            async def dead() -> bool:
                return bool(await deliveries(client, headers, status="dead"))

            await wait_for(dead)
            await asyncio.sleep(0.3)  # nothing more is attempted once dead
        assert hook.ids() == [str(event_id)] * 3
        [delivery] = await deliveries(client, headers)
        assert delivery["attempts"] == 3 and delivery["next_attempt_at"] is None
        assert delivery["last_status_code"] == 500 and delivery["last_error"] == "http_5xx"

        path = f"/v1/webhook-deliveries/{delivery['id']}/replay"
        assert (await client.post(path)).status_code == 401
        replayed = await client.post(path, headers=headers)
        assert replayed.status_code == 200, replayed.text
        assert replayed.json()["status"] == "pending" and replayed.json()["attempts"] == 0
        again = await client.post(path, headers=headers)
        assert again.status_code == 409
        assert again.json()["code"] == "webhooks.delivery_not_replayable"

        status["code"] = 200
        assert await dispatcher(app).run_once() == 1
        assert hook.ids() == [str(event_id)] * 4
        [done] = await deliveries(client, headers)
        assert done["status"] == "delivered" and done["attempts"] == 1
        log = (await detail(client, headers, done["id"]))["attempt_log"]
        assert [(a["attempt"], a["status_code"]) for a in log] == [
            (1, 500),
            (2, 500),
            (3, 500),
            (1, 200),  # the replay's first attempt, listed after the dead letter's
        ]
        # A delivered delivery can be replayed too (a receiver that lost its copy).
        assert (await client.post(path, headers=headers)).status_code == 200

    missing = await client.post(f"/v1/webhook-deliveries/{uuid.uuid4()}/replay", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "webhooks.delivery_not_found"
    async with app.state.sessionmaker() as session:
        from sqlalchemy import select

        from app.audit.models import AuditEvent

        actions = list(
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.entity_id == delivery["id"])
            )
        )
    assert actions == ["webhook_delivery.replayed", "webhook_delivery.replayed"]


async def test_rotation_signs_with_both_secrets_during_grace(admin_live: tuple) -> None:
    client, app, headers = admin_live
    with receiver() as hook:
        sub = await subscribe(client, headers, hook.url)
        rotated = await client.post(
            f"/v1/webhook-subscriptions/{sub['id']}/rotate-secret",
            json={"grace_hours": 1},
            headers=headers,
        )
        new_secret = rotated.json()["secret"]
        await emit(app)
        await dispatcher(app).run_once()
        [got] = hook.received
        for secret in (sub["secret"], new_secret):
            hook.secrets = [secret]
            assert hook.verify(got.headers, got.body) is not None
        assert len(got.headers["webhook-signature"].split(" ")) == 2


async def test_paused_subscription_holds_its_deliveries(admin_live: tuple) -> None:
    client, app, headers = admin_live
    with receiver() as hook:
        sub = await subscribe(client, headers, hook.url)
        hook.secrets = [sub["secret"]]
        before = await emit(app)
        path = f"/v1/webhook-subscriptions/{sub['id']}"
        await client.patch(path, json={"active": False}, headers=headers)
        during = await emit(app)  # a pause holds events, it does not drop them
        assert await dispatcher(app).run_once() == 0
        assert hook.received == []
        assert {d["status"] for d in await deliveries(client, headers)} == {"pending"}
        await client.patch(path, json={"active": True}, headers=headers)
        assert await dispatcher(app).run_once() == 2
        assert sorted(hook.ids()) == sorted([str(before), str(during)])


async def test_delivery_list_filters_and_pages(admin_live: tuple) -> None:
    client, app, headers = admin_live
    with receiver() as hook:
        merged = await subscribe(client, headers, hook.url, ["record.merged"])
        everything = await subscribe(client, headers, hook.url, ["*"])
        for _ in range(2):
            await emit(app)
        await emit(app, "scan.completed")
        await dispatcher(app).run_once()
    assert len(await deliveries(client, headers)) == 5
    assert len(await deliveries(client, headers, subscription_id=merged["id"])) == 2
    assert len(await deliveries(client, headers, subscription_id=everything["id"])) == 3
    assert len(await deliveries(client, headers, event_type="scan.completed")) == 1
    assert len(await deliveries(client, headers, status="dead")) == 0
    first = await client.get("/v1/webhook-deliveries", params={"limit": 3}, headers=headers)
    rest = await client.get(
        "/v1/webhook-deliveries",
        params={"limit": 3, "cursor": first.json()["next_cursor"]},
        headers=headers,
    )
    ids = [d["id"] for d in first.json()["items"] + rest.json()["items"]]
    assert len(ids) == len(set(ids)) == 5
    for bad in ({"status": "lost"}, {"event_type": "record.deleted"}, {"subscription_id": "x"}):
        response = await client.get("/v1/webhook-deliveries", params=bad, headers=headers)
        assert response.status_code == 422, bad
    missing = await client.get(f"/v1/webhook-deliveries/{uuid.uuid4()}", headers=headers)
    assert missing.status_code == 404
