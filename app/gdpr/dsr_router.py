"""The register of GDPR requests: record, list, follow up, and the overdue report."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response

from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.idempotency import Idempotency, idempotent_responses
from app.core.pagination import (
    InvalidCursor,
    Page,
    Pagination,
    keyset_after,
    keyset_page,
)
from app.core.timeutil import utcnow
from app.gdpr import dsr_policy as policy
from app.gdpr import dsr_service as service
from app.gdpr.dsr_errors import (
    DsrExtensionRefused,
    DsrIfMatchInvalid,
    DsrInvalid,
    DsrNotFound,
    DsrTransitionRefused,
    DsrVersionMismatch,
)
from app.gdpr.dsr_models import DsrRequest
from app.gdpr.dsr_policy import Kind, Status
from app.gdpr.dsr_repository import DsrRepository
from app.gdpr.dsr_schemas import DsrCreate, DsrRead, DsrUpdate

router = APIRouter(prefix="/v1/gdpr/requests", tags=["gdpr"], responses=auth_problem_responses())
CanManage = Annotated[Principal, requires(Scope.GDPR_MANAGE)]
_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def to_read(request: DsrRequest, now: datetime) -> DsrRead:
    data = {name: getattr(request, name) for name in DsrRead.model_fields if hasattr(request, name)}
    data["overdue"] = policy.is_overdue(request.status, request.due_at, now)
    data["days_left"] = policy.days_left(request.due_at, now)
    return DsrRead.model_validate(data)


def _expected_version(request: Request) -> int | None:
    header = request.headers.get("if-match")
    if header is None:
        return None
    match = _IF_MATCH.match(header)
    if match is None:
        raise DsrIfMatchInvalid()
    return int(match.group(1))


def _etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


@router.post("", status_code=201, response_model=DsrRead, operation_id="create_gdpr_request",
             responses=idempotent_responses(201, DsrInvalid))  # fmt: skip
async def create_gdpr_request(
    body: DsrCreate, principal: CanManage, session: DbSession, idem: Idempotency
) -> Any:
    """Record a request from a person (access, rectification, erasure, objection,
    portability, restriction). Its legal deadline is one calendar month after receipt
    (31 January → end of February). `notes` must not hold personal data."""

    async def work() -> DsrRead:
        now = utcnow()
        return to_read(await service.create(session, principal, body, now), now)

    return await idem.run(
        body,
        status_code=201,
        work=work,
        headers=lambda r: {"Location": f"/v1/gdpr/requests/{r.id}"} | _etag(r.version),
    )


@router.get("", response_model=Page[DsrRead], operation_id="list_gdpr_requests",
            responses=problem_responses(InvalidCursor))  # fmt: skip
async def list_gdpr_requests(
    principal: CanManage,
    session: DbSession,
    page: Pagination,
    status: Status | None = None,
    kind: Kind | None = None,
    overdue: Annotated[
        bool, Query(description="Only open requests whose deadline has passed")
    ] = False,
) -> Page[DsrRead]:
    """The register, most recently received first."""
    now = utcnow()
    found = await DsrRepository(session).newest_first(
        status=status,
        kind=kind,
        overdue_at=now if overdue else None,
        before=keyset_after(page.cursor),
        limit=page.limit + 1,
    )
    items = [to_read(r, now) for r in found]
    return keyset_page(items, page.limit, lambda r: (r.received_at.isoformat(), r.id))


@router.get("/overdue", response_model=Page[DsrRead], operation_id="list_overdue_gdpr_requests",
            responses=problem_responses(InvalidCursor))  # fmt: skip
async def list_overdue_gdpr_requests(
    principal: CanManage,
    session: DbSession,
    page: Pagination,
    within_days: Annotated[
        int, Query(ge=0, le=366, description="Also requests due within this many days")
    ] = 0,
) -> Page[DsrRead]:
    """Open requests past their deadline, and with `within_days` those due soon: the most
    late first. Each says `overdue` and `days_left`."""
    now = utcnow()
    found = await DsrRepository(session).open_due_by(
        now + timedelta(days=within_days),
        after=keyset_after(page.cursor),
        limit=page.limit + 1,
    )
    items = [to_read(r, now) for r in found]
    return keyset_page(items, page.limit, lambda r: (r.due_at.isoformat(), r.id))


@router.get("/{request_id}", response_model=DsrRead, operation_id="get_gdpr_request",
            responses=problem_responses(DsrNotFound))  # fmt: skip
async def get_gdpr_request(
    request_id: uuid.UUID, response: Response, principal: CanManage, session: DbSession
) -> DsrRead:
    """One request, with its `ETag` for a later PATCH."""
    request = await service.get(session, request_id)
    response.headers.update(_etag(request.version))
    return to_read(request, utcnow())


@router.patch(
    "/{request_id}",
    response_model=DsrRead,
    operation_id="update_gdpr_request",
    responses=problem_responses(
        DsrNotFound,
        DsrInvalid,
        DsrIfMatchInvalid,
        DsrVersionMismatch,
        DsrTransitionRefused,
        DsrExtensionRefused,
    ),
)
async def update_gdpr_request(
    request_id: uuid.UUID,
    body: DsrUpdate,
    request: Request,
    response: Response,
    principal: CanManage,
    session: DbSession,
) -> DsrRead:
    """Move a request along (received → in_progress → completed | refused; closed ones stay
    closed), assign its handler, or extend its deadline by 1 or 2 months with a reason
    (only within the first month). `If-Match` is optional: when sent, a stale ETag is 412."""
    now = utcnow()
    updated = await service.update(
        session,
        principal,
        request_id,
        body,
        expected_version=_expected_version(request),
        now=now,
    )
    response.headers.update(_etag(updated.version))
    return to_read(updated, now)
