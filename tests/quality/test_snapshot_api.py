"""Snapshots (on demand and on schedule) and the trend they draw, on real PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.auth.scopes import Role
from app.core.timeutil import utcnow
from app.jobs import schedules
from app.jobs.models import Job
from app.jobs.registry import Registry, registry
from app.quality import snapshot_job
from app.quality.report_metrics import CATALOGUE
from app.quality.snapshot_models import QualitySnapshot
from app.records.models import Contact
from tests.conftest import live_app, make_test_settings
from tests.quality.test_report_api import add_contacts, headers_for, report, seed_contacts
from tests.support.jobs import run_jobs

SNAPSHOTS = "/v1/quality/snapshots"
TREND = "/v1/quality/trend"


async def snap(client: AsyncClient, headers: dict[str, str], **body: str) -> list[dict]:
    response = await client.post(SNAPSHOTS, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["items"]


async def test_manual_snapshot_stores_the_whole_dataset_metrics_and_is_audited(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    await seed_contacts(session)
    steward = await headers_for(app, session, Role.DATA_STEWARD)
    taken = await snap(client, steward)
    assert [s["entity"] for s in taken] == ["contact", "company"]
    contact = taken[0]
    assert contact["trigger"] == "manual" and contact["taken_by_type"] == "user"
    current = await report(client, steward, breakdowns="false")
    assert contact["records"] == current["records"] == 10
    assert contact["metrics"] == current["metrics"]
    assert set(contact["metrics"]) == set(CATALOGUE["contact"])

    events = list(
        await session.scalars(
            select(AuditEvent).where(AuditEvent.action == "quality.snapshot.taken")
        )
    )
    assert sorted(e.entity_id for e in events) == sorted(s["id"] for s in taken)
    assert {e.details["entity"] for e in events} == {"contact", "company"}
    assert all(e.details["trigger"] == "manual" for e in events)


async def test_snapshot_of_one_entity_ignores_report_filters_and_lists_newest_first(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    await seed_contacts(session)
    steward = await headers_for(app, session, Role.DATA_STEWARD)
    ids = [(await snap(client, steward, entity="contact"))[0]["id"] for _ in range(3)]
    page = await client.get(SNAPSHOTS, params={"entity": "contact", "limit": 2}, headers=steward)
    first = page.json()
    assert [s["id"] for s in first["items"]] == ids[:0:-1]
    rest = await client.get(
        SNAPSHOTS, params={"entity": "contact", "limit": 2, "cursor": first["next_cursor"]},
        headers=steward,
    )  # fmt: skip
    assert [s["id"] for s in rest.json()["items"]] == ids[:1]
    assert rest.json()["next_cursor"] is None
    bad = await client.get(SNAPSHOTS, params={"cursor": "%%%"}, headers=steward)
    assert bad.status_code == 400 and bad.json()["code"] == "pagination.invalid_cursor"


async def test_trend_has_one_point_per_snapshot_and_judges_the_goal_on_the_latest(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    contacts = await seed_contacts(session)
    steward = await headers_for(app, session, Role.DATA_STEWARD)
    await client.put(
        "/v1/quality/goals/contact/civility_missing",
        json={"target": 0.25, "direction": "at_most"}, headers=steward,
    )  # fmt: skip
    await snap(client, steward, entity="contact")  # 3 of 10 without civility
    blank = next(c.id for c in contacts if not (c.civility or "").strip())
    await session.execute(update(Contact).where(Contact.id == blank).values(civility="Mme"))
    await snap(client, steward, entity="contact")  # 2 of 10

    response = await client.get(
        TREND, params=[("entity", "contact"), ("metric", "civility_missing"),
                       ("metric", "records")], headers=steward,
    )  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["snapshots"] == 2 and body["truncated"] is False
    civility, records = body["series"]
    assert [p["value"] for p in civility["points"]] == [0.3, 0.2]
    assert [p["count"] for p in civility["points"]] == [3, 2]
    assert civility["better"] == "lower" and civility["kind"] == "share"
    assert civility["goal"] == {"metric": "civility_missing", "target": 0.25,
                                "direction": "at_most", "due": None, "current": 0.2,
                                "met": True}  # fmt: skip
    assert [p["value"] for p in records["points"]] == [10, 10] and records["goal"] is None


async def test_trend_range_and_all_metrics_by_default(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    steward = await headers_for(app, session, Role.AUDITOR)
    now = utcnow()
    for days in (30, 20, 10):
        session.add(QualitySnapshot(
            id=uuid.uuid4(), entity="company", taken_at=now - timedelta(days=days),
            trigger="schedule", records=days, metrics={"records": {"value": days, "count": days}},
            taken_by_type="system",
        ))  # fmt: skip
    await session.flush()
    since = (now - timedelta(days=25)).isoformat()
    until = (now - timedelta(days=15)).isoformat()
    body = (await client.get(TREND, params={"entity": "company", "from": since, "to": until},
                             headers=steward)).json()  # fmt: skip
    assert body["snapshots"] == 1
    assert [s["metric"] for s in body["series"]] == list(CATALOGUE["company"])
    by_metric = {s["metric"]: s for s in body["series"]}
    assert [p["value"] for p in by_metric["records"]["points"]] == [20]
    # A metric a snapshot did not hold (older catalogue) is a gap, not an error.
    assert [p["value"] for p in by_metric["duplicate"]["points"]] == [None]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        pytest.param({"metric": "nope"}, "metric", id="unknown-metric"),
        pytest.param({"entity": "company", "metric": "bounced"}, "metric", id="wrong-entity"),
        pytest.param({"from": "2026-01-01T00:00:00"}, "from", id="naive-time"),
        pytest.param({"to": "yesterday"}, "to", id="not-a-time"),
    ],
)
async def test_bad_trend_query_is_422(
    client: AsyncClient, app: FastAPI, session: AsyncSession, params: dict, field: str
) -> None:
    response = await client.get(
        TREND, params=params, headers=await headers_for(app, session, Role.AUDITOR)
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


@pytest.mark.parametrize(
    ("role", "take", "read"),
    [
        pytest.param(Role.DATA_STEWARD, 201, 200, id="steward"),
        pytest.param(Role.AUDITOR, 403, 200, id="auditor"),
        pytest.param(Role.DPO, 403, 200, id="dpo"),
        pytest.param(Role.SALES, 403, 403, id="sales"),
    ],
)
async def test_taking_needs_quality_manage_and_reading_quality_read(
    client: AsyncClient, app: FastAPI, session: AsyncSession, role: Role, take: int, read: int
) -> None:
    headers = await headers_for(app, session, role)
    assert (await client.post(SNAPSHOTS, json={}, headers=headers)).status_code == take
    assert (await client.get(SNAPSHOTS, headers=headers)).status_code == read
    assert (await client.get(TREND, headers=headers)).status_code == read


async def test_bad_snapshot_body_is_422(
    client: AsyncClient, app: FastAPI, session: AsyncSession
) -> None:
    headers = await headers_for(app, session, Role.ADMIN)
    response = await client.post(SNAPSHOTS, json={"entity": "lead"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "entity"


@pytest.mark.committed
async def test_the_schedule_takes_both_snapshots_in_the_worker(committed_url: str) -> None:
    settings = make_test_settings(committed_url, quality_snapshot_every_h=6)
    declared = Registry()
    declared.schedule(
        snapshot_job.KIND, every=timedelta(hours=6), params=snapshot_job.schedule_params(settings)
    )
    async with live_app(committed_url, role="auditor") as (client, app, headers):
        async with app.state.sessionmaker.begin() as session:
            rows = await add_contacts(session, [dict(civility=None), dict(civility="M.")])
            await session.execute(
                update(Contact).where(Contact.id == rows[0].id).values(email_status="bounced")
            )
        await schedules.sync(app.state.sessionmaker, declared.schedules)
        (job_id,) = await schedules.enqueue_due(app.state.sessionmaker, declared.schedules)
        # The period is not due again at once: one snapshot per period.
        assert await schedules.enqueue_due(app.state.sessionmaker, declared.schedules) == []
        await run_jobs(committed_url)

        async with app.state.sessionmaker() as session:
            job = await session.get(Job, job_id)
            taken = list(await session.scalars(select(QualitySnapshot)))
            actors = list(await session.scalars(
                select(AuditEvent.actor_type).where(AuditEvent.action == "quality.snapshot.taken")
            ))  # fmt: skip
        assert job is not None and job.status == "succeeded"
        assert set(job.result["snapshots"]) == {"contact", "company"}
        assert {(s.entity, s.trigger, s.job_id) for s in taken} == {
            ("contact", "schedule", job_id),
            ("company", "schedule", job_id),
        }
        contact = next(s for s in taken if s.entity == "contact")
        assert contact.metrics["civility_missing"] == {"value": 0.5, "count": 1}
        assert contact.metrics["bounced"] == {"value": 0.5, "count": 1}
        assert actors == ["system", "system"]

        trend = await client.get(TREND, params={"metric": "bounced"}, headers=headers)
        assert [p["count"] for p in trend.json()["series"][0]["points"]] == [1]


def test_no_schedule_when_the_period_is_zero() -> None:
    settings = make_test_settings("postgresql+asyncpg://unused/db", quality_snapshot_every_h=0)
    before = dict(registry.schedules)
    snapshot_job.declare_schedule(settings)
    assert dict(registry.schedules) == before


async def test_trend_keeps_the_latest_snapshots_when_there_are_too_many(
    client: AsyncClient, app: FastAPI, session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.quality import snapshot_service

    monkeypatch.setattr(snapshot_service, "TREND_LIMIT", 2)
    now = utcnow()
    for days in (3, 2, 1):
        session.add(QualitySnapshot(
            id=uuid.uuid4(), entity="contact", taken_at=now - timedelta(days=days),
            trigger="manual", records=days, metrics={"records": {"value": days, "count": days}},
            taken_by_type="system",
        ))  # fmt: skip
    await session.flush()
    headers = await headers_for(app, session, Role.AUDITOR)
    body = (await client.get(TREND, params={"metric": "records"}, headers=headers)).json()
    assert body["truncated"] is True and body["snapshots"] == 2
    assert [p["value"] for p in body["series"][0]["points"]] == [2, 1]
