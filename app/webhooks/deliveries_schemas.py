"""Response bodies of `/v1/webhook-deliveries`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.webhooks.outbound_models import WebhookDelivery, WebhookDeliveryAttempt

DeliveryStatus = Literal["pending", "delivering", "delivered", "dead"]


class DeliveryRead(BaseModel):
    id: uuid.UUID
    event_id: uuid.UUID = Field(description="Sent as `webhook-id`, the same on every attempt")
    subscription_id: uuid.UUID
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_latency_ms: int | None
    last_error: str | None = Field(
        description="timeout, connect_error, http_4xx, http_5xx, lease_expired… never a body"
    )
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, d: WebhookDelivery) -> DeliveryRead:
        return cls(
            id=d.id,
            event_id=d.event_id,
            subscription_id=d.subscription_id,
            event_type=d.event_type,
            status=d.status,  # type: ignore[arg-type]
            attempts=d.attempts,
            next_attempt_at=d.next_attempt_at,
            last_status_code=d.last_status_code,
            last_latency_ms=d.last_latency_ms,
            last_error=d.last_error,
            delivered_at=d.delivered_at,
            created_at=d.created_at,
            updated_at=d.updated_at,
        )


class AttemptRead(BaseModel):
    attempt: int
    status_code: int | None
    latency_ms: int | None
    error: str | None
    attempted_at: datetime

    @classmethod
    def of(cls, a: WebhookDeliveryAttempt) -> AttemptRead:
        return cls(
            attempt=a.attempt,
            status_code=a.status_code,
            latency_ms=a.latency_ms,
            error=a.error,
            attempted_at=a.attempted_at,
        )


class DeliveryDetail(DeliveryRead):
    attempt_log: list[AttemptRead] = Field(description="Every attempt, first to last")
