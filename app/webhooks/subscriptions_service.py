"""Webhook subscriptions: create (secret shown once), list, read, change, delete, rotate.

Every change is audited with field names only: the URL may name a customer's host and the
secret must never leave this module in clear except in the answer that creates it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.principal import Principal
from app.core.crypto import seal
from app.core.keyring import Keyring
from app.webhooks.outbound_errors import SubscriptionNotFound
from app.webhooks.outbound_models import WebhookSubscription
from app.webhooks.whsec import new_secret

ENTITY = "webhook_subscription"


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    subscription: WebhookSubscription
    secret: str


async def create(
    session: AsyncSession,
    actor: Principal,
    keyring: Keyring,
    *,
    url: str,
    events: Sequence[str],
    description: str | None,
) -> IssuedSecret:
    sub = WebhookSubscription(
        id=uuid.uuid4(),
        url=url,
        events=list(events),
        description=description,
        active=True,
        created_by_type=actor.type,
        created_by_id=actor.id,
    )
    secret = new_secret()
    _seal_into(sub, keyring, secret)
    session.add(sub)
    await session.flush()
    await audit.record(
        session,
        actor,
        f"{ENTITY}.created",
        entity_type=ENTITY,
        entity_id=sub.id,
        fields=("url", "events", "description", "secret"),
    )
    return IssuedSecret(sub, secret)


async def list_subscriptions(
    session: AsyncSession, *, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[WebhookSubscription]:
    stmt = select(WebhookSubscription)
    if after is not None:
        stmt = stmt.where(
            tuple_(WebhookSubscription.created_at, WebhookSubscription.id) > tuple_(*after)
        )
    stmt = stmt.order_by(WebhookSubscription.created_at, WebhookSubscription.id).limit(limit)
    return list(await session.scalars(stmt))


async def get(
    session: AsyncSession, sub_id: uuid.UUID, *, for_update: bool = False
) -> WebhookSubscription:
    stmt = select(WebhookSubscription).where(WebhookSubscription.id == sub_id)
    if for_update:
        stmt = stmt.with_for_update()
    sub = await session.scalar(stmt)
    if sub is None:
        raise SubscriptionNotFound()
    return sub


async def update(
    session: AsyncSession,
    actor: Principal,
    sub_id: uuid.UUID,
    changes: dict[str, object],
) -> WebhookSubscription:
    """`changes` holds only the fields the caller sent (url, events, description, active)."""
    sub = await get(session, sub_id, for_update=True)
    changed = [name for name, value in changes.items() if getattr(sub, name) != value]
    for name in changed:
        setattr(sub, name, changes[name])
    if changed:
        sub.updated_at = func.clock_timestamp()
        await session.flush()
        await session.refresh(sub)
        await audit.record(
            session,
            actor,
            f"{ENTITY}.updated",
            entity_type=ENTITY,
            entity_id=sub.id,
            fields=sorted(changed),
        )
    return sub


async def remove(session: AsyncSession, actor: Principal, sub_id: uuid.UUID) -> None:
    """Deletes the subscription and its delivery log; a delivery in flight finishes unrecorded."""
    await get(session, sub_id, for_update=True)
    await session.execute(delete(WebhookSubscription).where(WebhookSubscription.id == sub_id))
    await audit.record(session, actor, f"{ENTITY}.deleted", entity_type=ENTITY, entity_id=sub_id)


async def rotate_secret(
    session: AsyncSession,
    actor: Principal,
    keyring: Keyring,
    sub_id: uuid.UUID,
    grace: timedelta,
    now: datetime,
) -> IssuedSecret:
    """A new secret; the old one keeps signing (a second `v1,` signature) for `grace`."""
    sub = await get(session, sub_id, for_update=True)
    if grace > timedelta(0):
        sub.previous_secret, sub.previous_key_id = sub.secret, sub.key_id
        sub.previous_expires_at = now + grace
    else:
        sub.previous_secret = sub.previous_key_id = sub.previous_expires_at = None
    secret = new_secret()
    _seal_into(sub, keyring, secret)
    sub.updated_at = func.clock_timestamp()
    await session.flush()
    await session.refresh(sub)
    await audit.record(
        session,
        actor,
        f"{ENTITY}.secret_rotated",
        entity_type=ENTITY,
        entity_id=sub.id,
        fields=("secret",),
        details={"grace_hours": int(grace.total_seconds() // 3600)},
    )
    return IssuedSecret(sub, secret)


def _seal_into(sub: WebhookSubscription, keyring: Keyring, secret: str) -> None:
    # The row id is the associated data: a sealed secret copied onto another row will not open.
    sealed = seal(keyring, secret.encode(), context=sub.id.bytes)
    sub.secret, sub.key_id = sealed.blob, sealed.kid
