"""Retention: which contacts fall due, and sweeps that anonymise or delete them."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from app.auth.deps import requires
from app.auth.errors import MissingScope, auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import InvalidCursor, Page, Pagination, keyset_after, keyset_page
from app.core.timeutil import utcnow
from app.gdpr import retention_job  # noqa: F401  (registers the sweep's handler)
from app.gdpr import retention_service as service
from app.gdpr.retention_errors import DryRunRequired, SweepAlreadyRunning
from app.gdpr.retention_policy import RetentionPolicy
from app.gdpr.retention_schemas import DueContact, SweepCreate, SweepStarted

router = APIRouter(prefix="/v1/gdpr/retention", tags=["gdpr"], responses=auth_problem_responses())
CanManage = Annotated[Principal, requires(Scope.GDPR_MANAGE)]


async def _policy(request: Request) -> RetentionPolicy:
    # Built from settings by create_app; one policy for the whole process.
    return request.app.state.retention_policy


Policy = Annotated[RetentionPolicy, Depends(_policy)]


@router.get("/due", response_model=Page[DueContact], operation_id="list_retention_due",
            responses=problem_responses(InvalidCursor))  # fmt: skip
async def list_retention_due(
    principal: CanManage,
    session: DbSession,
    policy: Policy,
    page: Pagination,
    within_days: Annotated[
        int, Query(ge=0, le=3660, description="Also contacts falling due within this many days")
    ] = 0,
) -> Page[DueContact]:
    """Active contacts past their retention period (or within `within_days` of it), the
    longest inactive first, each with the date it falls due. A legal hold exempts a
    contact; customers are kept unless the policy sets a period for them."""
    now = utcnow()
    rows = await service.due_page(
        session,
        policy,
        now + timedelta(days=within_days),
        after=keyset_after(page.cursor),
        limit=page.limit + 1,
    )
    items = [
        DueContact(id=r.id, clock_start=r.clock_start, due_at=r.due_at, overdue=r.due_at <= now)
        for r in rows
    ]
    return keyset_page(items, page.limit, lambda c: (c.clock_start.isoformat(), c.id))


@router.post(
    "/sweeps",
    status_code=202,
    response_model=SweepStarted,
    operation_id="start_retention_sweep",
    responses=problem_responses(DryRunRequired, SweepAlreadyRunning, MissingScope),
)
async def start_retention_sweep(
    body: SweepCreate, principal: CanManage, session: DbSession, policy: Policy
) -> Any:
    """Start a sweep in the background worker. A dry run (the default) reports how many
    contacts are due and lists the first 100 ids; it changes nothing. A real sweep
    (`dry_run: false`, needs `gdpr:erase` too) must cite a successful dry run of the same
    policy from the last 24 hours, and erases only what was due when that dry run ran. The
    report is the job's result at `/v1/jobs/{job_id}`."""
    job = await service.start_sweep(
        session,
        principal,
        policy,
        dry_run=body.dry_run,
        dry_run_job_id=body.dry_run_job_id,
        now=utcnow(),
    )
    return SweepStarted(job_id=job.id, status=job.status, dry_run=body.dry_run)
