"""Nothing is lost when a dispatcher dies mid-delivery; several dispatchers share the work;
`crm-dq worker` runs a dispatcher beside the job worker."""

from __future__ import annotations

import asyncio
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.jobs.runner import run_worker
from app.webhooks.outbound_models import WebhookDeliveryAttempt
from tests.conftest import live_app, make_test_settings
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
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def admin_live(committed_url: str) -> AsyncIterator[tuple]:
    async with live_app(committed_url, role="admin") as running_app:
        yield running_app


async def test_dispatcher_killed_mid_delivery_is_retried_after_its_lease(
    admin_live: tuple, committed_url: str
) -> None:
    client, app, headers = admin_live

    def hang_first(n: int) -> tuple[int, float]:
        return (200, 20.0) if n == 1 else (200, 0.0)

    with receiver(hang_first) as hook:
        sub = await subscribe(client, headers, hook.url)
        hook.secrets = [sub["secret"]]
        event_id = await emit(app)
        probe = subprocess.Popen(  # noqa: ASYNC220, S603 (our own module, killed below)
            [sys.executable, "-m", "tests.webhooks.outbound_probe", committed_url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=os.environ | {"PYTHONPATH": str(ROOT)},
        )
        try:
            await wait_for(hook.arrived.is_set, within=30)
            [in_flight] = await deliveries(client, headers)
            assert in_flight["status"] == "delivering" and in_flight["attempts"] == 1
        finally:
            probe.send_signal(signal.SIGKILL)  # no cleanup, no graceful stop: a crash
            probe.wait(timeout=10)
        assert probe.returncode == -signal.SIGKILL
        assert b"finished" not in (probe.stdout.read() if probe.stdout else b"")

        survivor = dispatcher(app, worker_id="survivor")
        async with running(survivor):

            async def delivered() -> bool:
                return bool(await deliveries(client, headers, status="delivered"))

            await wait_for(delivered, within=20)

    assert hook.ids() == [str(event_id), str(event_id)]  # the same id, sent again
    assert all(r.verified for r in hook.received)
    [delivery] = await deliveries(client, headers)
    log = (await detail(client, headers, delivery["id"]))["attempt_log"]
    assert [(a["attempt"], a["error"]) for a in log] == [(1, "lease_expired"), (2, None)]
    async with app.state.sessionmaker() as session:
        workers = list(await session.scalars(select(WebhookDeliveryAttempt.worker_id)))
    assert sorted(workers) == ["doomed", "survivor"]


async def test_two_dispatchers_share_the_work_without_sending_twice(admin_live: tuple) -> None:
    client, app, headers = admin_live
    with receiver(lambda _n: (200, 0.01)) as hook:
        sub = await subscribe(client, headers, hook.url)
        hook.secrets = [sub["secret"]]
        first, second = dispatcher(app, "one", concurrency=4), dispatcher(app, "two", concurrency=4)
        async with running(first, second):
            sent = [await emit(app) for _ in range(60)]

            async def all_delivered() -> bool:
                found = await deliveries(client, headers, status="delivered", limit=200)
                return len(found) == 60

            await wait_for(all_delivered, within=30)

    assert sorted(hook.ids()) == sorted(str(e) for e in sent)  # each exactly once
    assert all(r.verified for r in hook.received)
    async with app.state.sessionmaker() as session:
        workers = set(await session.scalars(select(WebhookDeliveryAttempt.worker_id)))
    assert workers == {"one", "two"}


async def test_crm_dq_worker_runs_the_dispatcher(committed_url: str) -> None:
    """The `crm-dq worker` entry point delivers, woken by the outbox trigger's NOTIFY."""
    async with live_app(committed_url, role="admin") as (client, app, headers):
        with receiver() as hook:
            sub = await subscribe(client, headers, hook.url)
            hook.secrets = [sub["secret"]]
            # A slow poll: only the NOTIFY can make deliveries prompt.
            settings = make_test_settings(committed_url, webhook_dispatch_interval_s=30)
            stop = asyncio.Event()
            worker = asyncio.create_task(run_worker(settings, committed_url, stop=stop))
            try:
                await asyncio.sleep(1.0)  # let its LISTEN connection come up
                latencies = []
                for n in range(1, 21):
                    started = time.monotonic()
                    await emit(app)
                    await wait_for(lambda n=n: len(hook.received) >= n, within=10)
                    latencies.append((hook.received[-1].at - started) * 1000)
            finally:
                stop.set()
                await asyncio.wait_for(worker, timeout=30)
    assert all(r.verified for r in hook.received)
    p50 = statistics.median(latencies)
    print(
        f"\ncommit → receiver latency over 20 events: p50 {p50:.1f} ms, max {max(latencies):.1f} ms"
    )
    assert p50 < 1000, "woken by NOTIFY, not by the 30 s poll"
