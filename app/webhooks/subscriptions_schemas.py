"""Request and response bodies of `/v1/webhook-subscriptions`."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.webhooks.outbound_models import WebhookSubscription
from app.webhooks.subscriptions_rules import SUBSCRIBABLE, check_events, check_url

# Built from the outbox's list, so a new event type is subscribable without touching this.
EventName = Literal[tuple(sorted(SUBSCRIBABLE))]  # type: ignore[valid-type]


def _url(raw: str) -> str:
    return check_url(raw)  # InvalidUrl is a ValueError: a 422 naming the `url` field


Url = Annotated[
    str,
    Field(max_length=2048, examples=["https://crm.example.fr/hooks/crm-dq"]),
    AfterValidator(_url),
]
Events = Annotated[
    list[EventName],
    Field(min_length=1, max_length=50, examples=[["record.merged", "duplicate.detected"]]),
    AfterValidator(check_events),
]


class SubscriptionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url
    events: Events = Field(description='Event types, or ["*"] for every type')
    description: str | None = Field(default=None, max_length=500)


class SubscriptionUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    events: Events | None = None
    description: str | None = Field(default=None, max_length=500)
    active: bool | None = Field(default=None, description="false pauses deliveries; true resumes")


class SecretRotation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace_hours: int | None = Field(
        default=None,
        ge=0,
        le=720,
        description="How long the previous secret still signs too (default from settings)",
    )


class SubscriptionRead(BaseModel):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    active: bool
    previous_secret_expires_at: datetime | None = Field(
        description="Until then each delivery is signed with the previous secret as well"
    )
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, sub: WebhookSubscription) -> SubscriptionRead:
        return cls(
            id=sub.id,
            url=sub.url,
            events=list(sub.events),
            description=sub.description,
            active=sub.active,
            previous_secret_expires_at=sub.previous_expires_at,
            created_at=sub.created_at,
            updated_at=sub.updated_at,
        )


class SubscriptionWithSecret(SubscriptionRead):
    secret: str = Field(
        description="`whsec_…`: verify our signatures with it. Shown in this answer only."
    )
