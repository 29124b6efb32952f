"""Publishable form keys for web forms (`users:manage`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from app.auth import form_keys
from app.auth.deps import requires
from app.auth.errors import auth_problem_responses
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.db import DbSession
from app.core.errors import problem_responses

router = APIRouter(prefix="/v1/form-keys", tags=["form keys"], responses=auth_problem_responses())
CanManage = Annotated[Principal, requires(Scope.USERS_MANAGE)]
Origin = Annotated[HttpUrl, Field(examples=["https://www.example.fr"])]


def _origin(url: HttpUrl) -> str:
    """As a browser sends it in the Origin header: scheme, host, and a non-default port."""
    default = {"https": 443, "http": 80}.get(url.scheme)
    port = f":{url.port}" if url.port and url.port != default else ""
    return f"{url.scheme}://{url.host}{port}"


class FormKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, examples=["site-contact-form"])
    allowed_origins: list[Origin] = Field(min_length=1, max_length=20)
    rate_per_ip_per_minute: int = Field(default=60, ge=1, le=10_000)


class FormKeyUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    allowed_origins: list[Origin] | None = Field(default=None, min_length=1, max_length=20)
    rate_per_ip_per_minute: int | None = Field(default=None, ge=1, le=10_000)
    is_active: bool | None = None


class FormKeyRead(BaseModel):
    id: uuid.UUID
    name: str
    key: str = Field(description="Publishable: put it in the form's page as X-Form-Key")
    allowed_origins: list[str]
    rate_per_ip_per_minute: int
    is_active: bool
    created_at: datetime

    @classmethod
    def of(cls, form_key) -> FormKeyRead:  # type: ignore[no-untyped-def]
        return cls(
            id=form_key.id,
            name=form_key.name,
            key=form_key.key,
            allowed_origins=list(form_key.allowed_origins),
            rate_per_ip_per_minute=form_key.rate_per_ip_per_minute,
            is_active=form_key.is_active,
            created_at=form_key.created_at,
        )


@router.post(
    "",
    status_code=201,
    response_model=FormKeyRead,
    responses=problem_responses(form_keys.FormKeyNameTaken),
)
async def create_form_key(
    body: FormKeyCreate, principal: CanManage, session: DbSession
) -> FormKeyRead:
    """A publishable key a web form sends as `X-Form-Key` to call `/v1/validate/*` from the
    allowed origins only (the origins must also be in `CRMDQ_CORS_ORIGINS`). It can read
    nothing and write nothing."""
    origins = [_origin(o) for o in body.allowed_origins]
    created = await form_keys.create(
        session, principal, body.name, origins, body.rate_per_ip_per_minute
    )
    await session.refresh(created)
    return FormKeyRead.of(created)


@router.get("", response_model=list[FormKeyRead])
async def list_form_keys(principal: CanManage, session: DbSession) -> list[FormKeyRead]:
    """Every form key."""
    return [FormKeyRead.of(k) for k in await form_keys.list_keys(session)]


@router.patch(
    "/{key_id}",
    response_model=FormKeyRead,
    responses=problem_responses(form_keys.FormKeyNotFound),
)
async def update_form_key(
    key_id: uuid.UUID, body: FormKeyUpdate, principal: CanManage, session: DbSession
) -> FormKeyRead:
    """Change a key's origins or rate, or deactivate it (it stops working at once)."""
    origins = [_origin(o) for o in body.allowed_origins] if body.allowed_origins else None
    updated = await form_keys.update(
        session,
        principal,
        key_id,
        origins=origins,
        rate=body.rate_per_ip_per_minute,
        active=body.is_active,
    )
    return FormKeyRead.of(updated)
