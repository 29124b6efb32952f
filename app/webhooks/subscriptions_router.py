"""Outbound webhook subscriptions over HTTP (`webhooks:manage`)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Response

from app.auth.deps import AuthCtx, requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses
from app.core.pagination import InvalidCursor, Page, Pagination, keyset_after, keyset_page
from app.core.timeutil import utcnow
from app.webhooks import subscriptions_service as service
from app.webhooks.outbound_errors import SubscriptionNotFound
from app.webhooks.subscriptions_schemas import (
    SecretRotation,
    SubscriptionCreate,
    SubscriptionRead,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)

router = APIRouter(
    prefix="/v1/webhook-subscriptions",
    tags=["webhooks"],
    responses=auth_problem_responses(),
)
CanManageWebhooks = Annotated[Principal, requires(Scope.WEBHOOKS_MANAGE)]


def _with_secret(issued: service.IssuedSecret) -> SubscriptionWithSecret:
    read = SubscriptionRead.of(issued.subscription)
    return SubscriptionWithSecret(**read.model_dump(), secret=issued.secret)


@router.post("", status_code=201, response_model=SubscriptionWithSecret)
async def create_webhook_subscription(
    body: SubscriptionCreate,
    principal: CanManageWebhooks,
    session: DbSession,
    ctx: AuthCtx,
    response: Response,
) -> SubscriptionWithSecret:
    """Subscribe a URL to event types. The answer holds the generated `whsec_…` secret, the
    only time it is shown: receivers verify each delivery's `webhook-signature` with it
    (Standard Webhooks). Events are matched to subscriptions when the dispatcher picks them
    up, within about a second of their commit: events from before this call are not sent."""
    issued = await service.create(
        session,
        principal,
        ctx.encryption,
        url=body.url,
        events=body.events,
        description=body.description,
    )
    response.headers["Cache-Control"] = "no-store"  # the secret must not sit in a cache
    return _with_secret(issued)


@router.get("", response_model=Page[SubscriptionRead], responses=problem_responses(InvalidCursor))
async def list_webhook_subscriptions(
    principal: CanManageWebhooks, session: DbSession, page: Pagination
) -> Page[SubscriptionRead]:
    """Subscriptions, oldest first (never their secrets)."""
    found = await service.list_subscriptions(
        session, after=keyset_after(page.cursor), limit=page.limit + 1
    )
    items = [SubscriptionRead.of(s) for s in found]
    return keyset_page(items, page.limit, lambda s: (s.created_at.isoformat(), s.id))


@router.get(
    "/{subscription_id}",
    response_model=SubscriptionRead,
    responses=problem_responses(SubscriptionNotFound),
)
async def get_webhook_subscription(
    subscription_id: uuid.UUID, principal: CanManageWebhooks, session: DbSession
) -> SubscriptionRead:
    """One subscription (never its secret)."""
    return SubscriptionRead.of(await service.get(session, subscription_id))


@router.patch(
    "/{subscription_id}",
    response_model=SubscriptionRead,
    responses=problem_responses(SubscriptionNotFound),
)
async def update_webhook_subscription(
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    principal: CanManageWebhooks,
    session: DbSession,
) -> SubscriptionRead:
    """Change the URL, the event types or the description; `active: false` pauses deliveries
    (they wait, their attempts unspent) and `active: true` resumes them."""
    changes = body.model_dump(exclude_unset=True)
    for name in ("url", "events", "active"):
        if name in changes and changes[name] is None:
            del changes[name]  # null means "leave as is" for fields that cannot be empty
    sub = await service.update(session, principal, subscription_id, changes)
    return SubscriptionRead.of(sub)


@router.delete(
    "/{subscription_id}",
    status_code=204,
    response_class=Response,
    responses=problem_responses(SubscriptionNotFound),
)
async def delete_webhook_subscription(
    subscription_id: uuid.UUID, principal: CanManageWebhooks, session: DbSession
) -> Response:
    """Delete the subscription and its delivery log; nothing more is sent to its URL."""
    await service.remove(session, principal, subscription_id)
    return Response(status_code=204)


@router.post(
    "/{subscription_id}/rotate-secret",
    response_model=SubscriptionWithSecret,
    responses=problem_responses(SubscriptionNotFound),
)
async def rotate_webhook_subscription_secret(
    subscription_id: uuid.UUID,
    principal: CanManageWebhooks,
    session: DbSession,
    ctx: AuthCtx,
    response: Response,
    body: SecretRotation | None = None,
) -> SubscriptionWithSecret:
    """A new secret, shown once. For `grace_hours` (default `CRMDQ_SECRET_ROTATION_GRACE_H`)
    each delivery carries two signatures, one per secret, so the receiver can switch over
    without dropping a delivery; `grace_hours: 0` retires the old secret at once."""
    hours = body.grace_hours if body is not None else None
    grace = timedelta(hours=ctx.settings.secret_rotation_grace_h if hours is None else hours)
    issued = await service.rotate_secret(
        session, principal, ctx.encryption, subscription_id, grace, utcnow()
    )
    response.headers["Cache-Control"] = "no-store"
    return _with_secret(issued)
