"""Writing events to the outbox, inside the caller's transaction.

An event exists if and only if the change it describes committed; delivering it to the
subscribers is the outbound webhooks' job, which reads this table.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.webhooks.models import OutboxEvent

EVENT_TYPES = frozenset(
    {
        "record.created",
        "record.updated",
        "record.validated",
        "duplicate.detected",
        "record.merged",
        "record.unmerged",
        "record.anonymized",
        "scan.completed",
    }
)


async def enqueue(
    session: AsyncSession,
    type_: str,
    data: Mapping[str, Any],
    *,
    entity: str | None = None,
    record_id: uuid.UUID | None = None,
) -> OutboxEvent:
    if type_ not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type_!r}")
    event = OutboxEvent(
        id=uuid.uuid4(), type=type_, entity=entity, record_id=record_id, data=dict(data)
    )
    session.add(event)
    await session.flush()
    return event
