"""The jobs API: read a job and its live progress, list jobs, cancel one."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app import jobs
from app.audit.models import AuditEvent
from app.auth.principal import Principal
from app.auth.scopes import ROLE_SCOPES, Role
from app.jobs import outcomes
from app.jobs.models import Job
from app.jobs.queue_repository import Lease, QueueRepository
from tests.support.auth import bearer, user_token

AuthHeaders = Callable[..., Awaitable[dict[str, str]]]
LEASE = timedelta(seconds=60)


async def person(session: AsyncSession, app: FastAPI, role: Role) -> tuple[Principal, dict]:
    user, token = await user_token(session, app.state.auth, role)
    principal = Principal(type="user", id=user.id, scopes=ROLE_SCOPES[role], role=role.value)
    return principal, bearer(token)


async def queued(session: AsyncSession, actor: Principal, kind: str = "dedup.scan") -> Job:
    return await jobs.enqueue(session, kind, {"entity": "contact"}, actor=actor)


async def running(session: AsyncSession, actor: Principal, kind: str) -> tuple[Job, Lease]:
    job = await queued(session, actor, kind)
    claimed = await QueueRepository(session).claim({kind}, "worker-a", LEASE)
    assert claimed is not None and claimed.id == job.id
    return claimed, Lease(job.id, "worker-a", claimed.attempts)


class TestGetJob:
    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        response = await client.get(f"/v1/jobs/{uuid.uuid4()}")
        assert response.status_code == 401 and response.json()["code"] == "auth.not_authenticated"

    async def test_without_records_read_is_403(
        self, client: AsyncClient, auth_headers: AuthHeaders
    ) -> None:
        headers = await auth_headers(scopes=["audit:read", "webhooks:manage"])
        response = await client.get(f"/v1/jobs/{uuid.uuid4()}", headers=headers)
        assert response.status_code == 403 and response.json()["code"] == "auth.missing_scope"

    @pytest.mark.parametrize(
        ("language", "title"),
        [
            pytest.param("fr-FR,fr;q=0.9", "Tâche introuvable", id="fr"),
            pytest.param("en", "Job not found", id="en"),
        ],
    )
    async def test_unknown_job_is_404_problem(
        self, client: AsyncClient, auth_headers: AuthHeaders, language: str, title: str
    ) -> None:
        headers = await auth_headers(role="auditor") | {"Accept-Language": language}
        response = await client.get(f"/v1/jobs/{uuid.uuid4()}", headers=headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert (response.json()["code"], response.json()["title"]) == ("jobs.not_found", title)

    @pytest.mark.parametrize("bad", ["not-a-uuid", "1", "%C3%A9t%C3%A9"])
    async def test_malformed_id_is_422(
        self, client: AsyncClient, auth_headers: AuthHeaders, bad: str
    ) -> None:
        response = await client.get(f"/v1/jobs/{bad}", headers=await auth_headers(role="sales"))
        assert response.status_code == 422 and response.json()["code"] == "validation_failed"

    async def test_a_queued_job(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        creator, headers = await person(session, app, Role.SALES)
        job = await queued(session, creator)
        response = await client.get(f"/v1/jobs/{job.id}", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["id"], body["kind"], body["status"]) == (str(job.id), "dedup.scan", "queued")
        assert body["params"] == {"entity": "contact"}
        assert body["progress"] == {"done": 0, "total": None, "percentage": None, "message": None}
        assert (body["result"], body["error"], body["attempts"], body["max_attempts"]) == (
            None,
            None,
            0,
            5,
        )
        assert body["created_by"] == {"type": "user", "id": str(creator.id)}
        assert body["started_at"] is None and body["finished_at"] is None
        assert "checkpoint" not in body and "locked_by" not in body

    async def test_a_running_job_shows_live_progress_with_a_percentage(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        creator, headers = await person(session, app, Role.DATA_STEWARD)
        job, lease = await running(session, creator, "dedup.progress")
        await QueueRepository(session).touch(
            lease,
            LEASE,
            progress_done=250_000,
            progress_total=1_000_000,
            progress_message="dedup.scan",
        )
        body = (await client.get(f"/v1/jobs/{job.id}", headers=headers)).json()
        assert (body["status"], body["attempts"]) == ("running", 1)
        assert body["progress"] == {
            "done": 250_000,
            "total": 1_000_000,
            "percentage": 25.0,
            "message": "dedup.scan",
        }
        assert body["started_at"] is not None and body["heartbeat_at"] is not None

    async def test_a_finished_job_shows_its_result(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        creator, headers = await person(session, app, Role.SALES)
        job, lease = await running(session, creator, "dedup.finished")
        assert await outcomes.succeeded(app.state.sessionmaker, lease, {"pairs": 12}) == "succeeded"
        body = (await client.get(f"/v1/jobs/{job.id}", headers=headers)).json()
        assert (body["status"], body["result"], body["error"]) == ("succeeded", {"pairs": 12}, None)
        assert body["finished_at"] is not None

    async def test_a_failed_job_shows_its_error_code(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        creator, headers = await person(session, app, Role.SALES)
        job, lease = await running(session, creator, "dedup.broken")
        status = await outcomes.failed(
            app.state.sessionmaker, lease, "job.exception", "KeyError", retry=False, delay=LEASE
        )
        assert status == "failed"
        body = (await client.get(f"/v1/jobs/{job.id}", headers=headers)).json()
        assert body["status"] == "failed"
        assert body["error"] == {"code": "job.exception", "message": "KeyError"}


class TestListJobs:
    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        assert (await client.get("/v1/jobs")).status_code == 401

    async def test_without_records_read_is_403(
        self, client: AsyncClient, auth_headers: AuthHeaders
    ) -> None:
        response = await client.get("/v1/jobs", headers=await auth_headers(scopes=["validate"]))
        assert response.status_code == 403

    async def test_pages_newest_first_with_filters(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        creator, headers = await person(session, app, Role.AUDITOR)
        scans = [await queued(session, creator, "dedup.scan") for _ in range(5)]
        await queued(session, creator, "retention.sweep")
        cancelled = await queued(session, creator, "dedup.scan")
        await jobs.service.request_cancel(session, creator, cancelled.id)

        seen: list[str] = []
        cursor = None
        for _ in range(10):
            params: dict[str, Any] = {"kind": "dedup.scan", "status": "queued", "limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = (await client.get("/v1/jobs", params=params, headers=headers)).json()
            seen += [item["id"] for item in page["items"]]
            assert all(i["kind"] == "dedup.scan" and i["status"] == "queued" for i in page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        # One transaction gives them one created_at: the id breaks the tie, consistently.
        assert seen == [str(j.id) for j in sorted(scans, key=lambda j: j.id, reverse=True)]

        everything = (await client.get("/v1/jobs", headers=headers)).json()
        assert len(everything["items"]) == 7 and everything["next_cursor"] is None
        only_cancelled = (
            await client.get("/v1/jobs", params={"status": "cancelled"}, headers=headers)
        ).json()
        assert [i["id"] for i in only_cancelled["items"]] == [str(cancelled.id)]

    @pytest.mark.parametrize(
        ("params", "status", "code"),
        [
            pytest.param({"cursor": "garbage!"}, 400, "pagination.invalid_cursor", id="cursor"),
            pytest.param({"status": "done"}, 422, "validation_failed", id="unknown-status"),
            pytest.param({"kind": "Dédup Scan"}, 422, "validation_failed", id="kind-free-text"),
            pytest.param({"kind": "x" * 65}, 422, "validation_failed", id="kind-too-long"),
            pytest.param({"limit": 0}, 422, "validation_failed", id="limit-zero"),
            pytest.param({"limit": 201}, 422, "validation_failed", id="limit-too-big"),
        ],
    )
    async def test_bad_query_is_a_problem(
        self,
        client: AsyncClient,
        auth_headers: AuthHeaders,
        params: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        response = await client.get(
            "/v1/jobs", params=params, headers=await auth_headers(role="sales")
        )
        assert response.status_code == status and response.json()["code"] == code


class TestCancelJob:
    async def test_without_token_is_401(self, client: AsyncClient) -> None:
        assert (await client.post(f"/v1/jobs/{uuid.uuid4()}/cancel")).status_code == 401

    async def test_without_records_read_is_403(
        self, client: AsyncClient, auth_headers: AuthHeaders
    ) -> None:
        headers = await auth_headers(scopes=["webhooks:manage"])
        response = await client.post(f"/v1/jobs/{uuid.uuid4()}/cancel", headers=headers)
        assert response.status_code == 403 and response.json()["code"] == "auth.missing_scope"

    async def test_unknown_job_is_404(self, client: AsyncClient, auth_headers: AuthHeaders) -> None:
        response = await client.post(
            f"/v1/jobs/{uuid.uuid4()}/cancel", headers=await auth_headers(role="admin")
        )
        assert response.status_code == 404 and response.json()["code"] == "jobs.not_found"

    async def test_the_creator_cancels_a_queued_job_at_once(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        creator, headers = await person(session, app, Role.SALES)
        job = await queued(session, creator)
        response = await client.post(f"/v1/jobs/{job.id}/cancel", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["cancel_requested"]) == ("cancelled", True)
        assert body["finished_at"] is not None
        event = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.entity_id == str(job.id), AuditEvent.action == "job.cancel_requested"
            )
        )
        assert event is not None and event.actor_id == str(creator.id)
        assert event.details == {"kind": "dedup.scan", "status": "queued"}
        # A cancelled job is never claimed.
        assert await QueueRepository(session).claim({"dedup.scan"}, "w", LEASE) is None

    async def test_a_running_job_is_asked_to_stop(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        creator, headers = await person(session, app, Role.DATA_STEWARD)
        job, lease = await running(session, creator, "dedup.running")
        response = await client.post(f"/v1/jobs/{job.id}/cancel", headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["cancel_requested"], body["finished_at"]) == (
            "running",
            True,
            None,
        )
        # The worker hears it at its next heartbeat or report.
        assert await QueueRepository(session).touch(lease, LEASE) is True
        again = await client.post(f"/v1/jobs/{job.id}/cancel", headers=headers)
        assert again.status_code == 200 and again.json()["status"] == "running"

    async def test_someone_else_is_403_but_an_admin_may(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        creator, _ = await person(session, app, Role.SALES)
        _, colleague = await person(session, app, Role.DATA_STEWARD)
        _, admin = await person(session, app, Role.ADMIN)
        job = await queued(session, creator)

        refused = await client.post(f"/v1/jobs/{job.id}/cancel", headers=colleague)
        assert refused.status_code == 403 and refused.json()["code"] == "jobs.not_owner"
        still = (await client.get(f"/v1/jobs/{job.id}", headers=colleague)).json()
        assert (still["status"], still["cancel_requested"]) == ("queued", False)

        allowed = await client.post(f"/v1/jobs/{job.id}/cancel", headers=admin)
        assert allowed.status_code == 200 and allowed.json()["status"] == "cancelled"

    async def test_a_system_job_is_cancelled_by_an_admin_only(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession
    ) -> None:
        system = Principal(type="system", id=None, scopes=frozenset())
        job = await queued(session, system)
        _, steward = await person(session, app, Role.DATA_STEWARD)
        _, admin = await person(session, app, Role.ADMIN)
        assert (await client.post(f"/v1/jobs/{job.id}/cancel", headers=steward)).status_code == 403
        assert (await client.post(f"/v1/jobs/{job.id}/cancel", headers=admin)).status_code == 200

    @pytest.mark.parametrize("end", ["succeeded", "failed", "cancelled"])
    async def test_a_finished_job_is_409(
        self, client: AsyncClient, app: FastAPI, session: AsyncSession, end: str
    ) -> None:
        creator, headers = await person(session, app, Role.SALES)
        job, lease = await running(session, creator, f"dedup.{end}")
        sessions = app.state.sessionmaker
        match end:
            case "succeeded":
                await outcomes.succeeded(sessions, lease, {})
            case "failed":
                await outcomes.failed(
                    sessions, lease, "job.exception", "X", retry=False, delay=LEASE
                )
            case "cancelled":
                await outcomes.cancelled(sessions, lease)
        response = await client.post(
            f"/v1/jobs/{job.id}/cancel", headers=headers | {"Accept-Language": "en"}
        )
        assert response.status_code == 409
        body = response.json()
        assert (body["code"], body["status"], body["job_status"]) == (
            "jobs.already_finished",
            409,
            end,
        )
        assert body["title"].startswith("The job has already finished")
