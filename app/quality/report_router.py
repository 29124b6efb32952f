"""Dataset quality: the report, snapshots and the trend they draw."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import AwareDatetime

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import InvalidCursor, Page, Pagination, keyset_after, keyset_page
from app.core.timeutil import utcnow
from app.gdpr.retention_policy import RetentionPolicy
from app.quality import report_service, snapshot_job, snapshot_service  # noqa: F401 (job)
from app.quality.goal_errors import QualityInputInvalid
from app.quality.report_metrics import ENTITIES
from app.quality.report_repository import ReportFilters
from app.quality.report_schemas import QualityReport
from app.quality.snapshot_models import QualitySnapshot
from app.quality.snapshot_schemas import SnapshotCreate, SnapshotRead, SnapshotsTaken, Trend

router = APIRouter(prefix="/v1/quality", tags=["quality"], responses=auth_problem_responses())
CanRead = Annotated[Principal, requires(Scope.QUALITY_READ)]
CanManage = Annotated[Principal, requires(Scope.QUALITY_MANAGE)]
EntityName = Literal["contact", "company"]
Q = Query


async def _policy(request: Request) -> RetentionPolicy:
    return request.app.state.retention_policy


Policy = Annotated[RetentionPolicy, Depends(_policy)]


async def report_filters(
    source: Annotated[str | None, Q(max_length=64, description="source_system")] = None,
    owner: Annotated[uuid.UUID | None, Q(description="owner_id")] = None,
    country: Annotated[str | None, Q(pattern="^[A-Za-z]{2}$")] = None,
    lifecycle_stage: Annotated[str | None, Q(max_length=32, description="Contacts")] = None,
    job_function: Annotated[str | None, Q(max_length=32, description="Contacts")] = None,
    sector: Annotated[
        str | None, Q(max_length=120, description="A company's sector; a contact's company's")
    ] = None,
    size: Annotated[str | None, Q(max_length=16, description="Companies")] = None,
) -> ReportFilters:
    return ReportFilters(source, owner, country, lifecycle_stage, job_function, sector, size)


@router.get(
    "/report",
    response_model=QualityReport,
    operation_id="get_quality_report",
    responses=problem_responses(QualityInputInvalid),
)
async def get_quality_report(
    principal: CanRead,
    session: DbSession,
    policy: Policy,
    filters: Annotated[ReportFilters, Depends(report_filters)],
    entity: EntityName = "contact",
    breakdowns: Annotated[
        bool, Q(description="Also break the metrics down by source system and creator")
    ] = True,
) -> QualityReport:
    """Data quality of the active records (optionally of a segment: source system, owner,
    country, lifecycle stage, job function, sector, size): fill rate per field, invalid and
    suspicious emails and phones, phones not in E.164, contacts without civility, duplicate
    rate (records in an open duplicate pair), stale records (12/24/36 months without
    interaction), contacts past retention, unsubscribed and bounced contacts, the average
    score — each as a count and a share of `records` — whether each goal is met, and the
    same metrics per source system and per creating user or service account."""
    return await report_service.build_report(
        session, entity, filters, policy, utcnow(), breakdowns=breakdowns
    )


@router.post(
    "/snapshots",
    status_code=201,
    response_model=SnapshotsTaken,
    operation_id="take_quality_snapshots",
)
async def take_quality_snapshots(
    body: SnapshotCreate, principal: CanManage, session: DbSession, policy: Policy
) -> SnapshotsTaken:
    """Snapshot the whole dataset's metrics now (both entities unless one is named). A
    snapshot is never filtered: it is a point of the trend. Also taken on a schedule
    (`CRMDQ_QUALITY_SNAPSHOT_EVERY_H`)."""
    entities = [body.entity] if body.entity else list(ENTITIES)
    taken = await snapshot_service.take(
        session, principal, entities, trigger="manual", policy=policy, now=utcnow()
    )
    return SnapshotsTaken(items=[_read(s) for s in taken])


@router.get(
    "/snapshots",
    response_model=Page[SnapshotRead],
    operation_id="list_quality_snapshots",
    responses=problem_responses(InvalidCursor),
)
async def list_quality_snapshots(
    principal: CanRead, session: DbSession, page: Pagination, entity: EntityName | None = None
) -> Page[SnapshotRead]:
    """Snapshots, newest first."""
    rows = await snapshot_service.newest_first(
        session, entity, before=keyset_after(page.cursor), limit=page.limit + 1
    )
    items = [_read(s) for s in rows]
    return keyset_page(items, page.limit, lambda s: (s.taken_at.isoformat(), s.id))


@router.get(
    "/trend",
    response_model=Trend,
    operation_id="get_quality_trend",
    responses=problem_responses(QualityInputInvalid),
)
async def get_quality_trend(
    principal: CanRead,
    session: DbSession,
    entity: EntityName = "contact",
    metric: Annotated[
        list[str] | None,
        Q(max_length=100, description="Repeat for several; all metrics when omitted"),
    ] = None,
    since: Annotated[AwareDatetime | None, Q(alias="from")] = None,
    until: Annotated[AwareDatetime | None, Q(alias="to")] = None,
) -> Trend:
    """Each metric over time, one point per snapshot in [from, to] (the latest 1,000 at
    most), oldest first, with the metric's goal judged on the latest point."""
    return await snapshot_service.trend(session, entity, metric or [], since, until)


def _read(snapshot: QualitySnapshot) -> SnapshotRead:
    return SnapshotRead.model_validate(snapshot, from_attributes=True)
