"""Consent history: every change of a contact's consent fields, and marketing eligibility."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth.principal import Principal
from app.gdpr.models import ConsentEvent
from app.records.models import Contact

TRACKED = ("subscription_status", "email_status", "lawful_basis", "collection_method")
NOT_MARKETABLE = ("bounced", "spamtrap")


async def record_changes(
    session: AsyncSession,
    actor: Principal,
    contact_id: uuid.UUID,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    source_system: str | None,
) -> None:
    """One event per tracked field whose value changed (creation counts from nothing)."""
    for name in TRACKED:
        if name in after and before.get(name) != after[name] and after[name] is not None:
            session.add(
                ConsentEvent(
                    id=uuid.uuid4(),
                    contact_id=contact_id,
                    field=name,
                    old_value=before.get(name),
                    new_value=after[name],
                    source_system=source_system,
                    actor_type=actor.type,
                    actor_id=actor.id,
                )
            )


async def history(session: AsyncSession, contact_ids: Sequence[uuid.UUID]) -> list[ConsentEvent]:
    stmt = (
        select(ConsentEvent)
        .where(ConsentEvent.contact_id.in_(list(contact_ids)))
        .order_by(ConsentEvent.occurred_at, ConsentEvent.id)
    )
    return list((await session.scalars(stmt)).all())


def marketing_eligible() -> ColumnElement[bool]:
    """B2B prospecting by email in France is opt-out: eligible unless unsubscribed, with a
    deliverable address."""
    return and_(
        Contact.email.is_not(None),
        or_(Contact.subscription_status.is_(None), Contact.subscription_status != "unsubscribed"),
        Contact.email_status.not_in(NOT_MARKETABLE),
    )


def is_marketing_eligible(contact: Any) -> bool:
    return (
        bool(contact.email)
        and contact.subscription_status != "unsubscribed"
        and contact.email_status not in NOT_MARKETABLE
    )
