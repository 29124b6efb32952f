"""The dispatcher's rules against a real database: what is queued, what each answer means,
and that a dispatcher whose lease was taken over changes nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.core.keyring import Keyring
from app.jobs.embedded import EmbeddedWorker
from app.webhooks import outbox
from app.webhooks.deliveries_repository import AttemptResult, DeliveryRepository
from app.webhooks.dispatcher import Dispatcher
from app.webhooks.outbound_models import WebhookDelivery, WebhookFanout
from tests.conftest import live_app, make_test_settings
from tests.webhooks.outbound_receiver import receiver
from tests.webhooks.outbound_support import (
    deliveries,
    dispatcher,
    emit,
    fast_policy,
    subscribe,
    wait_for,
)

pytestmark = pytest.mark.committed


@pytest.fixture
async def admin_live(committed_url: str) -> AsyncIterator[tuple]:
    async with live_app(committed_url, role="admin") as running_app:
        yield running_app


async def count(app, model) -> int:  # type: ignore[no-untyped-def]
    async with app.state.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model))


async def test_only_committed_events_are_queued_and_fanned_out_once(admin_live: tuple) -> None:
    client, app, headers = admin_live
    await subscribe(client, headers, "https://crm.example.fr/a", ["record.merged"])
    await subscribe(client, headers, "https://crm.example.fr/b", ["*"])
    async with app.state.sessionmaker() as session, session.begin():
        await outbox.enqueue(session, "record.merged", {"merge_id": "x"})
        await session.rollback()  # the change failed: its event must never go out
    assert await count(app, WebhookFanout) == 0

    await emit(app, "record.merged")
    await emit(app, "scan.completed")
    assert await count(app, WebhookFanout) == 2
    async with app.state.sessionmaker.begin() as session:
        assert await DeliveryRepository(session).fan_out(100) == 2
    async with app.state.sessionmaker.begin() as session:
        assert await DeliveryRepository(session).fan_out(100) == 0  # the queue is drained
    assert await count(app, WebhookFanout) == 0
    found = {(d["event_type"], d["status"]) for d in await deliveries(client, headers)}
    assert found == {("record.merged", "pending"), ("scan.completed", "pending")}
    assert await count(app, WebhookDelivery) == 3  # merged → a and b, scan → b only


async def test_each_answer_is_classified_and_nothing_follows_redirects(
    admin_live: tuple,
) -> None:
    client, app, headers = admin_live
    cases = {201: None, 302: "http_3xx", 404: "http_4xx", 410: "http_4xx", 503: "http_5xx"}
    with (
        receiver(lambda _n: (201, 0.0)) as ok,
        receiver(lambda _n: (302, 0.0)) as moved,
        receiver(lambda _n: (404, 0.0)) as missing,
        receiver(lambda _n: (410, 0.0)) as gone,
        receiver(lambda _n: (503, 0.0)) as busy,
    ):
        hooks = {201: ok, 302: moved, 404: missing, 410: gone, 503: busy}
        subs = {code: await subscribe(client, headers, hook.url) for code, hook in hooks.items()}
        for code, hook in hooks.items():
            hook.secrets = [subs[code]["secret"]]
        await emit(app)
        assert await dispatcher(app).run_once() == 5
        for code, error in cases.items():
            [delivery] = await deliveries(client, headers, subscription_id=subs[code]["id"])
            assert delivery["last_status_code"] == code
            assert delivery["last_error"] == error
            assert delivery["status"] == ("delivered" if error is None else "pending")
            assert len(hooks[code].received) == 1 and hooks[code].received[0].verified


async def test_unreachable_and_unreadable_secret_are_retried_not_lost(admin_live: tuple) -> None:
    client, app, headers = admin_live
    await subscribe(client, headers, "http://127.0.0.1:9/nothing-listens")  # discard port
    await emit(app)
    assert await dispatcher(app).run_once() == 1
    [delivery] = await deliveries(client, headers)
    assert delivery["status"] == "pending" and delivery["last_error"] == "connect_error"

    # The key that sealed the secrets was removed from CRMDQ_ENCRYPTION_KEYS.
    other_keys = Keyring("k9", {"k9": b"\x01" * 32})
    stranger = Dispatcher(app.state.sessionmaker, other_keys, fast_policy(), worker_id="x")
    await asyncio.sleep(0.1)  # past the fast back-off
    assert await stranger.run_once() == 1
    [delivery] = await deliveries(client, headers)
    assert delivery["status"] == "pending" and delivery["last_error"] == "secret_unreadable"


async def test_a_dispatcher_that_lost_its_lease_changes_nothing(admin_live: tuple) -> None:
    client, app, headers = admin_live
    await subscribe(client, headers, "https://crm.example.fr/hook")
    await emit(app)
    async with app.state.sessionmaker.begin() as session:
        repo = DeliveryRepository(session)
        await repo.fan_out(10)
        [slow] = await repo.claim("slow", timedelta(milliseconds=200), 10)
    await asyncio.sleep(0.3)
    async with app.state.sessionmaker.begin() as session:
        repo = DeliveryRepository(session)
        assert await repo.reap_expired(max_attempts=15) == 1
        [fast] = await repo.claim("fast", timedelta(seconds=30), 10)
    assert fast.lease.attempt == 2 and fast.event.id == slow.event.id
    async with app.state.sessionmaker.begin() as session:
        late = await DeliveryRepository(session).record(
            slow.lease, AttemptResult(200, 5, None), dead=False, retry_in=timedelta(0)
        )
    assert late is None
    [delivery] = await deliveries(client, headers)
    assert delivery["status"] == "delivering" and delivery["attempts"] == 2


async def test_lease_expiring_on_the_last_attempt_dead_letters(admin_live: tuple) -> None:
    client, app, headers = admin_live
    await subscribe(client, headers, "https://crm.example.fr/hook")
    await emit(app)
    async with app.state.sessionmaker.begin() as session:
        await DeliveryRepository(session).fan_out(10)
        await DeliveryRepository(session).claim("dies", timedelta(milliseconds=100), 10)
    await asyncio.sleep(0.2)
    async with app.state.sessionmaker.begin() as session:
        assert await DeliveryRepository(session).reap_expired(max_attempts=1) == 1
    [delivery] = await deliveries(client, headers)
    assert delivery["status"] == "dead" and delivery["last_error"] == "lease_expired"


async def test_embedded_worker_runs_the_dispatcher(committed_url: str) -> None:
    async with live_app(committed_url, role="admin") as (client, app, headers):
        with receiver() as hook:
            sub = await subscribe(client, headers, hook.url)
            hook.secrets = [sub["secret"]]
            settings = make_test_settings(committed_url, webhook_dispatch_interval_s=0.1)
            embedded = EmbeddedWorker(app.state.sessionmaker, committed_url, settings)
            embedded.start()
            try:
                event_id = await emit(app)
                await wait_for(lambda: len(hook.received) == 1)
            finally:
                await embedded.stop()
    assert hook.ids() == [str(event_id)] and hook.received[0].verified
