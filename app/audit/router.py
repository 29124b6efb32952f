"""Audit trail over HTTP: filtered listing (newest first) and chain verification."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime

from app.audit import service
from app.audit.deps import CanReadAudit
from app.audit.facts import ActorType
from app.audit.repository import AuditFilter
from app.audit.schemas import AuditEventRead, BrokenLinkRead, ChainVerification
from app.auth.errors import InvalidAccessToken, MissingScope, NotAuthenticated
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import InvalidCursor, Page, Pagination, decode_cursor, encode_cursor

router = APIRouter(prefix="/v1/audit", tags=["audit"])

_AUTH_PROBLEMS = (NotAuthenticated, InvalidAccessToken, MissingScope)
_ACTION_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.?$"


@router.get(
    "",
    response_model=Page[AuditEventRead],
    responses=problem_responses(*_AUTH_PROBLEMS, InvalidCursor),
)
async def list_audit_events(
    principal: CanReadAudit,
    session: DbSession,
    page: Pagination,
    actor_id: Annotated[str | None, Query(max_length=128)] = None,
    actor_type: ActorType | None = None,
    entity_type: Annotated[str | None, Query(max_length=50)] = None,
    entity_id: Annotated[str | None, Query(max_length=128)] = None,
    action: Annotated[
        str | None,
        Query(
            max_length=100,
            pattern=_ACTION_PATTERN,
            description='Exact action, or a prefix ending with a dot: "auth." matches '
            '"auth.login.succeeded".',
        ),
    ] = None,
    since: Annotated[AwareDatetime | None, Query(description="Inclusive; with a time zone")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Exclusive; with a time zone")] = None,
) -> Page[AuditEventRead]:
    """Audit events, newest first, filtered by actor, entity, action and time."""
    where = AuditFilter(
        actor_id=actor_id,
        actor_type=actor_type,
        entity_type=entity_type,
        entity_id=entity_id,
        action=action if action and not action.endswith(".") else None,
        action_prefix=action if action and action.endswith(".") else None,
        since=since,
        until=until,
    )
    before_seq = _cursor_seq(page.cursor) if page.cursor else None
    events = await service.list_events(session, where, before_seq=before_seq, limit=page.limit + 1)
    items = [AuditEventRead.model_validate(e) for e in events[: page.limit]]
    more = len(events) > page.limit
    return Page(items=items, next_cursor=encode_cursor(items[-1].seq) if more else None)


@router.get(
    "/verify",
    response_model=ChainVerification,
    responses=problem_responses(*_AUTH_PROBLEMS),
)
async def verify_audit_chain(principal: CanReadAudit, session: DbSession) -> ChainVerification:
    """Recompute every link of the chain; names the first event that was altered or removed."""
    report = await service.verify_chain(session)
    broken = report.first_broken
    return ChainVerification(
        ok=report.ok,
        checked=report.checked,
        first_broken=(
            BrokenLinkRead(seq=broken.seq, id=broken.id, reason=broken.reason) if broken else None
        ),
    )


def _cursor_seq(cursor: str) -> int:
    (raw,) = decode_cursor(cursor, 1)
    if not raw.isdecimal() or not raw.isascii() or len(raw) > 19:
        raise InvalidCursor()
    return int(raw)
