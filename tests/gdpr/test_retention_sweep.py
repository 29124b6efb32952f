"""Retention sweeps with a real worker: dry run first, then erasure in checkpointed batches."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from app import jobs
from app.auth.principal import SYSTEM
from app.auth.scopes import Scope
from app.core.timeutil import utcnow
from app.gdpr import export_service, retention_job, retention_service
from app.gdpr.retention_policy import RetentionPolicy
from app.records.models import Contact
from tests.conftest import live_app
from tests.support.auth import bearer, machine_token
from tests.support.jobs import run_jobs

URL = "/v1/gdpr/retention/sweeps"


async def _result(client: AsyncClient, headers: dict, job_id: str) -> dict[str, Any]:
    job = (await client.get(f"/v1/jobs/{job_id}", headers=headers)).json()
    assert job["status"] == "succeeded", job
    return job["result"]


async def _seed(app: Any) -> dict[str, uuid.UUID]:
    old = utcnow() - timedelta(days=4 * 365)
    people = {
        "old": Contact(first_name="Hélène", last_name="Ducœur", email="helene@exemple.fr",
                       created_at=old, lifecycle_stage="lead"),
        "fresh": Contact(first_name="Jean", created_at=utcnow() - timedelta(days=30)),
        "held": Contact(first_name="Léa", created_at=old, legal_hold=True),
        "customer": Contact(first_name="Luc", created_at=old, lifecycle_stage="customer"),
        "revived": Contact(first_name="Inès", created_at=old,
                           last_interaction_at=utcnow() - timedelta(days=3)),
    }  # fmt: skip
    async with app.state.sessionmaker.begin() as session:
        for contact in people.values():
            contact.created_by_type = "system"
            session.add(contact)
        await session.flush()
        # A record merged into the old prospect goes with it.
        twin = Contact(first_name="Helene", status="merged", merged_into_id=people["old"].id,
                       created_at=old, created_by_type="system")  # fmt: skip
        session.add(twin)
        await session.flush()
    return {name: c.id for name, c in people.items()} | {"twin": twin.id}


async def _statuses(app: Any) -> dict[uuid.UUID, tuple[str, str | None]]:
    async with app.state.sessionmaker() as session:
        rows = await session.execute(text("SELECT id, status, first_name FROM contacts"))
        return {r.id: (r.status, r.first_name) for r in rows}


@pytest.mark.committed
async def test_dry_run_first_then_the_sweep_anonymises_what_the_dry_run_saw(
    committed_url: str,
) -> None:
    async with live_app(committed_url, role="dpo") as (client, app, headers):
        app.state.retention_policy = RetentionPolicy()
        ids = await _seed(app)
        async with app.state.sessionmaker.begin() as session:
            stale = await export_service.start(session, SYSTEM, ids["fresh"])
            await export_service.mark_ready(session, stale, {"records": []},
                                            utcnow() - timedelta(days=8))  # fmt: skip
        before = await _statuses(app)

        refused = await client.post(URL, json={"dry_run": False}, headers=headers)
        assert refused.status_code == 409
        assert (refused.json()["code"], refused.json()["reason"]) == (
            "gdpr.retention.dry_run_required", "missing"
        )  # fmt: skip

        dry = await client.post(URL, json={}, headers=headers)
        assert dry.status_code == 202 and dry.json()["dry_run"] is True
        await run_jobs(committed_url)
        report = await _result(client, headers, dry.json()["job_id"])
        assert (report["due"], report["contact_ids"]) == (1, [str(ids["old"])])
        assert report["expired_exports"] == 1 and report["action"] == "anonymize"
        assert await _statuses(app) == before  # a dry run changes nothing

        real = await client.post(
            URL, json={"dry_run": False, "dry_run_job_id": dry.json()["job_id"]}, headers=headers
        )
        assert real.status_code == 202, real.text
        # While it is queued, a second real sweep is refused.
        again = await client.post(
            URL, json={"dry_run": False, "dry_run_job_id": dry.json()["job_id"]}, headers=headers
        )
        assert again.status_code == 409 and again.json()["code"] == "gdpr.retention.sweep_running"
        await run_jobs(committed_url)
        done = await _result(client, headers, real.json()["job_id"])
        assert (done["processed"], done["erased"], done["failed"]) == (1, 1, 0)
        assert done["expired_exports"] == 1

        after = await _statuses(app)
        assert after[ids["old"]] == ("anonymised", None)
        assert after[ids["twin"]] == ("anonymised", None)
        for name in ("fresh", "held", "customer", "revived"):
            assert after[ids[name]] == before[ids[name]], name
        async with app.state.sessionmaker() as session:
            audited = (await session.execute(text(
                "SELECT actor_id, details->>'reason' FROM audit_events "
                "WHERE action = 'contact.anonymized' AND entity_id = :id"
            ), {"id": str(ids["old"])})).one()  # fmt: skip
            bundle = await session.scalar(
                text("SELECT bundle FROM gdpr_exports WHERE id = :id"), {"id": stale.id}
            )
        actor_id, reason = audited
        assert reason == "retention"
        assert actor_id is not None  # the person who started the sweep, by id
        assert bundle is None


@pytest.mark.committed
async def test_a_real_sweep_needs_a_fresh_matching_dry_run_and_gdpr_erase(
    committed_url: str,
) -> None:
    async with live_app(committed_url, role="dpo") as (client, app, headers):
        app.state.retention_policy = RetentionPolicy()
        dry = await client.post(URL, json={"dry_run": True}, headers=headers)
        await run_jobs(committed_url)
        dry_id = dry.json()["job_id"]

        async def refusal(job_id: Any) -> str:
            response = await client.post(
                URL, json={"dry_run": False, "dry_run_job_id": str(job_id)}, headers=headers
            )
            assert response.status_code == 409, response.text
            return response.json()["reason"]

        assert await refusal(uuid.uuid4()) == "not_found"
        # The policy changed since the dry run: its counts no longer hold.
        app.state.retention_policy = RetentionPolicy(prospect_years=2)
        assert await refusal(dry_id) == "policy_changed"
        app.state.retention_policy = RetentionPolicy()
        async with app.state.sessionmaker.begin() as session:
            contact = Contact(first_name="Zoé", created_by_type="system")
            session.add(contact)
        export = await client.post("/v1/gdpr/exports", json={"contact_id": str(contact.id)},
                                   headers=headers)  # fmt: skip
        assert await refusal(export.json()["job_id"]) == "not_a_dry_run"
        queued = await client.post(URL, json={}, headers=headers)
        assert await refusal(queued.json()["job_id"]) == "not_succeeded"
        await run_jobs(committed_url)
        async with app.state.sessionmaker.begin() as session:
            await session.execute(
                text("UPDATE jobs SET finished_at = now() - interval '25 hours' WHERE id = :id"),
                {"id": dry_id},
            )
        assert await refusal(dry_id) == "too_old"

    async with live_app(committed_url, role="data_steward") as (client, app, _):
        app.state.retention_policy = RetentionPolicy()
        async with app.state.sessionmaker.begin() as session:
            _, token = await machine_token(
                session, app.state.auth, frozenset({Scope.GDPR_MANAGE, Scope.RECORDS_READ})
            )
        manager = bearer(token)
        dry = await client.post(URL, json={}, headers=manager)
        assert dry.status_code == 202
        await run_jobs(committed_url)
        real = await client.post(URL, json={"dry_run": False,
                                            "dry_run_job_id": dry.json()["job_id"]},
                                 headers=manager)  # fmt: skip
        assert real.status_code == 403 and real.json()["code"] == "auth.missing_scope"


@pytest.mark.committed
async def test_deletes_in_checkpointed_batches(
    committed_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention_job, "BATCH", 2)
    old = utcnow() - timedelta(days=4 * 365)
    async with live_app(committed_url, role="dpo") as (client, app, headers):
        app.state.retention_policy = RetentionPolicy(action="delete")
        async with app.state.sessionmaker.begin() as session:
            for n in range(5):
                session.add(Contact(last_name=f"Nom{n}", created_at=old, created_by_type="system"))
            session.add(Contact(last_name="Récent", created_by_type="system"))
        dry = await client.post(URL, json={}, headers=headers)
        await run_jobs(committed_url)
        assert (await _result(client, headers, dry.json()["job_id"]))["due"] == 5
        real = await client.post(
            URL, json={"dry_run": False, "dry_run_job_id": dry.json()["job_id"]}, headers=headers
        )
        await run_jobs(committed_url)
        job = (await client.get(f"/v1/jobs/{real.json()['job_id']}", headers=headers)).json()
        assert job["result"]["erased"] == 5
        assert (job["progress"]["done"], job["progress"]["total"]) == (5, 5)
        assert job["progress"]["message"] == "gdpr.retention.sweeping"
        async with app.state.sessionmaker() as session:
            left = list(await session.scalars(text("SELECT last_name FROM contacts")))
            checkpoint = await session.scalar(
                text("SELECT checkpoint FROM jobs WHERE id = :id"), {"id": real.json()["job_id"]}
            )
        assert left == ["Récent"]
        assert checkpoint["done"] == 5 and checkpoint["erased"] == 5


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"dry_run": True, "dry_run_job_id": str(uuid.uuid4())}, id="dry-citing"),
        pytest.param({"dry_run": "maybe"}, id="not-a-bool"),
        pytest.param({"dry_run": False, "dry_run_job_id": "x"}, id="bad-id"),
        pytest.param({"dry_run": True, "force": True}, id="unknown-field"),
    ],
)
async def test_bad_sweep_body_is_422(
    client: Any, app: Any, auth_headers: Any, body: dict[str, Any]
) -> None:
    app.state.retention_policy = RetentionPolicy()
    response = await client.post(URL, json=body, headers=await auth_headers(role="dpo"))
    assert response.status_code == 422


async def test_sweeps_need_a_token_and_gdpr_manage(
    client: Any, app: Any, auth_headers: Any
) -> None:
    app.state.retention_policy = RetentionPolicy()
    assert (await client.post(URL, json={})).status_code == 401
    sales = await client.post(URL, json={}, headers=await auth_headers(role="sales"))
    assert sales.status_code == 403


@pytest.mark.committed
async def test_an_unattended_dry_run_queues_its_own_sweep(committed_url: str) -> None:
    async with live_app(committed_url, role="dpo") as (client, app, headers):
        ids = await _seed(app)
        async with app.state.sessionmaker.begin() as session:
            params = retention_service.dry_run_params(RetentionPolicy(), SYSTEM, then_sweep=True)
            dry = await jobs.enqueue(session, retention_service.KIND, params, actor=SYSTEM)
        await run_jobs(committed_url)
        report = await _result(client, headers, str(dry.id))
        assert report["due"] == 1 and report["sweep_job_id"]
        done = await _result(client, headers, report["sweep_job_id"])
        assert (done["dry_run_job_id"], done["erased"]) == (str(dry.id), 1)
        assert (await _statuses(app))[ids["old"]] == ("anonymised", None)
