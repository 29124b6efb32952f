"""What a delivery carries: the JSON body, the Standard Webhooks headers, who gets it (pure).

The body is `{"id", "type", "timestamp", "data"}`; `webhook-id` is the outbox event's id, the
same on every attempt, so a receiver de-duplicates on it. The signature covers
`{id}.{timestamp}.{body}` with HMAC-SHA256 under each secret in force (two during a
rotation's grace period), built by the reference `standardwebhooks` library.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook

ALL_EVENTS = "*"
USER_AGENT = "crm-dq-webhooks/1"


@dataclass(frozen=True, slots=True)
class EventMessage:
    id: uuid.UUID
    type: str
    created_at: datetime
    data: Mapping[str, Any]
    entity: str | None = None
    record_id: uuid.UUID | None = None


def subscribed(events: Collection[str], event_type: str) -> bool:
    return ALL_EVENTS in events or event_type in events


def recipients(
    subscriptions: Iterable[tuple[uuid.UUID, Collection[str]]], event_type: str
) -> list[uuid.UUID]:
    """The subscriptions (id, event types) an event of `event_type` goes to."""
    return [sub_id for sub_id, events in subscriptions if subscribed(events, event_type)]


def iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("event times are timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def body(event: EventMessage) -> str:
    """The JSON body, compact and UTF-8 (accents kept as they are, not \\u-escaped)."""
    # The event's own columns fill in the record it is about, unless its data already says.
    data: dict[str, Any] = {}
    if event.entity is not None:
        data["entity"] = event.entity
    if event.record_id is not None:
        data["record_id"] = str(event.record_id)
    data.update(event.data)
    payload = {
        "id": str(event.id),
        "type": event.type,
        "timestamp": iso_utc(event.created_at),
        "data": data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def headers(
    event_id: uuid.UUID, sent_at: datetime, payload: str, secrets_in_force: Iterable[str]
) -> dict[str, str]:
    """Standard Webhooks headers; one `v1,` signature per secret, newest first."""
    moment = sent_at.astimezone(UTC).replace(microsecond=0)
    msg_id = str(event_id)
    signatures = [Webhook(s).sign(msg_id, moment, payload) for s in secrets_in_force]
    if not signatures:
        raise ValueError("a delivery needs at least one secret to sign with")
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
