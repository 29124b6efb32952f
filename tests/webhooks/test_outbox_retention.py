"""Outbox retention: old events whose deliveries are done go; dead, pending and young stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from app.audit.models import AuditEvent
from app.core.timeutil import utcnow
from app.jobs import schedules
from app.jobs.models import Job
from app.jobs.registry import Registry, registry
from app.webhooks import outbox_retention
from app.webhooks.models import OutboxEvent
from app.webhooks.outbound_models import WebhookDelivery, WebhookDeliveryAttempt
from tests.conftest import live_app, make_test_settings
from tests.support.jobs import run_jobs
from tests.webhooks.outbound_receiver import receiver
from tests.webhooks.outbound_support import dispatcher, emit, subscribe


@pytest.mark.committed
async def test_the_daily_job_deletes_settled_old_events_and_keeps_the_rest(
    committed_url: str,
) -> None:
    async with live_app(committed_url, role="admin") as (client, app, headers):
        with receiver() as ok, receiver(lambda _n: (500, 0.0)) as failing:
            await subscribe(client, headers, ok.url, ["record.merged"])
            await subscribe(client, headers, failing.url, ["duplicate.detected"])
            delivered = await emit(app, "record.merged")
            dead = await emit(app, "duplicate.detected")
            unwanted = await emit(app, "record.created")  # no subscription: no delivery
            young = await emit(app, "record.merged")
            replayed = await emit(app, "record.merged")
            assert await dispatcher(app, max_attempts=1).run_once() == 4
        queued = await emit(app, "record.merged")  # not fanned out yet
        async with app.state.sessionmaker.begin() as session:
            old = utcnow() - timedelta(days=31)
            await session.execute(
                update(OutboxEvent)
                .where(OutboxEvent.id.in_([delivered, dead, unwanted, queued, replayed]))
                .values(created_at=old)
            )
            rows = await session.execute(select(WebhookDelivery.event_id, WebhookDelivery.status))
            statuses = {event_id: status for event_id, status in rows}
        assert statuses == {
            delivered: "delivered", dead: "dead", young: "delivered", replayed: "delivered"
        }  # fmt: skip
        # A receiver lost its copy of an old event: replayed, it is pending again, so it stays.
        listed = await client.get("/v1/webhook-deliveries", headers=headers)
        (again,) = [d for d in listed.json()["items"] if d["event_id"] == str(replayed)]
        response = await client.post(
            f"/v1/webhook-deliveries/{again['id']}/replay", headers=headers
        )
        assert response.status_code == 200, response.text

        declared = Registry()
        declared.schedule(outbox_retention.KIND, every=timedelta(days=1), params={"keep_days": 30})
        await schedules.sync(app.state.sessionmaker, declared.schedules)
        (job_id,) = await schedules.enqueue_due(app.state.sessionmaker, declared.schedules)
        await run_jobs(committed_url)

        async with app.state.sessionmaker() as session:
            job = await session.get(Job, job_id)
            left = set(await session.scalars(select(OutboxEvent.id)))
            kept_deliveries = set(await session.scalars(select(WebhookDelivery.event_id)))
            attempts = await session.scalar(
                select(func.count()).select_from(WebhookDeliveryAttempt)
            )
            pruned = list(
                await session.scalars(
                    select(AuditEvent).where(AuditEvent.action == "webhook_outbox.pruned")
                )
            )
        assert job is not None and job.status == "succeeded", job and job.error
        assert job.result["events_deleted"] == 2
        assert (job.progress_done, job.progress_total) == (2, 2)
        assert left == {dead, young, queued, replayed}
        assert kept_deliveries == {dead, young, replayed}
        assert attempts == 3  # the dead, young and replayed ones'; the pruned one's went
        (event,) = pruned
        assert event.actor_type == "system"
        assert (event.details["events"], event.details["deliveries"]) == (2, 1)

        # Nothing left to do: a second run deletes nothing and writes no audit event.
        async with app.state.sessionmaker.begin() as session:
            assert await outbox_retention.prune_batch(session, utcnow() - timedelta(days=30)) == 0
        async with app.state.sessionmaker() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "webhook_outbox.pruned")
            )
        assert count == 1


def test_no_schedule_when_kept_for_ever() -> None:
    settings = make_test_settings("postgresql+asyncpg://unused/db", webhook_outbox_keep_days=0)
    before = dict(registry.schedules)
    outbox_retention.declare_schedule(settings)
    assert dict(registry.schedules) == before


def test_daily_by_default() -> None:
    # as every worker started with the default settings declares it
    outbox_retention.declare_schedule(make_test_settings("postgresql+asyncpg://unused/db"))
    spec = registry.schedules[outbox_retention.KIND]
    assert (spec.every, spec.params) == (timedelta(days=1), {"keep_days": 30})
