"""Request register use cases: record a request, move it along, extend its deadline."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.gdpr import dsr_policy as policy
from app.gdpr.dsr_errors import (
    DsrExtensionRefused,
    DsrInvalid,
    DsrNotFound,
    DsrTransitionRefused,
    DsrVersionMismatch,
)
from app.gdpr.dsr_models import DsrRequest
from app.gdpr.dsr_repository import DsrRepository
from app.gdpr.dsr_schemas import DsrCreate, DsrUpdate

ENTITY = "dsr_request"
# A request typed in from another machine may carry a clock a little ahead of ours.
CLOCK_SKEW = timedelta(minutes=5)


async def create(
    session: AsyncSession, actor: Principal, body: DsrCreate, now: datetime
) -> DsrRequest:
    received_at = body.received_at or now
    if received_at > now + CLOCK_SKEW:
        raise DsrInvalid(reason="received_in_future")
    repo = DsrRepository(session)
    await _check_references(repo, body.handler_id, body.contact_id)
    request = DsrRequest(
        id=uuid.uuid4(),
        kind=body.kind,
        status="received",
        channel=body.channel,
        received_at=received_at,
        due_at=policy.due_at(received_at),
        extended_months=0,
        handler_id=body.handler_id,
        contact_id=body.contact_id,
        notes=body.notes,
        version=1,
        created_by_type=actor.type,
        created_by_id=actor.id,
    )
    await repo.add(request)
    await audit.record(
        session,
        actor,
        "gdpr.request.created",
        entity_type=ENTITY,
        entity_id=request.id,
        fields=sorted(body.model_fields_set),
        details={"kind": request.kind, "channel": request.channel},
    )
    return request


async def get(session: AsyncSession, request_id: uuid.UUID) -> DsrRequest:
    request = await DsrRepository(session).get(request_id)
    if request is None:
        raise DsrNotFound()
    return request


async def update(
    session: AsyncSession,
    actor: Principal,
    request_id: uuid.UUID,
    body: DsrUpdate,
    *,
    expected_version: int | None,
    now: datetime,
) -> DsrRequest:
    repo = DsrRepository(session)
    request = await repo.get(request_id, for_update=True)
    if request is None:
        raise DsrNotFound()
    if expected_version is not None and expected_version != request.version:
        raise DsrVersionMismatch(expected=expected_version, actual=request.version)
    sent = body.model_fields_set
    # Only new references are checked: a subject deleted since keeps its id here.
    await _check_references(
        repo,
        body.handler_id if "handler_id" in sent and body.handler_id != request.handler_id else None,
        body.contact_id if "contact_id" in sent and body.contact_id != request.contact_id else None,
    )
    changed: list[str] = []
    if body.extension is not None:
        changed += _extend(request, body.extension.months, body.extension.reason, now)
    for name in ("handler_id", "contact_id", "notes"):
        if name in sent and getattr(request, name) != getattr(body, name):
            setattr(request, name, getattr(body, name))
            changed.append(name)
    if "status" in sent:
        changed += _move(request, body.status, now)
    if not changed:
        return request
    request.version += 1
    changed.append("version")
    await session.flush()
    await audit.record(
        session,
        actor,
        "gdpr.request.updated",
        entity_type=ENTITY,
        entity_id=request.id,
        fields=sorted(set(changed)),
        details={"status": request.status, "extended_months": request.extended_months},
    )
    return request


def _move(request: DsrRequest, status: str | None, now: datetime) -> list[str]:
    if status is None or status == request.status:
        return []
    if not policy.can_move(request.status, status):
        raise DsrTransitionRefused(current=request.status, requested=status)
    request.status = status
    if status in policy.CLOSED_STATUSES:
        request.completed_at = now
        return ["status", "completed_at"]
    return ["status"]


def _extend(request: DsrRequest, months: int, reason: str, now: datetime) -> list[str]:
    refusal = policy.extension_refusal(
        request.received_at, request.status, request.extended_months, months, now
    )
    if refusal is not None:
        raise DsrExtensionRefused(reason=refusal)
    if months == request.extended_months and reason == request.extension_reason:
        return []
    request.extended_months = months
    request.extension_reason = reason
    request.due_at = policy.due_at(request.received_at, months)
    return ["extended_months", "extension_reason", "due_at"]


async def _check_references(
    repo: DsrRepository, handler_id: uuid.UUID | None, contact_id: uuid.UUID | None
) -> None:
    if handler_id is not None and not await repo.active_user_exists(handler_id):
        raise DsrInvalid(reason="handler_unknown")
    if contact_id is not None and not await repo.contact_exists(contact_id):
        raise DsrInvalid(reason="contact_unknown")
