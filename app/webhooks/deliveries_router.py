"""The outbound delivery log over HTTP (`webhooks:manage`): list, read, replay."""

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
from app.webhooks import deliveries_service as service
from app.webhooks.deliveries_schemas import (
    AttemptRead,
    DeliveryDetail,
    DeliveryRead,
    DeliveryStatus,
)
from app.webhooks.outbound_errors import DeliveryNotFound, DeliveryNotReplayable
from app.webhooks.subscriptions_schemas import EventName

router = APIRouter(
    prefix="/v1/webhook-deliveries", tags=["webhooks"], responses=auth_problem_responses()
)
CanManageWebhooks = Annotated[Principal, requires(Scope.WEBHOOKS_MANAGE)]


@router.get("", response_model=Page[DeliveryRead], responses=problem_responses(InvalidCursor))
async def list_webhook_deliveries(
    principal: CanManageWebhooks,
    session: DbSession,
    page: Pagination,
    subscription_id: uuid.UUID | None = None,
    status: DeliveryStatus | None = None,
    event_type: Annotated[EventName | None, Query()] = None,
) -> Page[DeliveryRead]:
    """Deliveries, newest first: one per event and subscription, with the last attempt's
    status code, latency and error. Filter `status=dead` for the dead letters."""
    found = await service.list_deliveries(
        session,
        subscription_id=subscription_id,
        status=status,
        event_type=event_type,
        before=keyset_after(page.cursor),
        limit=page.limit + 1,
    )
    items = [DeliveryRead.of(d) for d in found]
    return keyset_page(items, page.limit, lambda d: (d.created_at.isoformat(), d.id))


@router.get(
    "/{delivery_id}", response_model=DeliveryDetail, responses=problem_responses(DeliveryNotFound)
)
async def get_webhook_delivery(
    delivery_id: uuid.UUID, principal: CanManageWebhooks, session: DbSession
) -> DeliveryDetail:
    """One delivery and every attempt made (status code, latency, error; never a body)."""
    delivery = await service.get(session, delivery_id)
    attempts = await service.attempts_of(session, delivery_id)
    return DeliveryDetail(
        **DeliveryRead.of(delivery).model_dump(),
        attempt_log=[AttemptRead.of(a) for a in attempts],
    )


@router.post(
    "/{delivery_id}/replay",
    response_model=DeliveryRead,
    responses=problem_responses(DeliveryNotFound, DeliveryNotReplayable),
)
async def replay_webhook_delivery(
    delivery_id: uuid.UUID, principal: CanManageWebhooks, session: DbSession
) -> DeliveryRead:
    """Send a dead-lettered (or delivered) delivery again, with a fresh set of attempts and
    the same `webhook-id`. A delivery still pending or in flight answers 409."""
    return DeliveryRead.of(await service.replay(session, principal, delivery_id))
