"""Publishable form keys: create, list, change; and recognising a browser that sends one."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from app.audit import service as audit
from app.auth import rate_limit
from app.auth.context import AuthContext
from app.auth.errors import TooManyAttempts
from app.auth.form_keys_models import FormKey
from app.auth.principal import Principal
from app.auth.scopes import Scope
from app.core.crypto import keyed_hash
from app.core.errors import Conflict, DomainError, NotFound

KEY_PREFIX = "crmdq_pk_"


class FormKeyNotFound(NotFound):
    code = "form_keys.not_found"
    title = {"en": "Form key not found", "fr": "Clé de formulaire introuvable"}


class FormKeyNameTaken(Conflict):
    code = "form_keys.name_taken"
    title = {"en": "A form key has this name", "fr": "Une clé de formulaire porte ce nom"}


class FormKeyRefused(DomainError):
    status, code = 401, "auth.form_key_refused"
    title = {
        "en": "Unknown or inactive form key, or a page origin the key does not allow",
        "fr": "Clé de formulaire inconnue ou inactive, ou origine de page non autorisée",
    }


async def create(
    session: AsyncSession, actor: Principal, name: str, origins: Sequence[str], rate: int
) -> FormKey:
    if await session.scalar(select(FormKey).where(FormKey.name == name)) is not None:
        raise FormKeyNameTaken()
    form_key = FormKey(
        id=uuid.uuid4(),
        name=name,
        key=KEY_PREFIX + secrets.token_urlsafe(24),
        allowed_origins=sorted(set(origins)),
        rate_per_ip_per_minute=rate,
        is_active=True,
        created_by=actor.id if actor.type == "user" else None,
    )
    session.add(form_key)
    await session.flush()
    await audit.record(
        session,
        actor,
        "form_key.created",
        entity_type="form_key",
        entity_id=form_key.id,
        fields=("name", "allowed_origins"),
    )
    return form_key


async def update(
    session: AsyncSession,
    actor: Principal,
    key_id: uuid.UUID,
    *,
    origins: Sequence[str] | None,
    rate: int | None,
    active: bool | None,
) -> FormKey:
    form_key = await session.scalar(select(FormKey).where(FormKey.id == key_id).with_for_update())
    if form_key is None:
        raise FormKeyNotFound()
    changed = []
    if origins is not None and sorted(set(origins)) != form_key.allowed_origins:
        form_key.allowed_origins = sorted(set(origins))
        changed.append("allowed_origins")
    if rate is not None and rate != form_key.rate_per_ip_per_minute:
        form_key.rate_per_ip_per_minute = rate
        changed.append("rate_per_ip_per_minute")
    if active is not None and active != form_key.is_active:
        form_key.is_active = active
        changed.append("is_active")
    if changed:
        await session.flush()
        await audit.record(
            session,
            actor,
            "form_key.updated",
            entity_type="form_key",
            entity_id=form_key.id,
            fields=changed,
        )
    return form_key


async def list_keys(session: AsyncSession) -> Sequence[FormKey]:
    return (await session.scalars(select(FormKey).order_by(FormKey.created_at))).all()


async def caller_for(
    sessions: async_sessionmaker[AsyncSession],
    ctx: AuthContext,
    key: str,
    origin: str | None,
    ip: str | None,
    now: datetime,
) -> Principal:
    """The browser behind a form key: only `validate`, only from the key's origins, and only
    so many calls per IP and minute (429 beyond)."""
    async with sessions.begin() as session:
        form_key = await session.scalar(select(FormKey).where(FormKey.key == key))
        if form_key is None or not form_key.is_active or origin not in form_key.allowed_origins:
            raise FormKeyRefused()
        bucket = "form-ip:" + keyed_hash(ctx.bucket_key, f"{form_key.id}|{ip or 'unknown'}")[:40]
        tally = await rate_limit.hit(session, bucket, now)
        limit, key_id = form_key.rate_per_ip_per_minute, form_key.id
    if tally.over(limit):
        raise TooManyAttempts(retry_after=tally.retry_after_s(limit))
    return Principal("form_key", key_id, frozenset({Scope.VALIDATE}))
