"""Inbound webhooks: the CRM's signed deliveries, their secrets, and the inbox."""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from app.audit import service as audit
from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import ANONYMOUS, Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import Conflict, NotFound, PayloadTooLarge, problem_responses
from app.core.pagination import InvalidCursor, Page, Pagination, keyset_after, keyset_page
from app.core.timeutil import utcnow
from app.webhooks import inbound
from app.webhooks.inbound_repository import InboundRepository
from app.webhooks.inbound_schemas import (
    Accepted,
    InboundEvent,
    InboxRead,
    SecretCreated,
    SecretRead,
)
from app.webhooks.signatures import (
    SignatureMissing,
    SignatureRefused,
    TimestampOutOfTolerance,
    UnknownSource,
    verify,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
CanManage = Annotated[Principal, requires(Scope.WEBHOOKS_MANAGE)]
Source = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class InboxEntryNotFound(NotFound):
    code = "webhooks.inbox_not_found"
    title = {"en": "Inbox entry not found", "fr": "Entrée de boîte de réception introuvable"}


class SecretNotFound(NotFound):
    code = "webhooks.secret_not_found"
    title = {"en": "Secret not found", "fr": "Secret introuvable"}


class NotRetryable(Conflict):
    code = "webhooks.not_retryable"
    title = {
        "en": "Only a rejected or failed entry can be processed again",
        "fr": "Seule une entrée rejetée ou en échec peut être traitée à nouveau",
    }


@router.post(
    "/inbound/{source}",
    status_code=202,
    response_model=Accepted,
    operation_id="receive_webhook",
    responses={200: {"model": Accepted, "description": "Already received (same webhook-id)"}}
    | problem_responses(
        SignatureRefused, SignatureMissing, TimestampOutOfTolerance, UnknownSource,
        PayloadTooLarge,
    ),
)  # fmt: skip
async def receive(source: Source, request: Request, session: DbSession) -> Response:
    """A record change from the CRM, signed per Standard Webhooks (`webhook-id`,
    `webhook-timestamp`, `webhook-signature`; HMAC-SHA256 with one of the source's
    `whsec_…` secrets; five minutes of tolerance). Answered 202 once stored (the worker
    applies it), 200 `duplicate` for a `webhook-id` already received, 401 for a bad or
    missing signature (audited), 422 for a malformed body. Body: `{"type":
    "contact.created" | "contact.updated" | "contact.deleted" | "company.…", "occurred_at"?,
    "data": {"external_id", "fields": {…}}}`."""
    settings = request.app.state.settings
    body = await request.body()
    if len(body) > settings.webhook_max_body_bytes:
        raise PayloadTooLarge(limit=settings.webhook_max_body_bytes)
    keyring = request.app.state.auth.encryption
    secrets = await inbound.source_secrets(session, settings, keyring, source)
    try:
        webhook_id = verify(
            body, request.headers, secrets, now=utcnow(), tolerance_s=settings.webhook_tolerance_s
        )
    except SignatureRefused as refused:
        await _audit_refusal(request, source, refused.code)
        raise
    event = _parse(body)
    entry_id, new = await inbound.receive(session, source, webhook_id, event)
    answer = Accepted(id=entry_id, status="accepted" if new else "duplicate")
    return Response(
        answer.model_dump_json(), status_code=202 if new else 200, media_type="application/json"
    )


def _parse(body: bytes) -> InboundEvent:
    try:
        event = InboundEvent.model_validate(json.loads(body))
        inbound.check_fields(event)
    except ValidationError as invalid:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in invalid.errors(include_input=False)]
        ) from None
    # After ValidationError (a ValueError too): JSONDecodeError, UnicodeDecodeError, integers
    # past 4,300 digits, and a body nested deeper than the parser's stack.
    except (ValueError, RecursionError):
        raise RequestValidationError(
            [{"type": "json_invalid", "loc": ("body",), "msg": "Invalid JSON", "input": None}]
        ) from None
    return event


async def _audit_refusal(request: Request, source: str, code: str) -> None:
    """In its own transaction: the request's own rolls back with the 401."""
    async with request.app.state.sessionmaker.begin() as session:
        await audit.record(
            session,
            ANONYMOUS,
            "webhook.refused",
            entity_type="webhook_source",
            entity_id=source,
            details={"source": source, "reason": code},
        )


@router.post("/inbound-sources/{source}/secrets", status_code=201, response_model=SecretCreated,
             operation_id="create_inbound_secret", responses=auth_problem_responses())  # fmt: skip
async def create_secret(
    source: Source, request: Request, principal: CanManage, session: DbSession
) -> SecretCreated:
    """A new `whsec_…` secret for a source, shown once. The source's older secrets keep
    working until deleted, so a rotation never drops a delivery."""
    row, secret = await inbound.add_secret(
        session, request.app.state.auth.encryption, source, principal
    )
    return SecretCreated(id=row.id, source=source, secret=secret, created_at=row.created_at)


@router.get("/inbound-sources/{source}/secrets", response_model=list[SecretRead],
            operation_id="list_inbound_secrets", responses=auth_problem_responses())  # fmt: skip
async def list_secrets(
    source: Source, request: Request, principal: CanManage, session: DbSession
) -> list[SecretRead]:
    """The secrets a source may sign with (never their values)."""
    configured = request.app.state.settings.webhook_secrets.get(source, [])
    stored = await InboundRepository(session).secrets(source)
    return [
        SecretRead(id=None, source=source, origin="settings", created_at=None) for _ in configured
    ] + [SecretRead(id=s.id, source=source, origin="api", created_at=s.created_at) for s in stored]


@router.delete("/inbound-sources/{source}/secrets/{secret_id}", status_code=204,
               operation_id="delete_inbound_secret",
               responses=auth_problem_responses() | problem_responses(SecretNotFound))  # fmt: skip
async def delete_secret(
    source: Source, secret_id: uuid.UUID, principal: CanManage, session: DbSession
) -> Response:
    """Stop accepting a secret (the end of a rotation)."""
    if not await InboundRepository(session).remove_secret(source, secret_id):
        raise SecretNotFound()
    await audit.record(
        session, principal, "webhook_secret.deleted", entity_type="inbound_secret",
        entity_id=secret_id, details={"source": source},
    )  # fmt: skip
    return Response(status_code=204)


def _read(entry: object) -> InboxRead:
    return InboxRead.model_validate(entry, from_attributes=True)


@router.get("/inbox", response_model=Page[InboxRead], operation_id="list_inbox",
            responses=auth_problem_responses() | problem_responses(InvalidCursor))  # fmt: skip
async def list_inbox(
    principal: CanManage,
    session: DbSession,
    page: Pagination,
    source: str | None = None,
    status: Literal["pending", "processed", "rejected", "failed"] | None = None,
) -> Page[InboxRead]:
    """Received deliveries, newest first, with what became of each (no payloads)."""
    after = keyset_after(page.cursor)
    found = await InboundRepository(session).page(
        source=source, status=status, limit=page.limit + 1, after=after
    )
    return keyset_page([_read(e) for e in found], page.limit,
                       lambda e: (e.received_at.isoformat(), e.id))  # fmt: skip


@router.get("/inbox/{entry_id}", response_model=InboxRead, operation_id="get_inbox_entry",
            responses=auth_problem_responses() | problem_responses(InboxEntryNotFound))  # fmt: skip
async def get_entry(entry_id: uuid.UUID, principal: CanManage, session: DbSession) -> InboxRead:
    """One received delivery: status (`pending`, `processed`, `rejected` with the reason,
    `failed` after its last retry), attempts, and the record it became."""
    entry = await InboundRepository(session).get(entry_id)
    if entry is None:
        raise InboxEntryNotFound()
    return _read(entry)


@router.post("/inbox/{entry_id}/retry", response_model=InboxRead, operation_id="retry_inbox_entry",
             responses=auth_problem_responses()
             | problem_responses(InboxEntryNotFound, NotRetryable))  # fmt: skip
async def retry_entry(entry_id: uuid.UUID, principal: CanManage, session: DbSession) -> InboxRead:
    """Process a rejected or failed delivery again (after fixing what rejected it)."""
    entry = await InboundRepository(session).get(entry_id, for_update=True)
    if entry is None:
        raise InboxEntryNotFound()
    if entry.status not in ("rejected", "failed"):
        raise NotRetryable(status=entry.status)
    entry.status, entry.attempts, entry.retry_after = "pending", 0, None
    await session.flush()
    await inbound.ensure_drain(session)
    await audit.record(
        session, principal, "webhook_inbox.retried", entity_type="inbox", entity_id=entry.id,
        fields=("status",),
    )  # fmt: skip
    return _read(entry)
