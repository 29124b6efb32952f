"""Job use cases for the rest of the service: enqueue in the caller's transaction, read, cancel."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.jobs.errors import JobAlreadyFinished, JobNotFound, NotJobOwner
from app.jobs.models import Job
from app.jobs.policy import (
    FINISHED_STATUSES,
    MAX_ATTEMPTS_LIMIT,
    MAX_PARAMS_BYTES,
    InvalidJobPayload,
    check_document,
    check_kind,
)
from app.jobs.repository import JobRepository

DEFAULT_MAX_ATTEMPTS = 5


async def enqueue(
    session: AsyncSession,
    kind: str,
    params: Mapping[str, Any],
    *,
    actor: Principal,
    run_after: datetime | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Job:
    """Queue a job inside the caller's transaction: it exists if and only if that commits.

    `params` is a small JSON object of ids, codes and numbers: never personal data (a key
    naming one, such as "email", is refused), since the jobs table is not erased per person.
    """
    check_kind(kind)
    clean = check_document(params, "params", MAX_PARAMS_BYTES)
    if isinstance(max_attempts, bool) or not isinstance(max_attempts, int):
        raise InvalidJobPayload("max_attempts must be an integer")
    if not 1 <= max_attempts <= MAX_ATTEMPTS_LIMIT:
        raise InvalidJobPayload(f"max_attempts must be between 1 and {MAX_ATTEMPTS_LIMIT}")
    if run_after is not None and (run_after.tzinfo is None or run_after.utcoffset() is None):
        raise InvalidJobPayload("run_after must be timezone-aware")
    job = Job(
        id=uuid.uuid4(),
        kind=kind,
        params=clean,
        max_attempts=max_attempts,
        created_by_type=actor.type,
        created_by_id=actor.id,
    )
    if run_after is not None:
        job.run_after = run_after
    await JobRepository(session).add(job)
    await audit.record(
        session, actor, "job.enqueued", entity_type="job", entity_id=job.id, details={"kind": kind}
    )
    return job


async def get_job(session: AsyncSession, job_id: uuid.UUID) -> Job:
    job = await JobRepository(session).get(job_id)
    if job is None:
        raise JobNotFound()
    return job


async def list_jobs(
    session: AsyncSession,
    *,
    kind: str | None,
    status: str | None,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Job]:
    return await JobRepository(session).list_newest_first(
        kind=kind, status=status, before=before, limit=limit
    )


async def request_cancel(session: AsyncSession, actor: Principal, job_id: uuid.UUID) -> Job:
    """A queued job is cancelled at once; a running one is asked to stop at its next unit."""
    repo = JobRepository(session)
    # Row-locked: a worker claiming it meanwhile is waited for, so its status is current.
    job = await repo.get(job_id, for_update=True)
    if job is None:
        raise JobNotFound()
    if not (is_creator(actor, job) or actor.has(Scope.USERS_MANAGE)):
        raise NotJobOwner()
    if job.status in FINISHED_STATUSES:
        raise JobAlreadyFinished(job_status=job.status)
    was = job.status
    job.cancel_requested = True
    if was == "queued":
        job.status = "cancelled"
        job.finished_at = await repo.now()
    await session.flush()
    await audit.record(
        session,
        actor,
        "job.cancel_requested",
        entity_type="job",
        entity_id=job.id,
        details={"kind": job.kind, "status": was},
    )
    return job


def is_creator(actor: Principal, job: Job) -> bool:
    return actor.id is not None and (actor.type, actor.id) == (
        job.created_by_type,
        job.created_by_id,
    )
