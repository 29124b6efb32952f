"""Jobs over HTTP: follow a job's progress, list jobs, cancel one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import InvalidCursor, Page, Pagination, keyset_after, keyset_page
from app.jobs import service
from app.jobs.errors import JobAlreadyFinished, JobNotFound, NotJobOwner
from app.jobs.policy import KIND_PATTERN, MAX_KIND_LEN
from app.jobs.schemas import JobRead, JobStatus

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], responses=auth_problem_responses())

# Job params, progress and results hold no personal data, so reading them needs no more
# than reading records; cancelling also needs to be the creator or an administrator.
CanReadJobs = Annotated[Principal, requires(Scope.RECORDS_READ)]


@router.get("", response_model=Page[JobRead], responses=problem_responses(InvalidCursor))
async def list_jobs(
    principal: CanReadJobs,
    session: DbSession,
    page: Pagination,
    kind: Annotated[str | None, Query(max_length=MAX_KIND_LEN, pattern=KIND_PATTERN)] = None,
    status: JobStatus | None = None,
) -> Page[JobRead]:
    """Jobs, newest first, filtered by kind and status."""
    jobs = await service.list_jobs(
        session, kind=kind, status=status, before=keyset_after(page.cursor), limit=page.limit + 1
    )
    items = [JobRead.of(job) for job in jobs]
    return keyset_page(items, page.limit, lambda j: (j.created_at.isoformat(), j.id))


@router.get("/{job_id}", response_model=JobRead, responses=problem_responses(JobNotFound))
async def get_job(job_id: uuid.UUID, principal: CanReadJobs, session: DbSession) -> JobRead:
    """One job: status, live progress (with a percentage), result or error, timestamps."""
    return JobRead.of(await service.get_job(session, job_id))


@router.post(
    "/{job_id}/cancel",
    response_model=JobRead,
    responses=problem_responses(JobNotFound, NotJobOwner, JobAlreadyFinished),
)
async def cancel_job(job_id: uuid.UUID, principal: CanReadJobs, session: DbSession) -> JobRead:
    """Cancel a job (its creator or an administrator). A queued job is cancelled at once;
    a running one stops at its next unit of work, keeping what it already committed.
    A finished job answers 409."""
    return JobRead.of(await service.request_cancel(session, principal, job_id))
