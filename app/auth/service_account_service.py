"""Machines: OAuth2 client credentials, secret shown once, rotatable with a grace period."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import service as audit
from app.auth.context import secret_digest
from app.auth.errors import (
    ForbiddenServiceAccountScope,
    ServiceAccountNameTaken,
    ServiceAccountNotFound,
)
from app.auth.models import ServiceAccount
from app.auth.principal import Principal
from app.auth.repository import ServiceAccountRepository
from app.auth.scopes import SERVICE_ACCOUNT_SCOPES, Scope

CLIENT_SECRET_PREFIX = "crmdq_sk_"  # noqa: S105 (a prefix that makes leaks greppable)


@dataclass(frozen=True, slots=True)
class IssuedSecret:
    account: ServiceAccount
    client_secret: str


def _new_secret() -> str:
    return CLIENT_SECRET_PREFIX + secrets.token_urlsafe(32)


def _checked_scopes(scopes: Iterable[Scope]) -> list[str]:
    chosen = set(scopes)
    if not chosen <= SERVICE_ACCOUNT_SCOPES:
        raise ForbiddenServiceAccountScope(
            scopes=sorted(s.value for s in chosen - SERVICE_ACCOUNT_SCOPES)
        )
    return sorted(s.value for s in chosen)


async def create(
    session: AsyncSession, actor: Principal, name: str, scopes: Iterable[Scope]
) -> IssuedSecret:
    repo = ServiceAccountRepository(session)
    name = name.strip()
    if await repo.get_by_name(name) is not None:
        raise ServiceAccountNameTaken()
    secret = _new_secret()
    account = ServiceAccount(
        id=uuid.uuid4(),
        name=name,
        client_id="crmdq_" + secrets.token_hex(10),
        secret_hash=secret_digest(secret),
        scopes=_checked_scopes(scopes),
        is_active=True,
        token_version=1,
        created_by=actor.id if actor.type == "user" else None,
    )
    await repo.add(account)
    await audit.record(
        session,
        actor,
        "service_account.created",
        entity_type="service_account",
        entity_id=account.id,
        fields=("name", "scopes"),
    )
    return IssuedSecret(account, secret)


async def get(
    session: AsyncSession, account_id: uuid.UUID, *, for_update: bool = False
) -> ServiceAccount:
    account = await ServiceAccountRepository(session).get(account_id, for_update=for_update)
    if account is None:
        raise ServiceAccountNotFound()
    return account


async def rotate_secret(
    session: AsyncSession, actor: Principal, account_id: uuid.UUID, grace: timedelta, now: datetime
) -> IssuedSecret:
    """The old secret keeps working for `grace` so callers can switch; old tokens die now."""
    account = await get(session, account_id, for_update=True)
    secret = _new_secret()
    account.previous_secret_hash = account.secret_hash if grace.total_seconds() > 0 else None
    account.previous_secret_expires_at = now + grace if grace.total_seconds() > 0 else None
    account.secret_hash = secret_digest(secret)
    account.token_version += 1
    await audit.record(
        session,
        actor,
        "service_account.secret_rotated",
        entity_type="service_account",
        entity_id=account.id,
        fields=("secret_hash",),
        details={"grace_seconds": int(grace.total_seconds())},
    )
    return IssuedSecret(account, secret)


async def update(
    session: AsyncSession,
    actor: Principal,
    account_id: uuid.UUID,
    *,
    scopes: Iterable[Scope] | None,
    active: bool | None,
) -> ServiceAccount:
    account = await get(session, account_id, for_update=True)
    changed = []
    if scopes is not None:
        new_scopes = _checked_scopes(scopes)
        if new_scopes != sorted(account.scopes):
            account.scopes = new_scopes
            changed.append("scopes")
    if active is not None and active != account.is_active:
        account.is_active = active
        changed.append("is_active")
    if changed:
        account.token_version += 1
        await audit.record(
            session,
            actor,
            "service_account.updated",
            entity_type="service_account",
            entity_id=account.id,
            fields=changed,
        )
    return account


async def list_accounts(
    session: AsyncSession, *, limit: int, after: tuple[datetime, uuid.UUID] | None
) -> Sequence[ServiceAccount]:
    return await ServiceAccountRepository(session).page(limit=limit, after=after)
