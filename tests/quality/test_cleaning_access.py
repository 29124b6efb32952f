"""Cleaning endpoints' failure modes: scopes, bad input, unknown runs, and the rules that
guard the apply step (a finished, fresh dry run, applied once)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEvent
from app.core.timeutil import utcnow
from app.jobs.models import Job
from app.quality.cleaning_models import CleaningRun

URL = "/v1/quality/cleanings"
READ, MANAGE = "quality:read", "quality:manage"


async def _run(session: AsyncSession, **overrides: Any) -> CleaningRun:
    run = CleaningRun(
        id=uuid.uuid4(),
        entity="contact",
        fields=["phone"],
        status="planned",
        planned_at=utcnow() - timedelta(minutes=5),
        created_by_type="system",
    )
    for name, value in overrides.items():
        setattr(run, name, value)
    session.add(run)
    await session.flush()
    return run


def _routes(run_id: uuid.UUID) -> list[tuple[str, str, dict | None]]:
    return [
        ("post", URL, {"entity": "contact"}),
        ("get", f"{URL}/{run_id}", None),
        ("get", f"{URL}/{run_id}/changes", None),
        ("post", f"{URL}/{run_id}/apply", None),
    ]


async def test_every_route_needs_a_token(client: AsyncClient) -> None:
    for method, url, body in _routes(uuid.uuid4()):
        answer = await client.request(method, url, json=body)
        assert answer.status_code == 401, (method, url)
        assert answer.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize(
    ("caller", "allowed"),
    [
        pytest.param({"role": "sales"}, set(), id="sales-nothing"),
        pytest.param({"role": "auditor"}, {1}, id="auditor-reads-the-report-only"),
        pytest.param({"role": "dpo"}, {1}, id="dpo-reads-the-report-only"),
        pytest.param({"scopes": [READ, MANAGE]}, {0, 1, 2}, id="manage-without-write"),
        pytest.param({"scopes": [READ, MANAGE, "records:write"]}, {0, 1, 2, 3}, id="and-write"),
        pytest.param({"role": "data_steward"}, {0, 1, 2, 3}, id="data-steward-all"),
    ],
)  # fmt: skip
async def test_scopes(
    client: AsyncClient, session: AsyncSession, auth_headers: Any, caller: dict, allowed: set
) -> None:
    headers = await auth_headers(**caller)
    run = await _run(session)
    for index, (method, url, body) in enumerate(_routes(run.id)):
        answer = await client.request(method, url, json=body, headers=headers)
        if index in allowed:
            assert answer.status_code in (200, 202), (index, answer.text)
        else:
            assert answer.status_code == 403, (index, answer.text)
            assert answer.json()["code"] == "auth.missing_scope"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({}, id="no-entity"),
        pytest.param({"entity": "lead"}, id="unknown-entity"),
        pytest.param({"entity": "contact", "fields": ["siren"]}, id="company-field-on-contact"),
        pytest.param({"entity": "contact", "fields": []}, id="empty-fields"),
        pytest.param({"entity": "contact", "fields": "phone"}, id="fields-not-a-list"),
        pytest.param({"entity": "company", "source": "a b"}, id="bad-source"),
        pytest.param({"entity": "company", "source": "x" * 65}, id="long-source"),
        pytest.param({"entity": "contact", "dry_run": False}, id="unknown-key"),
        pytest.param({"entity": ["contact"]}, id="wrong-type"),
    ],
)
async def test_bad_bodies_are_422_problems(
    client: AsyncClient, auth_headers: Any, body: dict
) -> None:
    answer = await client.post(URL, json=body, headers=await auth_headers(role="admin"))
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_unknown_run_is_404_everywhere(client: AsyncClient, auth_headers: Any) -> None:
    headers = await auth_headers(role="admin")
    for method, url, _ in _routes(uuid.uuid4())[1:]:
        answer = await client.request(method, url, headers=headers)
        assert (answer.status_code, answer.json()["code"]) == (404, "quality.cleaning.not_found")


async def test_a_tampered_cursor_is_400(
    client: AsyncClient, session: AsyncSession, auth_headers: Any
) -> None:
    run = await _run(session)
    answer = await client.get(
        f"{URL}/{run.id}/changes",
        params={"cursor": "bm9wZQ"},
        headers=await auth_headers(role="admin"),
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "pagination.invalid_cursor")


async def test_starting_queues_the_dry_run_audits_it_and_replays_with_a_key(
    client: AsyncClient, session: AsyncSession, auth_headers: Any
) -> None:
    headers = await auth_headers(role="data_steward") | {"Idempotency-Key": "clean-1"}
    body = {"entity": "company", "fields": ["name", "phone"], "source": "legacy"}
    first = await client.post(URL, json=body, headers=headers)
    assert first.status_code == 202, first.text
    assert first.headers["location"] == f"{URL}/{first.json()['id']}"
    again = await client.post(URL, json=body, headers=headers)
    assert again.json() == first.json()
    job = await session.get(Job, uuid.UUID(first.json()["job_id"]))
    assert job is not None and (job.kind, job.params["step"]) == ("quality.clean", "plan")
    run = (await client.get(f"{URL}/{first.json()['id']}", headers=headers)).json()
    assert (run["status"], run["fields"], run["source"]) == (
        "planning",
        ["name", "phone"],
        "legacy",
    )
    assert run["progress"]["job_status"] == "queued" and run["applicable_until"] is None
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "quality.cleaning.requested")
    )
    assert event is not None and event.entity_id == first.json()["id"]


@pytest.mark.parametrize(
    ("state", "code", "reason"),
    [
        pytest.param({"status": "planning", "planned_at": None}, "dry_run_not_finished",
                     "planning", id="still-planning"),
        pytest.param({"status": "planned", "planned_at": utcnow() - timedelta(hours=25)},
                     "dry_run_stale", None, id="stale"),
        pytest.param({"status": "applying"}, "already_applied", None, id="applying"),
        pytest.param({"status": "applied"}, "already_applied", None, id="applied"),
    ],
)  # fmt: skip
async def test_apply_is_refused_unless_the_dry_run_is_finished_and_fresh(
    client: AsyncClient,
    session: AsyncSession,
    auth_headers: Any,
    state: dict,
    code: str,
    reason: str | None,
) -> None:
    run = await _run(session, **state)
    answer = await client.post(f"{URL}/{run.id}/apply", headers=await auth_headers(role="admin"))
    assert (answer.status_code, answer.json()["code"]) == (409, f"quality.cleaning.{code}")
    assert answer.json().get("reason") == reason


async def test_a_dry_run_whose_job_failed_reads_failed_and_cannot_be_applied(
    client: AsyncClient, session: AsyncSession, auth_headers: Any
) -> None:
    job = Job(id=uuid.uuid4(), kind="quality.clean", status="failed", params={},
              created_by_type="system")  # fmt: skip
    session.add(job)
    await session.flush()
    run = await _run(session, status="planning", planned_at=None, plan_job_id=job.id)
    headers = await auth_headers(role="admin")
    assert (await client.get(f"{URL}/{run.id}", headers=headers)).json()["status"] == "failed"
    answer = await client.post(f"{URL}/{run.id}/apply", headers=headers)
    assert (answer.json()["code"], answer.json()["reason"]) == (
        "quality.cleaning.dry_run_not_finished", "failed"
    )  # fmt: skip


async def test_a_fresh_dry_run_is_applied_once_and_audited(
    client: AsyncClient, session: AsyncSession, auth_headers: Any
) -> None:
    run = await _run(session, planned_at=utcnow() - timedelta(hours=23))
    headers = await auth_headers(role="admin")
    answer = await client.post(f"{URL}/{run.id}/apply", headers=headers)
    assert answer.status_code == 202, answer.text
    job = await session.get(Job, uuid.UUID(answer.json()["job_id"]))
    assert job is not None and job.params["step"] == "apply" and job.params["actor_type"] == "user"
    read = (await client.get(f"{URL}/{run.id}", headers=headers)).json()
    assert read["status"] == "applying" and read["progress"]["job_id"] == str(job.id)
    event = await session.scalar(
        select(AuditEvent).where(AuditEvent.action == "quality.cleaning.apply_requested")
    )
    assert event is not None and event.entity_id == str(run.id)
